"""The directory's rules, on a real database and without a broker."""
import pytest
from sqlalchemy import func, select

from services.common.context import Caller
from services.common.errors import Forbidden, NotAuthenticated
from services.directory import organizations, users
from services.directory.demo import load_demo
from services.directory.models import Network, Organization, Service, User
from services.directory.passwords import hash_password, verify_password

CITY = Caller(user_id="c", roles=["city"])
COORD8 = Caller(user_id="k8", roles=["coordinator"], municipi=[8])
PARTNER8 = Caller(user_id="p8", roles=["partner"], municipi=[8], organization_id="org-8")


def count(store, model):
    with store.sessions() as session:
        return session.execute(select(func.count()).select_from(model)).scalar_one()


def test_demo_data_has_the_networks_the_seed_organisations_and_the_desks(store):
    with store.sessions() as session:
        networks = session.execute(select(Network).order_by(Network.municipio)).scalars().all()
        assert [n.municipio for n in networks] == list(range(1, 10))
        assert {"Quarto Oggiaro", "Gallaratese", "Villapizzone"} <= set(networks[7].zones)
        names = set(session.execute(select(Organization.name)).scalars())
        assert {"La Casa dei Giochi", "Fondazione Francesca Rava", "Comunità Oklahoma"} <= names
        desks = {s.location.zone: s for s in session.execute(select(Service)).scalars()
                 if s.name.startswith("Sportello")}
        gallaratese = desks["Gallaratese"]
        assert [(x.weekday, x.opens_at, x.closes_at) for x in gallaratese.schedules] == [
            (3, "14:00", "17:00")]
        assert [p.number for p in gallaratese.phones] == ["+39 345 155 2523"]
        assert {u.username for u in session.execute(select(User)).scalars()} == {
            "citta", "coord8", "coord3", "asc8", "asc4", "partner8a", "partner8b", "partner2"}


def test_loading_the_demo_twice_changes_nothing(store):
    before = [count(store, model) for model in (Network, Organization, Service, User)]
    with store.transaction() as tx:
        load_demo(tx.session, "secret-demo")
    assert [count(store, model) for model in (Network, Organization, Service, User)] == before


def test_a_coordinator_registers_in_its_own_municipio_and_an_event_is_written(store):
    with store.transaction() as tx:
        organization = organizations.register(tx, COORD8, {"name": "Nuova APS"})
    assert organization.municipi == [8]
    assert tx.events[0]["event_type"] == "organization_registered"
    assert tx.events[0]["payload"] == {"organization_id": organization.id, "municipi": [8],
                                       "level": 1}


def test_a_coordinator_cannot_register_in_another_municipio(store):
    with pytest.raises(Forbidden):
        with store.transaction() as tx:
            organizations.register(tx, Caller(user_id="k3", roles=["coordinator"], municipi=[3]),
                                   {"name": "Fuori zona", "municipi": [8]})
    assert store.pending_events() == []


def test_a_partner_cannot_register_organisations(store):
    with pytest.raises(Forbidden):
        with store.transaction() as tx:
            organizations.register(tx, PARTNER8, {"name": "Mia APS", "municipi": [8]})


def test_the_city_registers_anywhere_and_searches_find_by_municipio_and_text(store):
    with store.transaction() as tx:
        organizations.register(tx, CITY, {"name": "Biblioteca di quartiere", "municipi": [4, 5],
                                          "level": 2})
    with store.sessions() as session:
        found = session.execute(organizations.search_statement(municipio=4, q="biblio")).scalars()
        assert [o.name for o in found] == ["Biblioteca di quartiere"]
        level2 = session.execute(organizations.search_statement(municipio=4, level=1)).scalars()
        assert list(level2) == []


def test_a_coordinator_of_municipio_3_cannot_change_municipio_8_organisations(store):
    with store.transaction() as tx:
        organization = organizations.register(tx, COORD8, {"name": "APS Otto"})
    with pytest.raises(Forbidden):
        with store.transaction() as tx:
            organizations.update(tx, Caller(user_id="k3", roles=["coordinator"], municipi=[3]),
                                 organization.id, {"phone": "02 000"})


def test_passwords_use_a_salted_key_derivation():
    stored = hash_password("qubi-demo")
    assert stored.startswith("scrypt$") and "qubi-demo" not in stored
    assert stored != hash_password("qubi-demo")
    assert verify_password("qubi-demo", stored)
    assert not verify_password("qubi-dem0", stored)


