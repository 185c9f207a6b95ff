"""Search over known data: each filter returns exactly the services that match."""
import json
from datetime import date, datetime, timezone

import pytest
from sqlalchemy import select

from services.common import serialization
from services.common.context import Caller
from services.common.database import Store
from services.common.schemas import ROME
from services.directory import catalog, search
from services.directory.contract.catalogue import ServiceQuerySchema
from services.directory.demo import load_demo
from services.directory.models import Base, Organization, Service

CITY = Caller(user_id="c", roles=["city"])
DUOMO = (45.4642, 9.1900)


@pytest.fixture
def store(databases):
    store = Store(databases["directory"], Base.metadata)
    with store.transaction() as tx:
        load_demo(tx.session, "pw")
    yield store
    store.dispose()


@pytest.fixture
def organization_id(store):
    with store.sessions() as session:
        return session.execute(select(Organization.id).where(
            Organization.name == "La Casa dei Giochi")).scalar_one()


def add(store, organization_id, name, **fields):
    with store.transaction() as tx:
        return catalog.create(tx, CITY, {"organization_id": organization_id, "name": name,
                                         **fields}).id


@pytest.fixture
def index(store):
    return search.ServiceIndex(store)


def names(index, **query):
    args = ServiceQuerySchema().load({key: str(value) for key, value in query.items()})
    return [item["name"] for item in index.search(args)["items"]]


DESKS = {"Sportello QuBì Quarto Oggiaro", "Sportello QuBì Gallaratese", "Sportello QuBì Villapizzone"}


@pytest.mark.parametrize("moment, expected", [
    ("2026-11-24T10:00", {"Sportello QuBì Quarto Oggiaro"}),     # Tuesday 10-13
    ("2026-11-24T12:59", {"Sportello QuBì Quarto Oggiaro"}),
    ("2026-11-24T13:00", set()),                                  # closed at 13:00
    ("2026-11-24T09:59", set()),
    ("2026-11-25T15:30", {"Sportello QuBì Gallaratese"}),        # Wednesday 14-17
    ("2026-11-25T11:00", set()),
    ("2026-11-27T10:00", {"Sportello QuBì Villapizzone"}),       # Friday 10-13
    ("2026-11-26T11:00", set()),                                  # Thursday: no desk
])
def test_the_municipio_8_desks_are_open_on_their_days_and_hours(store, index, moment, expected):
    assert set(names(index, open_at=moment, municipio=8)) == expected


def test_open_at_reads_offsets_and_daylight_saving(store, index):
    # 31 March 2026 is a Tuesday in summer time (UTC+2): 09:00Z is 11:00 in Milan, 12:00Z is 14:00
    assert names(index, open_at="2026-03-31T09:00:00Z", municipio=8) == ["Sportello QuBì Quarto Oggiaro"]
    assert names(index, open_at="2026-03-31T12:00:00Z", municipio=8) == []
    # in winter (UTC+1) 10:30Z is 11:30 in Milan
    assert names(index, open_at="2026-01-13T10:30:00+00:00", municipio=8) == ["Sportello QuBì Quarto Oggiaro"]


def test_a_desk_is_not_found_on_its_closed_date(store, index):
    with store.transaction() as tx:
        desk = tx.session.execute(select(Service).where(
            Service.name == "Sportello QuBì Gallaratese")).scalar_one()
        catalog.update(tx, CITY, desk.id, {"closed_dates": [{"day": date(2026, 12, 9),
                                                             "reason": "Sant'Ambrogio"}]})
    assert names(index, open_at="2026-12-09T15:00") == []
    assert names(index, open_at="2026-12-16T15:00") == ["Sportello QuBì Gallaratese"]


