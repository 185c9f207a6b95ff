"""Demo data from the programme's own document: the 9 municipal networks, the organisations
it names, the Municipio 8 help desks of its flyer, and one demo user per role.

Loading twice changes nothing: every row is matched by its natural key first.
"""
from datetime import date

from sqlalchemy import select

from services.directory.listing import count, mark_changed
from services.directory.models import (BodyMember, GovernanceBody, Location, Membership, Network,
                                       Organization, Phone, Project, Schedule, Service, User)
from services.directory.passwords import hash_password
from services.directory.text import fold

DEFAULT_DEMO_PASSWORD = "qubi-demo"

ZONES = {
    1: ["Duomo", "Brera", "Porta Romana", "Porta Ticinese", "Magenta - San Vittore", "Sarpi"],
    2: ["Villa San Giovanni", "Greco", "Gorla", "Precotto", "Crescenzago", "Adriano", "Padova"],
    3: ["Città Studi", "Lambrate", "Casoretto", "Ortica", "Porta Venezia", "Rubattino"],
    4: ["Corvetto", "Rogoredo", "Calvairate", "Molise", "Ponte Lambro", "Forlanini"],
    5: ["Gratosoglio", "Stadera", "Chiesa Rossa", "Vigentino", "Morivione"],
    6: ["Giambellino", "Lorenteggio", "Barona", "Porta Genova", "San Cristoforo"],
    7: ["Baggio", "Quarto Cagnino", "Quinto Romano", "Figino", "San Siro"],
    8: ["Quarto Oggiaro", "Gallaratese", "Villapizzone", "QT8", "Lampugnano", "Trenno"],
    9: ["Niguarda", "Comasina", "Bruzzano", "Affori", "Bovisa", "Dergano", "Isola"],
}

# (name, legal form, municipio, level, description)
ORGANIZATIONS = [
    ("La Casa dei Giochi", "Associazione", 2, 1,
     "Via S. Uguzzone 8, Milano: laboratori e feste per bambini e famiglie."),
    ("Tempo per l'infanzia Coop. Soc.", "Cooperativa sociale", 2, 1, None),
    ("UVI - Unione Volontari per l'Infanzia", "Associazione", 2, 1, None),
    ("Fondazione Francesca Rava", "Fondazione", 2, 1, None),
    ("IlVespaio", "Associazione", 2, 2, None),
    ("Ditta Gioco Fiaba", "Associazione", 2, 2, None),
    ("Alchemilla", "Cooperativa sociale", 2, 2, None),
    ("Mirmica", "Cooperativa sociale", 2, 2, None),
    ("Associazione Genitori Attivi", "Associazione", 2, 2, None),
    ("Whanau Impresa Sociale", "Impresa sociale", 2, 2, None),
    ("Comunità Oklahoma", "Cooperativa sociale", 5, 1,
     "Via Costantino Baroni 228, Milano: comunità per minori."),
    # The flyer's Municipio 8 desks name no organisation; these two stand in for the demo.
    ("Rete QuBì 8 - Sportelli di orientamento (demo)", "Associazione", 8, 1,
     "Spazi di orientamento, ascolto e supporto per le famiglie del Municipio 8."),
    ("Spazio Famiglie Gallaratese (demo)", "Cooperativa sociale", 8, 1,
     "Spazio mamma-bambino 0-6 e laboratori."),
]

DESK_ORGANIZATION = "Rete QuBì 8 - Sportelli di orientamento (demo)"
# (zone, phone, weekday 1=Monday, opens, closes, latitude, longitude), from the flyer; the
# coordinates are the neighbourhoods' centres, as the flyer gives no street addresses
DESKS = [
    ("Quarto Oggiaro", "+39 351 681 8198", 2, "10:00", "13:00", 45.5143, 9.1374),
    ("Gallaratese", "+39 345 155 2523", 3, "14:00", "17:00", 45.4995, 9.1123),
    ("Villapizzone", "+39 333 268 3456", 5, "10:00", "13:00", 45.5020, 9.1520),
]
PROJECT_START, PROJECT_END = date(2024, 5, 8), date(2026, 5, 1)

# (username, display name, roles, municipi, organisation)
USERS = [
    ("citta", "Cabina di regia cittadina", ["city"], [], None),
    ("coord8", "Coordinamento Municipio 8", ["coordinator"], [8], None),
    ("coord3", "Coordinamento Municipio 3", ["coordinator"], [3], None),
    ("asc8", "Assistente sociale di comunità Municipio 8", ["social_worker"], [8], None),
    ("asc4", "Assistente sociale di comunità Municipio 4", ["social_worker"], [4], None),
    ("partner8a", "Operatrice sportelli QuBì 8", ["partner", "partner_admin"], [8],
     DESK_ORGANIZATION),
    ("partner8b", "Operatore Spazio Famiglie Gallaratese", ["partner"], [8],
     "Spazio Famiglie Gallaratese (demo)"),
    ("partner2", "Operatrice La Casa dei Giochi", ["partner"], [2], "La Casa dei Giochi"),
]