def test_authentication_checks_the_password(store):
    with store.sessions() as session:
        assert users.authenticate(session, "coord8", "secret-demo")[0].municipi == [8]
        with pytest.raises(NotAuthenticated):
            users.authenticate(session, "coord8", "wrong")
        with pytest.raises(NotAuthenticated):
            users.authenticate(session, "nobody", "secret-demo")


def test_recipients_are_the_users_of_the_role_and_municipio(store):
    with store.sessions() as session:
        assert [u.username for u in users.recipients(session, ["coordinator"], [8])] == ["coord8"]
        assert {u.username for u in users.recipients(session, ["coordinator"])} == {
            "coord8", "coord3"}


def test_recipients_named_by_id_are_those_people_alone_if_of_the_roles(store):
    with store.sessions() as session:
        ids = dict(session.execute(select(User.username, User.id)).all())
        named = [ids["coord8"], ids["asc8"], "no-such-user"]
        assert {u.username for u in users.recipients(
            session, ["coordinator", "social_worker", "partner"], user_ids=named)} == {
            "coord8", "asc8"}
        assert [u.username for u in users.recipients(session, ["coordinator"],
                                                     user_ids=named)] == ["coord8"]


def organization_named(store, name):
    with store.sessions() as session:
        return session.execute(select(Organization).where(Organization.name == name)).scalar_one()


def users_of(store):
    with store.sessions() as session:
        return {u.username: Caller(user_id=u.id, roles=u.roles, municipi=u.municipi,
                                   organization_id=u.organization_id)
                for u in session.execute(select(User)).scalars()}


def test_a_partner_manages_its_own_services_and_gets_404_for_another_organisations(store):
    from services.common.errors import NotFound
    from services.directory import catalog

    people = users_of(store)
    own = organization_named(store, "Spazio Famiglie Gallaratese (demo)")
    with store.transaction() as tx:
        service = catalog.create(tx, people["partner8b"], {"organization_id": own.id,
                                                           "name": "Spazio mamma-bambino"})
    with pytest.raises(NotFound):
        with store.transaction() as tx:
            catalog.update(tx, people["partner8a"], service.id, {"name": "Preso"})
    with pytest.raises(NotFound):
        with store.transaction() as tx:
            catalog.withdraw(tx, people["partner8a"], service.id)
    with pytest.raises(NotFound):
        with store.transaction() as tx:
            catalog.create(tx, people["partner8a"], {"organization_id": own.id, "name": "Mio"})
    with store.transaction() as tx:
        assert catalog.update(tx, people["partner8b"], service.id, {"min_age": 0}).min_age == 0


def test_a_coordinator_manages_its_municipio_only(store):
    from services.directory import catalog

    people = users_of(store)
    desk_org = organization_named(store, "Rete QuBì 8 - Sportelli di orientamento (demo)")
    with store.transaction() as tx:
        service = catalog.create(tx, people["coord8"], {"organization_id": desk_org.id,
                                                        "name": "Sportello scuola"})
    with pytest.raises(Forbidden):
        with store.transaction() as tx:
            catalog.update(tx, people["coord3"], service.id, {"name": "Altro"})
    with pytest.raises(Forbidden):
        with store.transaction() as tx:
            organizations.update(tx, people["coord3"], desk_org.id, {"municipi": [3, 8]})
    with store.transaction() as tx:
        updated = organizations.update(tx, people["citta"], desk_org.id, {"municipi": [8, 9]})
    assert updated.municipi == [8, 9]
    assert [e["event_type"] for e in tx.events] == ["membership_changed", "organization_updated"]
    assert tx.events[0]["payload"]["joined"] == [9]


def test_governance_has_the_committee_the_coordinations_and_a_group_per_project(store):
    from services.directory import governance

    with store.sessions() as session:
        everything = governance.bodies(session, CITY)
        kinds = [body["kind"] for body in everything]
        assert kinds.count("city_committee") == 1
        assert kinds.count("municipal_coordination") == 9
        assert kinds.count("project_group") == 10
        eight = {b["kind"]: b for b in governance.bodies(session, CITY, municipio=8)}
        coordination = eight["municipal_coordination"]
        assert {p["role"] for p in coordination["people"]} == {
            "Coordinamento", "Assistente sociale di comunità"}
        assert "Rete QuBì 8 - Sportelli di orientamento (demo)" in {
            o["name"] for o in coordination["organizations"]}
        assert eight["project_group"]["project"]["name"] == "Progetto unitario Municipio 8"
        public = governance.bodies(session, Caller(), municipio=8)
        assert all(body["people"] == [] for body in public)
