"""The directory: fifty thousand services over five years (one organisation for every ten, in
the 9 municipi, each with an administrator's account), each with its place, weekly slots and
phone, written as bench/directory_data.py writes them; and one service of partner8a's
organisation in Municipio 8, which partner8a edits before each search "right after an edit"."""
import itertools
import uuid

from sqlalchemy import insert, select, text

from bench.directory_data import load
from bench.growth import Operation, at
from services.common.database import Store
from services.common.memory import collector_paused
from services.directory.listing import mark_changed
from services.directory.models import Base, Location, Organization, Service, User
from services.directory.text import fold

SERVICE = "directory"
EDITOR = "partner8a"
SERVICES_PER_ORGANIZATION = 10
WORD = "doposcuola"  # one of bench/directory_data.py's words


def seed(url: str, scale: float, demo) -> dict:
    services = at(scale, "services")
    store = Store(url, Base.metadata)
    try:
        with collector_paused():
            organizations = load(store, max(1, services // SERVICES_PER_ORGANIZATION), services)
        with store.transaction() as tx:  # an administrator of each (none of them logs in)
            tx.session.execute(insert(User), [
                {"id": str(uuid.uuid4()), "username": f"bench-admin-{number:05d}",
                 "password_hash": "-", "roles": ["partner", "partner_admin"], "municipi": [],
                 "organization_id": organization_id, "language": "it", "active": True}
                for number, organization_id in enumerate(organizations)])
        with store.transaction() as tx:
            organization = tx.session.get(Organization,
                                          demo.users[EDITOR]["organization_id"])
            edited = Service(organization=organization, name=f"{WORD.capitalize()} del martedì",
                             status="active", description="Compiti e giochi", languages=["it"],
                             location=Location(zone="Quarto Oggiaro", municipio=8,
                                               zone_key=fold("Quarto Oggiaro")))
            tx.session.add(edited)
            mark_changed(tx.session, edited)
            tx.session.flush()
            edited_id = edited.id
            middle = tx.session.execute(select(Organization.id).where(
                Organization.name.like("ETS bench %")).order_by(Organization.name)
                .offset(services // SERVICES_PER_ORGANIZATION // 2)).scalars().first()
        if store.engine.dialect.name == "postgresql":  # as autovacuum would, after a bulk load
            with store.engine.connect().execution_options(
                    isolation_level="AUTOCOMMIT") as connection:
                connection.execute(text("ANALYZE"))
    finally:
        store.dispose()
    return {"edited": edited_id, "organization": middle}


def operations(context: dict) -> list:
    return [
        Operation("directory search by municipio", "/api/v1/services?municipio=8"),
        Operation("directory search by words", f"/api/v1/services?q={WORD}%20musica"),
        Operation("directory search by words in a municipio",
                  f"/api/v1/services?q={WORD}&municipio=8"),
        Operation("directory search right after an edit (partner8a renames a service)",
                  f"/api/v1/services?q={WORD}&municipio=8", before=_renamer(context["edited"])),
        Operation("organisations of a municipio", "/api/v1/organizations?municipio=8"),
        Operation("organisations of a municipio, a later page",
                  "/api/v1/organizations?municipio=8&page=5&per_page=20"),
        Operation("services of an organisation",
                  f"/api/v1/services?organization_id={context['organization']}"),
        Operation("HSDS services, a page", "/api/v1/hsds/services?page=3&per_page=20"),
        Operation("HSDS organisations of a municipio", "/api/v1/hsds/organizations?municipio=8"),
        Operation("people a coordinator manages", "/api/v1/users", "coord8"),
    ]


def _renamer(service_id: str):
    """Renames the service each time (its place in the name order moves), as its editor."""
    names = itertools.cycle(f"{WORD.capitalize()} {label}" for label in
                            ("del martedì", "al parco", "e merenda", "in biblioteca"))

    def rename(root: str, login):
        answer = login(EDITOR).patch(f"{root}/api/v1/services/{service_id}", timeout=30,
                                     json={"name": next(names)})
        if answer.status_code != 200:
            raise RuntimeError(f"PATCH service: {answer.status_code} {answer.text[:300]}")
    return rename
