"""A search right after an edit finds the directory as the edit left it, on every replica: two
indexes over one database stand for two replicas of the directory, each with its own."""
from unittest.mock import Mock

import pytest
from nameko.testing.services import worker_factory
from sqlalchemy import select

from services.common.context import Caller
from services.common.database import DatabaseAccess
from services.common.errors import Unavailable
from services.directory import catalog, filing, organizations, search
from services.directory.contract.catalogue import ServiceQuerySchema
from services.directory.models import Organization
from services.directory.service import DirectoryService

CITY = Caller(user_id="c", roles=["city"])
PLACE = {"zone": "Bovisa", "municipio": 9, "latitude": 45.503, "longitude": 9.165}


@pytest.fixture
def organization_id(store):
    with store.sessions() as session:
        return session.execute(select(Organization.id).where(
            Organization.name == "La Casa dei Giochi")).scalar_one()


@pytest.fixture
def replicas(store):
    """Two indexes, both built before the edits."""
    indexes = search.ServiceIndex(store), search.ServiceIndex(store)
    for index in indexes:
        index.refresh()
    return indexes


def found(index, **query) -> list:
    args = ServiceQuerySchema().load({key: str(value) for key, value in query.items()})
    return [item["name"] for item in index.search(args)["items"]]


def add(store, organization_id, name, **fields) -> str:
    with store.transaction() as tx:
        return catalog.create(tx, CITY, {"organization_id": organization_id, "name": name,
                                         **fields}).id


def edit(store, service_id, **changes):
    with store.transaction() as tx:
        catalog.update(tx, CITY, service_id, changes)


def test_a_new_service_is_found_on_both_replicas(store, replicas, organization_id):
    add(store, organization_id, "Piscina comunale", location=PLACE)
    for index in replicas:
        assert found(index, q="piscina") == ["Piscina comunale"]
        assert found(index, municipio=9, q="piscina") == ["Piscina comunale"]


def test_a_renamed_service_is_found_by_its_new_name_only(store, replicas, organization_id):
    service_id = add(store, organization_id, "Piscina comunale")
    assert [found(index, q="piscina") for index in replicas] == [["Piscina comunale"]] * 2
    edit(store, service_id, name="Nuoto in vasca")
    for index in replicas:
        assert found(index, q="piscina") == []
        assert found(index, q="nuoto") == ["Nuoto in vasca"]


def test_a_moved_service_is_found_where_it_is_now(store, replicas, organization_id):
    service_id = add(store, organization_id, "Piscina comunale", location=PLACE)
    edit(store, service_id, location={**PLACE, "zone": "Lorenteggio", "municipio": 6,
                                      "latitude": 45.449, "longitude": 9.130})
    for index in replicas:
        assert found(index, municipio=9, q="piscina") == []
        assert found(index, municipio=6, q="piscina") == ["Piscina comunale"]
        assert found(index, zone="Lorenteggio") == ["Piscina comunale"]
        assert found(index, near="45.449,9.130", radius_km=1) == ["Piscina comunale"]
        assert found(index, near="45.503,9.165", radius_km=1) == []


def test_new_hours_and_ages_are_found(store, replicas, organization_id):
    service_id = add(store, organization_id, "Piscina comunale", min_age=6, max_age=10,
                     schedules=[{"weekday": 2, "opens_at": "10:00", "closes_at": "12:00"}])
    assert [found(index, age=8, q="piscina") for index in replicas] == [["Piscina comunale"]] * 2
    edit(store, service_id, min_age=11, max_age=14,
         schedules=[{"weekday": 4, "opens_at": "15:00", "closes_at": "17:00"}])
    for index in replicas:
        assert found(index, age=8, q="piscina") == []
        assert found(index, age=12, q="piscina") == ["Piscina comunale"]
        assert found(index, open_at="2026-11-24T10:30", q="piscina") == []
        assert found(index, open_at="2026-11-26T15:30", q="piscina") == ["Piscina comunale"]


def test_a_withdrawn_service_is_gone_from_both_replicas(store, replicas, organization_id):
    service_id = add(store, organization_id, "Piscina comunale")
    assert [found(index, q="piscina") for index in replicas] == [["Piscina comunale"]] * 2
    with store.transaction() as tx:
        catalog.withdraw(tx, CITY, service_id)
    assert [found(index, q="piscina") for index in replicas] == [[], []]


def test_an_organisation_renamed_or_deactivated_reaches_the_search(store, replicas,
                                                                   organization_id):
    add(store, organization_id, "Piscina comunale")
    with store.transaction() as tx:
        organizations.update(tx, CITY, organization_id, {"name": "Casa del Gioco"})
    for index in replicas:
        assert "Piscina comunale" in found(index, q="casa del gioco")
        assert found(index, q="casa dei giochi") == []
    with store.transaction() as tx:
        organizations.update(tx, CITY, organization_id, {"active": False})
    assert [found(index, q="piscina") for index in replicas] == [[], []]
    with store.transaction() as tx:
        organizations.update(tx, CITY, organization_id, {"active": True})
    assert [found(index, q="piscina") for index in replicas] == [["Piscina comunale"]] * 2


def test_services_added_between_the_same_two_keep_the_name_order(store, replicas,
                                                                 organization_id):
    """Each new one goes between the last and "Corso zz": the room between runs out and the
    index spreads them out again, the order still the names'."""
    first, other = replicas
    add(store, organization_id, "Corso zz")
    names = [f"Corso {number:03d}" for number in range(60)]
    for name in names:
        add(store, organization_id, name)
        found(first, q="corso")
    edit_id = add(store, organization_id, "Corso 0305")
    edit(store, edit_id, name="Corso 0005")
    expected = sorted([*names, "Corso zz", "Corso 0005"])
    for index in replicas:
        args = ServiceQuerySchema().load({"q": "corso", "per_page": "100"})
        assert [item["name"] for item in index.search(args)["items"]] == expected
        args = ServiceQuerySchema().load({"organization_id": organization_id, "per_page": "100"})
        assert [item["name"] for item in index.search(args)["items"]
                if item["name"].startswith("Corso")] == expected


def test_a_replica_is_ready_once_its_index_is_built(store):
    index = search.ServiceIndex(store)
    directory = worker_factory(DirectoryService, db=DatabaseAccess(store, Mock()), index=index)
    with pytest.raises(Unavailable) as refused:
        directory.health()
    assert refused.value.code == "search_index_building"
    index.refresh()
    assert directory.health() == {"service": "directory", "status": "ok"}


def test_after_many_edits_every_search_answers_as_an_index_made_afresh(store, organization_id,
                                                                       monkeypatch):
    """With little room between positions, new names keep spreading their neighbours out."""
    monkeypatch.setattr(filing, "GAP", 3)
    monkeypatch.setattr(filing, "ROOM", 2)
    index = search.ServiceIndex(store)
    index.refresh()
    added = []
    for number in range(1, 31):
        added.append(add(store, organization_id, "Corso " + "1" * number,
                         location=PLACE if number % 2 else None, min_age=number % 10,
                         max_age=number % 10 + 3))
        found(index, q="corso")
        if number % 5 == 0:
            edit(store, added[number // 2], name=f"Corso {number}1")
        if number % 7 == 0:
            with store.transaction() as tx:
                catalog.withdraw(tx, CITY, added[number // 3])
    afresh = search.ServiceIndex(store)
    for query in ({"q": "corso"}, {"municipio": 9}, {"age": 5}, {"age": 12},
                  {"organization_id": organization_id}, {}):
        assert found(index, per_page=200, **query) == found(afresh, per_page=200, **query)
