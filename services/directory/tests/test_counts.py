"""The overview's counts per municipio follow every change: services written, moved and
withdrawn, organisations registered, moved between networks, deactivated."""
import pytest
from sqlalchemy import create_engine, func, select

from services.common.context import Caller
from services.common.database import Store
from services.common.migrations import upgrade
from services.directory import catalog, organizations, statistics
from services.directory.models import (Base, Location, Membership, MunicipioCount, Network,
                                       Organization, Service)
from tests.databases import database_at

CITY = Caller(user_id="c", roles=["city"])
MUNICIPI = list(range(1, 10))


def place(municipio: int) -> dict:
    return {"zone": "Bovisa", "municipio": municipio}


def counted_from_rows(session) -> dict:
    """The counts as the rows say, each time from every row."""
    organizations_ = dict(session.execute(
        select(Network.municipio, func.count(Membership.id)).join(Membership)
        .group_by(Network.municipio)).all())
    services = dict(session.execute(
        select(Location.municipio, func.count(Service.id)).join(Service).join(Organization)
        .where(Service.status == "active", Organization.active.is_(True))
        .group_by(Location.municipio)).all())
    return {m: (organizations_.get(m, 0), services.get(m, 0)) for m in MUNICIPI}


def counts(store) -> dict:
    """The counts the report shows, checked against those the rows give: {municipio:
    (organisations, services)}."""
    with store.sessions() as session:
        shown = statistics.per_municipio(session, MUNICIPI)
        expected = counted_from_rows(session)
    assert shown == {str(m): {"organizations": o, "services": s}  # not people: never "<5"
                     for m, (o, s) in expected.items()}
    return expected


def changed(before: dict, **changes) -> dict:
    """`before` with {"m9": (organisations, services)} added."""
    after = dict(before)
    for key, (organizations_, services) in changes.items():
        municipio = int(key[1:])
        after[municipio] = (before[municipio][0] + organizations_,
                            before[municipio][1] + services)
    return after


@pytest.fixture
def before(store) -> dict:
    return counts(store)


@pytest.fixture
def organization_id(store, before):
    """A new organisation of Municipio 9 with six services there."""
    with store.transaction() as tx:
        organization = organizations.register(tx, CITY, {"name": "Bovisa in gioco",
                                                          "municipi": [9]})
        for number in range(6):
            catalog.create(tx, CITY, {"organization_id": organization.id,
                                      "name": f"Corso {number}", "location": place(9)})
        return organization.id


def services_of(store, organization_id) -> list:
    with store.sessions() as session:
        return session.execute(select(Service.id).where(
            Service.organization_id == organization_id).order_by(Service.name)).scalars().all()


def test_the_demo_data_is_counted(before):
    assert before[8][1] >= 3 and before[2][0] >= 1


def test_services_written_moved_and_withdrawn_are_counted_where_they_are(store, before,
                                                                        organization_id):
    assert counts(store) == changed(before, m9=(1, 6))
    first, second, *_ = services_of(store, organization_id)
    with store.transaction() as tx:
        catalog.update(tx, CITY, first, {"location": place(6)})
        catalog.withdraw(tx, CITY, second)
    assert counts(store) == changed(before, m9=(1, 4), m6=(0, 1))
    with store.transaction() as tx:
        catalog.update(tx, CITY, first, {"location": None})
    assert counts(store) == changed(before, m9=(1, 4))


def test_a_deactivated_organisation_takes_its_services_out_of_the_counts(store, before,
                                                                         organization_id):
    with store.transaction() as tx:
        organizations.update(tx, CITY, organization_id, {"active": False})
    assert counts(store) == changed(before, m9=(1, 0))
    with store.transaction() as tx:
        organizations.update(tx, CITY, organization_id, {"active": True})
    assert counts(store) == changed(before, m9=(1, 6))


def test_an_organisation_counts_in_each_network_it_belongs_to(store, before, organization_id):
    with store.transaction() as tx:
        organizations.update(tx, CITY, organization_id, {"municipi": [3, 4]})
    assert counts(store) == changed(before, m9=(0, 6), m3=(1, 0), m4=(1, 0))



def test_a_change_undone_is_not_counted(store, before, organization_id):
    with pytest.raises(RuntimeError), store.transaction() as tx:
        catalog.create(tx, CITY, {"organization_id": organization_id, "name": "Corso 7",
                                  "location": place(9)})
        raise RuntimeError("the rest of the work failed")
    assert counts(store) == changed(before, m9=(1, 6))

@pytest.fixture
def at_0005(tmp_path):
    """A directory database migrated to 0005 only."""
    with database_at("directory", "0005", tmp_path) as url:
        yield url


def test_the_migration_counts_what_the_directory_held(at_0005):
    """Organisations by membership; services active, of an active organisation, by place."""
    engine = create_engine(at_0005)
    with engine.begin() as connection:
        for municipio in (3, 8):
            connection.execute(Network.__table__.insert().values(
                id=f"n{municipio}", municipio=municipio, name=f"QuBì {municipio}", zones=[]))
        for org, active, municipi in (("open", True, (3, 8)), ("closed", False, (8,))):
            connection.execute(Organization.__table__.insert().values(id=org, name=org,
                                                                      active=active))
            for municipio in municipi:
                connection.execute(Membership.__table__.insert().values(
                    id=f"{org}{municipio}", organization_id=org, network_id=f"n{municipio}"))
        for number, (org, status, municipio) in enumerate((
                ("open", "active", 8), ("open", "active", 8), ("open", "withdrawn", 8),
                ("open", "active", 3), ("open", "active", None), ("closed", "active", 8))):
            location = None
            if municipio:
                location = f"l{number}"
                connection.execute(Location.__table__.insert().values(
                    id=location, municipio=municipio, zone="Zona"))
            connection.execute(Service.__table__.insert().values(
                id=f"s{number}", organization_id=org, name=f"Servizio {number}", status=status,
                location_id=location, languages=[]))
    engine.dispose()
    upgrade("directory", at_0005)
    store = Store(at_0005, Base.metadata)
    try:
        with store.sessions() as session:
            counted = {m: (o, s) for m, (o, s) in counted_from_rows(session).items() if o or s}
            assert counted == {3: (1, 1), 8: (2, 2)}
            assert statistics.per_municipio(session, [3, 8]) == {
                "3": {"organizations": 1, "services": 1},
                "8": {"organizations": 2, "services": 2}}
        with store.transaction() as tx:
            catalog.withdraw(tx, CITY, "s0")
            organizations.update(tx, CITY, "closed", {"active": True})
        with store.sessions() as session:
            assert session.get(MunicipioCount, 8).services == 2  # s1, and s5 of "closed"
            assert session.get(MunicipioCount, 3).services == 1
    finally:
        store.dispose()
