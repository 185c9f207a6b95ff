"""Demo data from the programme's own document: the 9 municipal networks, the organisations
it names, the Municipio 8 help desks of its flyer, and one demo user per role.

Loading twice changes nothing: every row is matched by its natural key first.
"""
from sqlalchemy import select

from services.directory.models import (Membership, Network, Organization, Phone, Schedule,
                                       Service, User)
from services.directory.passwords import hash_password

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
# (zone, phone, weekday 1=Monday, opens, closes), from the flyer
DESKS = [
    ("Quarto Oggiaro", "3516818198", 2, "10:00", "13:00"),
    ("Gallaratese", "3451552523", 3, "14:00", "17:00"),
    ("Villapizzone", "3332683456", 5, "10:00", "13:00"),
]

# (username, display name, roles, municipi, organisation)
USERS = [
    ("citta", "Cabina di regia cittadina", ["city"], [], None),
    ("coord8", "Coordinamento Municipio 8", ["coordinator"], [8], None),
    ("coord3", "Coordinamento Municipio 3", ["coordinator"], [3], None),
    ("asc8", "Assistente sociale di comunità Municipio 8", ["social_worker"], [8], None),
    ("asc4", "Assistente sociale di comunità Municipio 4", ["social_worker"], [4], None),
    ("partner8a", "Operatrice sportelli QuBì 8", ["partner"], [8], DESK_ORGANIZATION),
    ("partner8b", "Operatore Spazio Famiglie Gallaratese", ["partner"], [8],
     "Spazio Famiglie Gallaratese (demo)"),
    ("partner2", "Operatrice La Casa dei Giochi", ["partner"], [2], "La Casa dei Giochi"),
]


def load_demo(session, password: str = DEFAULT_DEMO_PASSWORD) -> dict:
    networks = {municipio: _network(session, municipio, zones) for municipio, zones in ZONES.items()}
    organizations = {}
    for name, legal_form, municipio, level, description in ORGANIZATIONS:
        organizations[name] = _organization(session, name, legal_form, networks[municipio], level,
                                            description)
    for zone, phone, weekday, opens, closes in DESKS:
        _desk(session, organizations[DESK_ORGANIZATION], zone, phone, weekday, opens, closes)
    password_hash = None
    for username, display_name, roles, municipi, organization in USERS:
        if session.execute(select(User).where(User.username == username)).first():
            continue
        password_hash = password_hash or hash_password(password)
        session.add(User(username=username, display_name=display_name, roles=roles,
                         municipi=municipi, password_hash=password_hash,
                         organization_id=organizations[organization].id if organization else None))
    session.flush()
    return {"networks": len(networks), "organizations": len(organizations), "users": len(USERS)}


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
    return organization


def _desk(session, organization, zone, phone, weekday, opens, closes):
    name = f"Sportello QuBì {zone}"
    if session.execute(select(Service).where(Service.name == name)).first():
        return
    session.add(Service(
        organization_id=organization.id, name=name, municipio=8, zone=zone,
        category="azioni_di_prossimita",
        description="Spazio di orientamento, ascolto e supporto per famiglie con figli: "
                    "informazioni su servizi e attività educative. Su appuntamento.",
        schedules=[Schedule(weekday=weekday, opens_at=opens, closes_at=closes)],
        phones=[Phone(number=phone, description="Per appuntamento")],
    ))
