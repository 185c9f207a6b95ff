"""A service's capacity: said by its own organisation alone, dated, unknown after 14 days; on
the service's answer, on each item of a list (read for the page in one query) and in HSDS."""
from datetime import timedelta

import orjson
import pytest
from sqlalchemy import create_engine, inspect

from services.common import serialization
from services.common.context import Caller
from services.common.errors import Forbidden, Invalid, NotAuthenticated, NotFound
from services.common.migrations import upgrade
from services.common.schemas import load
from services.directory import capacity, catalog, search
from services.directory.contract.catalogue import CapacityUpdateSchema, ServiceQuerySchema
from services.directory.hsds import service_to_hsds
from services.directory.models import ServiceCapacity
from services.directory.permissions import service_actions
from services.directory.tests.hsds_validators import assert_service_valid
from services.directory.tests.test_directory_rules import organization_named, users_of
from tests.databases import database_at
from tests.helpers import Statements

OWNER = "Spazio Famiglie Gallaratese (demo)"  # partner8b's organisation
TWO_PLACES = {"available": 2, "waiting_list": 3, "note": "Solo il pomeriggio"}


@pytest.fixture
def people(store):
    return users_of(store)


@pytest.fixture
def service_id(store, people):
    with store.transaction() as tx:
        return catalog.create(tx, people["partner8b"], {
            "organization_id": organization_named(store, OWNER).id,
            "name": "Doposcuola al Gallaratese", "location": {"municipio": 8}}).id


def say(store, caller, service_id, data=TWO_PLACES) -> dict:
    with store.transaction() as tx:
        return capacity.answer(capacity.state(tx, caller, service_id,
                                              load(CapacityUpdateSchema, data)))


def stated(store, service_id) -> ServiceCapacity:
    with store.sessions() as session:
        return session.get(ServiceCapacity, service_id)


def test_the_services_own_organisation_says_its_places(store, people, service_id):
    said = say(store, people["partner8b"], service_id)
    assert {key: said[key] for key in ("available", "waiting_list", "note", "stale")} == {
        "available": 2, "waiting_list": 3, "note": "Solo il pomeriggio", "stale": False}
    assert stated(store, service_id).updated_by == people["partner8b"].user_id
    with store.sessions() as session:
        service = catalog.get(session, service_id)
        assert "update_capacity" in service_actions(people["partner8b"], service)
        for other in ("partner8a", "coord8", "citta", "asc8"):
            assert "update_capacity" not in service_actions(people[other], service), other


def test_no_one_else_says_them_the_tiers_that_manage_it_are_told_why(store, people,
                                                                     service_id):
    for username, refusal in (("partner8a", NotFound), ("partner2", NotFound),
                              ("asc8", NotFound), ("coord8", Forbidden), ("coord3", Forbidden),
                              ("citta", Forbidden)):
        with pytest.raises(refusal):
            say(store, people[username], service_id)
    with pytest.raises(NotAuthenticated):
        say(store, Caller(), service_id)
    assert stated(store, service_id) is None


def test_an_unknown_or_withdrawn_service_is_not_found(store, people, service_id):
    with pytest.raises(NotFound):
        say(store, people["partner8b"], "0" * 36)
    with store.transaction() as tx:
        catalog.withdraw(tx, people["partner8b"], service_id)
    with pytest.raises(NotFound):
        say(store, people["partner8b"], service_id)


@pytest.mark.parametrize("data, fields", [
    ({}, ["available", "waiting_list"]),
    ({"available": -1, "waiting_list": 0}, ["available"]),
    ({"available": 1, "waiting_list": "molte"}, ["waiting_list"]),
    ({"available": 1, "waiting_list": 100_001}, ["waiting_list"]),
    ({"available": 1, "waiting_list": 0, "note": "x" * 301}, ["note"]),
])
def test_a_statement_out_of_bounds_names_its_field(data, fields):
    with pytest.raises(Invalid) as refused:
        load(CapacityUpdateSchema, data)
    assert sorted(refused.value.errors) == fields


def test_saying_the_same_numbers_again_dates_them_anew(store, people, service_id):
    say(store, people["partner8b"], service_id)
    first = stated(store, service_id).updated_at
    say(store, people["partner8b"], service_id)
    assert stated(store, service_id).updated_at > first
    changed = say(store, people["partner8b"], service_id, {"available": 0, "waiting_list": 5})
    assert (changed["available"], changed["waiting_list"], changed["note"]) == (0, 5, None)


def test_after_fourteen_days_the_numbers_are_unknown(store, people, service_id):
    say(store, people["partner8b"], service_id)
    said = stated(store, service_id)
    fresh = capacity.answer(said, said.updated_at + timedelta(days=14))
    assert (fresh["available"], fresh["stale"]) == (2, False)
    old = capacity.answer(said, said.updated_at + timedelta(days=14, seconds=1))
    assert (old["available"], old["waiting_list"], old["stale"]) == (None, None, True)
    assert old["updated_at"] == fresh["updated_at"]
    assert capacity.answer(None) is None


def test_a_list_carries_each_services_capacity_read_for_the_page_in_one_query(
        store, people, service_id):
    say(store, people["partner8b"], service_id)
    index = search.ServiceIndex(store)
    args = ServiceQuerySchema().load({"municipio": "8", "per_page": "50"})
    index.refresh()

    def capacities(ids):
        with store.sessions() as session:
            return capacity.answers(session, ids)

    with Statements(store) as sent:
        found = index.search(args, as_json=True, added=capacities)
    assert len([s for s in sent if "service_capacities" in s]) == 1
    written = serialization.dumps(found)
    items = orjson.loads(written)["items"]
    assert len(items) > 1 and written.count(b'"capacity"') == len(items)  # once each
    by_id = {item["id"]: item for item in items}
    assert by_id.pop(service_id)["capacity"]["available"] == 2
    assert {item["capacity"] for item in by_id.values()} == {None}
    near = index.search(ServiceQuerySchema().load({"place": "Municipio 8", "radius_km": "50"}),
                        added=capacities)
    assert all("capacity" in item and "distance_km" in item for item in near["items"])


def test_hsds_publishes_a_known_capacity_as_a_service_capacity_and_no_stale_one(
        store, people, service_id):
    say(store, people["partner8b"], service_id)
    with store.sessions() as session:
        service, said = catalog.get(session, service_id), session.get(ServiceCapacity,
                                                                       service_id)
        body = service_to_hsds(service, capacity=said)
        assert_service_valid(body)
        [published] = body["capacities"]
        assert (published["available"], published["unit"]["name"]) == (2, "posto")
        assert "3 famiglie in attesa" in published["description"]
        assert "Solo il pomeriggio" in published["description"]
        for key in ("unit", "updated"):  # 3.1 requires them: the check is strict
            with pytest.raises(AssertionError, match=key):
                assert_service_valid({**body, "capacities": [
                    {name: value for name, value in published.items() if name != key}]})
        said.updated_at -= timedelta(days=15)
        assert service_to_hsds(service, capacity=said)["capacities"] == []
        assert service_to_hsds(service)["capacities"] == []


def test_the_migration_adds_capacities_unknown_for_every_service(tmp_path):
    with database_at("directory", "0006", tmp_path) as url:
        upgrade("directory", url)
        engine = create_engine(url)
        try:
            assert "service_capacities" in inspect(engine).get_table_names()
        finally:
            engine.dispose()