def test_a_slot_counts_only_within_its_validity(store, index, organization_id):
    add(store, organization_id, "Doposcuola invernale", schedules=[
        {"weekday": 1, "opens_at": "15:00", "closes_at": "18:00",
         "valid_from": date(2026, 10, 1), "valid_to": date(2026, 12, 20)}])
    assert names(index, open_at="2026-11-30T16:00") == ["Doposcuola invernale"]
    assert names(index, open_at="2027-01-11T16:00") == []
    assert names(index, open_at="2026-09-28T16:00") == []


def test_several_slots_on_one_day(store, index, organization_id):
    add(store, organization_id, "Biblioteca ragazzi", schedules=[
        {"weekday": 4, "opens_at": "09:00", "closes_at": "12:30"},
        {"weekday": 4, "opens_at": "14:30", "closes_at": "18:00"}])
    assert names(index, open_at="2026-11-26T10:00") == ["Biblioteca ragazzi"]
    assert names(index, open_at="2026-11-26T13:00") == []
    assert names(index, open_at="2026-11-26T17:00") == ["Biblioteca ragazzi"]


def test_slots_that_start_or_end_within_the_hour(store, index, organization_id):
    add(store, organization_id, "Ludoteca serale", schedules=[
        {"weekday": 2, "opens_at": "16:30", "closes_at": "18:45"}])
    found = {"2026-11-24T16:15": [], "2026-11-24T16:30": ["Ludoteca serale"],
             "2026-11-24T18:44": ["Ludoteca serale"], "2026-11-24T18:45": []}
    assert {moment: names(index, open_at=moment, organization_id=organization_id)
            for moment in found} == found


def test_age_finds_the_services_whose_range_holds_it(store, index, organization_id):
    add(store, organization_id, "Spazio 0-6", min_age=0, max_age=6)
    add(store, organization_id, "Calcio 8-14", min_age=8, max_age=14)
    add(store, organization_id, "Per tutti")
    with_three = set(names(index, age=3, organization_id=organization_id))
    assert with_three == {"Spazio 0-6", "Per tutti", "Laboratori creativi per bambini"}
    assert set(names(index, age=14, organization_id=organization_id)) == {"Calcio 8-14", "Per tutti"}


def test_near_finds_exactly_what_lies_within_the_radius_nearest_first(store, index, organization_id):
    # 0.009 degrees of latitude is about 1 km
    add(store, organization_id, "A 0.5 km", location={"latitude": DUOMO[0] + 0.0045, "longitude": DUOMO[1]})
    add(store, organization_id, "A 1.5 km", location={"latitude": DUOMO[0] - 0.0135, "longitude": DUOMO[1]})
    add(store, organization_id, "A 3 km", location={"latitude": DUOMO[0], "longitude": DUOMO[1] + 0.0385})
    near = f"{DUOMO[0]},{DUOMO[1]}"
    assert names(index, near=near, radius_km=1) == ["A 0.5 km"]
    assert names(index, near=near, radius_km=2) == ["A 0.5 km", "A 1.5 km"]
    assert names(index, near=near, radius_km=3.5) == ["A 0.5 km", "A 1.5 km", "A 3 km"]
    args = ServiceQuerySchema().load({"near": near, "radius_km": "2"})
    distances = [item["distance_km"] for item in index.search(args)["items"]]
    assert [round(d, 1) for d in distances] == [0.5, 1.5]
    assert round(search.great_circle_km(DUOMO, (DUOMO[0] + 0.009, DUOMO[1])), 2) == 1.0
    # a circle wider than the map of the services: every one with a place, nearest first
    assert names(index, near=near, radius_km=50, q="km") == ["A 0.5 km", "A 1.5 km", "A 3 km"]


def test_text_ignores_case_and_accents_and_looks_at_the_organisation(store, index, organization_id):
    add(store, organization_id, "Attività motorie", description="Giochi all'aperto")
    assert names(index, q="attivita motorie") == ["Attività motorie"]
    assert names(index, q="ATTIVITÀ MOTORIE") == ["Attività motorie"]
    # the desks' description speaks of "attività educative": they are found too
    assert set(names(index, q="attivita")) == DESKS | {"Attività motorie"}
    assert set(names(index, q="casa dei giochi")) == {"Attività motorie", "Laboratori creativi per bambini"}
    assert names(index, q="aperto") == ["Attività motorie"]
    assert names(index, q="nessuna corrispondenza") == []