def load_demo(session, password: str = DEFAULT_DEMO_PASSWORD, with_users: bool = True) -> dict:
    """The programme's networks, organisations, desks and bodies; and, unless `with_users` is
    false (anywhere but development and tests), one demo user per role with a public password."""
    networks = {municipio: _network(session, municipio, zones) for municipio, zones in ZONES.items()}
    organizations = {}
    for name, legal_form, municipio, level, description in ORGANIZATIONS:
        organizations[name] = _organization(session, name, legal_form, networks[municipio], level,
                                            description)
    for zone, phone, weekday, opens, closes, latitude, longitude in DESKS:
        _desk(session, organizations[DESK_ORGANIZATION], zone, phone, weekday, opens, closes,
              latitude, longitude)
    _workshops(session, organizations["La Casa dei Giochi"])
    _governance(session)
    password_hash = None
    for username, display_name, roles, municipi, organization in USERS if with_users else ():
        if session.execute(select(User).where(User.username == username)).first():
            continue
        password_hash = password_hash or hash_password(password)
        session.add(User(username=username, display_name=display_name, roles=roles,
                         email=f"{username}@rete-qubi.example", mfa_exempt=True,
                         municipi=municipi, password_hash=password_hash,
                         organization_id=organizations[organization].id if organization else None))
    session.flush()
    _governance_members(session)
    return {"networks": len(networks), "organizations": len(organizations),
            "users": len(USERS) if with_users else 0}


def _network(session, municipio, zones):
    network = session.execute(select(Network).where(Network.municipio == municipio)).scalar()
    if network is None:
        network = Network(municipio=municipio, name=f"QuBì Municipio {municipio}", zones=zones)
        session.add(network)
        session.flush()
    return network


def _organization(session, name, legal_form, network, level, description):
    organization = session.execute(select(Organization).where(Organization.name == name)).scalar()
    if organization is None:
        organization = Organization(name=name, legal_form=legal_form, description=description,
                                    memberships=[Membership(network=network, level=level)])
        session.add(organization)
        session.flush()
        count(session, organizations={network.municipio: 1})
    return organization


def _service(session, organization, name, **fields):
    if session.execute(select(Service).where(Service.name == name)).first():
        return
    service = Service(organization=organization, name=name, status="active", **fields)
    session.add(service)
    mark_changed(session, service)


def _desk(session, organization, zone, phone, weekday, opens, closes, latitude, longitude):
    _service(
        session, organization, f"Sportello QuBì {zone}",
        category="proximity", dimension="orientation", min_age=0, max_age=17,
        languages=["it"], free=True,
        description="Spazio di orientamento, ascolto e supporto per le famiglie con figli: "
                    "informazioni su servizi e attività educative vicino a casa. Su appuntamento.",
        location=Location(name=f"Sportello {zone}", zone=zone, zone_key=fold(zone), municipio=8,
                          latitude=latitude, longitude=longitude),
        schedules=[Schedule(weekday=weekday, opens_at=opens, closes_at=closes)],
        phones=[Phone(number=phone, description="Per appuntamento")],
    )


def _workshops(session, organization):
    _service(
        session, organization, "Laboratori creativi per bambini",
        category="active_citizenship", dimension="culture", min_age=3, max_age=12,
        languages=["it"], free=False, cost_note="Ingresso a offerta libera",
        description="Laboratori creativi e spettacoli per tutte le età.",
        location=Location(name="La Casa dei Giochi", address="Via S. Uguzzone 8",
                          postal_code="20126", zone="Villa San Giovanni",
                          zone_key=fold("Villa San Giovanni"), municipio=2,
                          latitude=45.5176, longitude=9.2262),
        schedules=[Schedule(weekday=6, opens_at="14:30", closes_at="17:30")],
    )


def _governance(session):
    """The cabina di regia, the 9 coordinamenti, and a gruppo di progetto per progetto unitario."""
    _body(session, "city_committee", "Cabina di regia cittadina")
    for municipio in ZONES:
        _body(session, "municipal_coordination", f"Coordinamento municipale {municipio}", municipio)
    projects = [(f"Progetto unitario Municipio {m}", m) for m in ZONES]
    projects.append(("Progetto unitario azioni di sistema", None))
    for name, municipio in projects:
        project = session.execute(select(Project).where(Project.name == name)).scalar()
        if project is None:
            project = Project(name=name, municipio=municipio, starts_on=PROJECT_START,
                              ends_on=PROJECT_END)
            session.add(project)
            session.flush()
        _body(session, "project_group", f"Gruppo di progetto - {name}", municipio, project.id)


def _governance_members(session):
    """The city committee has the city tier's people; each coordination its coordinator, its
    community social worker and its network's first-level organisations."""
    bodies = {(b.kind, b.municipio): b for b in session.execute(select(GovernanceBody)).scalars()}
    for user in session.execute(select(User)).scalars():
        if "city" in user.roles:
            _member(bodies[("city_committee", None)], user_id=user.id, role="Cabina di regia")
        for municipio in user.municipi if set(user.roles) & {"coordinator", "social_worker"} else ():
            role = "Coordinamento" if "coordinator" in user.roles else "Assistente sociale di comunità"
            _member(bodies[("municipal_coordination", municipio)], user_id=user.id, role=role)
    first_level = session.execute(select(Membership).where(Membership.level == 1)).scalars()
    for membership in first_level:
        _member(bodies[("municipal_coordination", membership.network.municipio)],
                organization_id=membership.organization_id, role="Rete di primo livello")


def _member(body, user_id=None, organization_id=None, role=None):
    if not any(m.user_id == user_id and m.organization_id == organization_id for m in body.members):
        body.members.append(BodyMember(user_id=user_id, organization_id=organization_id, role=role))


def _body(session, kind, name, municipio=None, project_id=None):
    if not session.execute(select(GovernanceBody).where(GovernanceBody.name == name)).first():
        session.add(GovernanceBody(kind=kind, name=name, municipio=municipio,
                                   project_id=project_id))