def test_relevance_puts_name_matches_first(store, index, organization_id):
    add(store, organization_id, "Laboratorio di lettura", description="Per bambini")
    add(store, organization_id, "Spazio compiti", description="Anche un laboratorio di lettura")
    assert names(index, q="lettura") == ["Laboratorio di lettura", "Spazio compiti"]


def test_relevance_pages_follow_one_order(store, index, organization_id):
    """Name matches first, then organisation, then description; equals in name order."""
    for number in range(4):
        add(store, organization_id, f"Zeta lettura {number}")
        add(store, organization_id, f"Alfa {number}", description="lettura ad alta voce")
    expected = [f"Zeta lettura {n}" for n in range(4)] + [f"Alfa {n}" for n in range(4)]
    pages = [names(index, q="lettura", organization_id=organization_id, per_page=3, page=page)
             for page in (1, 2, 3)]
    assert pages == [expected[0:3], expected[3:6], expected[6:8]]


def test_category_and_zone_filters(store, index, organization_id):
    add(store, organization_id, "Corso di nuoto", category="proximity", dimension="sport",
        location={"zone": "Greco", "municipio": 2})
    assert names(index, category="sport") == ["Corso di nuoto"]
    assert set(names(index, category="orientation")) == DESKS
    assert names(index, zone="greco") == ["Corso di nuoto"]
    assert names(index, zone="Gallaratese") == ["Sportello QuBì Gallaratese"]
    assert names(index, zone="quarto oggiaro") == ["Sportello QuBì Quarto Oggiaro"]


def test_a_withdrawn_service_is_no_longer_found(store, index, organization_id):
    service_id = add(store, organization_id, "Ludoteca estiva")
    with store.transaction() as tx:
        catalog.withdraw(tx, CITY, service_id)
    assert names(index, q="ludoteca") == []


def test_pages_split_the_results(store, index, organization_id):
    for number in range(7):
        add(store, organization_id, f"Corso {number}")
    args = ServiceQuerySchema().load({"q": "corso", "per_page": "3", "page": "3"})
    found = index.search(args)
    assert found["total"] == 7 and len(found["items"]) == 1


def test_the_index_follows_changes_made_after_it_was_built(store, index, organization_id):
    assert names(index, q="piscina") == []
    service_id = add(store, organization_id, "Piscina comunale")
    assert names(index, q="piscina") == ["Piscina comunale"]
    with store.transaction() as tx:
        catalog.update(tx, CITY, service_id, {"name": "Piscina di quartiere"})
    assert names(index, q="piscina") == ["Piscina di quartiere"]
    with store.transaction() as tx:
        catalog.withdraw(tx, CITY, service_id)
    assert names(index, q="piscina") == []


def test_open_at_without_offset_is_milan_time():
    loaded = ServiceQuerySchema().load({"open_at": "2026-11-24T10:00"})["open_at"]
    assert loaded == datetime(2026, 11, 24, 10, tzinfo=ROME)
    assert loaded.astimezone(timezone.utc).hour == 9


@pytest.mark.parametrize("query", [{"q": "sportello"}, {"near": "45.5,9.15", "radius_km": "10"},
                                   {"municipio": "8", "per_page": "2", "page": "2"}])
def test_the_answer_on_the_bus_is_the_same_page_as_json(store, index, query):
    args = ServiceQuerySchema().load(query)
    as_dicts = index.search(args)
    as_json = index.search(args, as_json=True)
    assert as_dicts["items"] and json.loads(serialization.dumps(as_json)) == as_dicts
