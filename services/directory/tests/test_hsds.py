"""The directory's HSDS 3.0 output validates against Open Referral's own schemas.

The schemas are copies in the directory's contract (`contract/hsds_schemas`, see its README
for the licence). They allow any extra key and leave dates and times to descriptions, so the
tests validate strictly: every object refuses keys the schema does not declare, the declared
formats (uuid, email, uri, date-time) are checked, and the fields HSDS types as dates and times
are checked as the schema describes them (YYYY-MM-DD; HH:MM with the UTC offset).
"""
import copy
import json
import random
import uuid
from datetime import date, datetime, timedelta

import pytest
from jsonschema.exceptions import ValidationError
from sqlalchemy import select

from services.common.context import Caller
from services.common.database import Store
from services.common.schemas import load
from services.directory import catalog, organizations
from services.directory.contract.catalogue import (CATEGORIES, DIMENSIONS, OrganizationCreateSchema,
                                                   ServiceCreateSchema)
from services.directory.demo import load_demo
from services.directory.hsds import hsds_page, organization_to_hsds, service_to_hsds
from services.directory.models import (Base, ClosedDate, Location, Organization, Phone, Schedule,
                                       Service)

from services.directory.tests.hsds_validators import (  # noqa: E402
    FULL_SERVICE_PAGE, ORGANIZATION, ORGANIZATION_LIST_ITEM, ORGANIZATION_PAGE, PAGE_FIELDS,
    SERVICE, SERVICE_COMPILED, SERVICE_LIST_ITEM, SERVICE_PAGE, SLOT_TIME, assert_service_valid,
    assert_valid)

CITY = Caller(user_id="c", roles=["city"])
WINTER, SUMMER = date(2025, 1, 13), date(2025, 7, 14)  # two Mondays: CET (+1) and CEST (+2)

def all_ids(body) -> list:
    if isinstance(body, list):
        return [found for item in body for found in all_ids(item)]
    if not isinstance(body, dict):
        return []
    own = [value for key, value in body.items()
           if key == "id" or (key.endswith("_id") and key != "tax_id")]
    return own + [found for value in body.values() for found in all_ids(value)]


# ---------------------------------------------------------------------------------------------
# Data


@pytest.fixture
def store(databases):
    store = Store(databases["directory"], Base.metadata)
    with store.transaction() as tx:
        load_demo(tx.session, "pw")
    yield store
    store.dispose()


def demo_services(session) -> list:
    return session.execute(select(Service).order_by(Service.name)).scalars().all()


def load_service(data: dict) -> dict:
    """The service input as the API loads it."""
    return load(ServiceCreateSchema(), data)


def fetch(session, ids: list) -> list:
    """The services with these ids, in that order, in one query."""
    found = {service.id: service for service in session.execute(
        select(Service).where(Service.id.in_(ids))).scalars()}
    return [found[service_id] for service_id in ids]


def random_organization(rng: random.Random, index: int, full: bool) -> dict:
    data = {"name": f"Organizzazione {index} – Città Studi «{rng.randint(1, 999)}»"}
    if full:
        data.update({
            "legal_form": rng.choice(["Associazione", "Cooperativa sociale", "Fondazione", "APS"]),
            "tax_code": rng.choice(["".join(rng.choices("0123456789", k=11)),
                                    "RSSMRA80A01F205X"]),
            "email": f"info+{index}@org{index}.example.it",
            "phone": rng.choice(["02 1234567", "+39 351 681 8198"]),
            "website": rng.choice([f"https://org{index}.example.it",
                                   f"http://www.org{index}.example.org/chi-siamo?x=1"]),
            "description": "Un'associazione di quartiere: doposcuola, è più facile insieme.",
            "municipi": sorted(rng.sample(range(1, 10), rng.randint(1, 3))),
            "level": rng.choice([1, 2]),
        })
    return load(OrganizationCreateSchema(), data)


def random_slots(rng: random.Random) -> list:
    slots = []
    double_day = rng.randint(1, 7)  # a day with a morning and an afternoon slot
    for opens, closes in (("09:00", "12:30"), ("14:00", "18:00")):
        slots.append({"weekday": double_day, "opens_at": opens, "closes_at": closes})
    for _ in range(rng.randint(1, 4)):
        start = rng.randint(7 * 60, 20 * 60)
        end = rng.randint(start + 15, 23 * 60 + 59)
        slots.append({"weekday": rng.randint(1, 7),
                      "opens_at": f"{start // 60:02d}:{start % 60:02d}",
                      "closes_at": f"{end // 60:02d}:{end % 60:02d}"})
    for slot in slots:
        if rng.random() < 0.7:
            valid_from = date(2024, 1, 1) + timedelta(days=rng.randint(0, 900))
            slot["valid_from"] = valid_from.isoformat()
            slot["valid_to"] = (valid_from + timedelta(days=rng.randint(0, 400))).isoformat()
        elif rng.random() < 0.5:
            slot["valid_from"] = None
            slot["valid_to"] = None
    return slots


def random_service(rng: random.Random, index: int, organization_id: str, full: bool) -> dict:
    data = {"organization_id": organization_id, "name": f"Servizio {index}: più è meglio"}
    if full:
        low = rng.randint(0, 17)
        closed = {date(2025, 1, 1) + timedelta(days=rng.randint(0, 500)) for _ in range(3)}
        data.update({
            "description": "Laboratori, ascolto e compiti – per famiglie.\nSu prenotazione.",
            "category": rng.choice(CATEGORIES), "dimension": rng.choice(DIMENSIONS),
            "min_age": low, "max_age": rng.randint(low, 120),
            "languages": rng.sample(["it", "en", "ar", "zh", "ro", "es", "fr", "ku", "qu"],
                                    rng.randint(1, 4)),
            "free": rng.random() < 0.5,
            "cost_note": rng.choice(["Ingresso a offerta libera", "5 € a incontro"]),
            "eligibility": "Famiglie residenti nel Municipio, con figli tra 0 e 17 anni.",
            "email": f"servizio.{index}@example.it",
            "url": f"https://example.it/servizi/{index}?lang=it#orari",
            "location": {
                "name": f"Spazio {index}", "address": f"Via Padova {rng.randint(1, 300)}",
                "postal_code": f"201{rng.randint(0, 99):02d}", "city": "Milano",
                "zone": "Padova", "municipio": rng.randint(1, 9),
                "latitude": round(rng.uniform(45.40, 45.54), 6),
                "longitude": round(rng.uniform(9.04, 9.28), 6),
                "accessibility": "Ingresso senza gradini, bagno accessibile.",
            },
            "schedules": random_slots(rng),
            "closed_dates": [{"day": day.isoformat(), "reason": rng.choice([None, "Festività"])}
                             for day in sorted(closed)],
            "phones": [{"number": rng.choice(["+39 02 1234 5678", "351 681 8198", "0288465000"]),
                        "description": rng.choice([None, "Segreteria, su appuntamento"])}
                       for _ in range(rng.randint(1, 3))],
        })
    return load_service(data)


def service_row(data: dict, status: str) -> Service:
    """A service row from loaded input, as the catalogue makes it (Italian unless told)."""
    data = dict(data)
    location, slots, closed, phones = (data.pop(key, None) for key in
                                       ("location", "schedules", "closed_dates", "phones"))
    return Service(**{"languages": ["it"], **data}, status=status,
                   location=Location(**location) if location else None,
                   schedules=[Schedule(**slot) for slot in slots or []],
                   closed_dates=[ClosedDate(**day) for day in closed or []],
                   phones=[Phone(**phone) for phone in phones or []])


def generate(store, count: int, seed: int = 20250513) -> list:
    """`count` services from input the API accepts: four in five with every optional part,
    one in five with only a name and an organisation, one in seven withdrawn; then five bare
    model rows (the model's defaults only). Their ids, in order."""
    rng = random.Random(seed)
    with store.transaction() as tx:
        organization_ids = [
            organizations.register(tx, CITY, random_organization(rng, i, i % 4 != 0)).id
            for i in range(12)]
        services = [service_row(random_service(rng, index, rng.choice(organization_ids),
                                               full=index % 5 != 0),
                                "withdrawn" if index % 7 == 0 else "active")
                    for index in range(count)]
        services += [Service(organization_id=rng.choice(organization_ids), name=f"Nudo {index}")
                     for index in range(5)]
        tx.session.add_all(services)
        tx.session.flush()
        return [service.id for service in services]


@pytest.fixture
def generated(store):
    return generate(store, 200)


@pytest.fixture
def some(store):
    return generate(store, 30)


# ---------------------------------------------------------------------------------------------
# Tests


def test_the_strict_validators_refuse_bad_formats_unknown_keys_and_missing_fields(store, some):
    with store.sessions() as session:
        body = next(b for b in (service_to_hsds(service, today=WINTER)
                                for service in fetch(session, some))
                    if b.get("service_at_locations") and "website" in b["organization"])
    assert_service_valid(body)
    breakages = [
        lambda b: b.update(id="not-a-uuid"),
        lambda b: b.update(email="nobody"),
        lambda b: b.update(url="not a url"),
        lambda b: b.update(last_modified="2025-01-13 10:00"),
        lambda b: b.update(status="withdrawn"),
        lambda b: b.update(minimum_age="3"),
        lambda b: b.update(category="proximity"),
        lambda b: b.pop("name"),
        lambda b: b["schedules"][0].update(valid_from="13/01/2025"),
        lambda b: b["schedules"][0].update(opens_at="10:00 CET"),
        lambda b: b["schedules"][0].update(timezone="Europe/Rome"),
        lambda b: b["schedules"][0].update(byday="Monday", freq="weekly"),
        lambda b: b["phones"].append({"number": "02 123456"}),
        lambda b: b["service_at_locations"][0]["location"].update(location_type="building"),
        lambda b: b["service_at_locations"][0]["location"]["addresses"][0].pop("country"),
        lambda b: b["organization"].update(website="www.example.it path"),
        lambda b: b["organization"].pop("description"),
        lambda b: b["attributes"][0]["taxonomy_term"].update(parent_id="x"),
        lambda b: b["languages"][0].update(lang="it"),
    ]
    for index, breakage in enumerate(breakages):
        broken = copy.deepcopy(body)
        breakage(broken)
        with pytest.raises(ValidationError):
            SERVICE.validate(broken)
        with pytest.raises(ValidationError):
            SERVICE_COMPILED.validate(broken)


def test_the_demo_services_are_valid_hsds_services(store):
    with store.sessions() as session:
        services = demo_services(session)
        assert len(services) == 4
        for today in (WINTER, SUMMER):
            for service in services:
                assert_service_valid(service_to_hsds(service, today=today))
        workshop = service_to_hsds(next(s for s in services if s.name.startswith("Laboratori")),
                                   today=WINTER)
        desk = service_to_hsds(next(s for s in services if s.name == "Sportello QuBì Gallaratese"),
                               today=SUMMER)
    assert workshop["status"] == "active"
    assert workshop["fees_description"] == "Ingresso a offerta libera"
    assert (workshop["minimum_age"], workshop["maximum_age"]) == (3, 12)
    assert workshop["organization"]["name"] == "La Casa dei Giochi"
    assert workshop["organization"]["legal_status"] == "Associazione"
    [slot] = workshop["schedules"]
    assert {k: slot[k] for k in ("freq", "byday", "opens_at", "closes_at", "timezone")} == {
        "freq": "WEEKLY", "byday": "SA", "opens_at": "14:30+01:00", "closes_at": "17:30+01:00",
        "timezone": 1}
    [at] = workshop["service_at_locations"]
    assert at["service_id"] == workshop["id"] and at["location_id"] == at["location"]["id"]
    assert at["location"]["addresses"] == [{
        "id": at["location"]["addresses"][0]["id"], "location_id": at["location"]["id"],
        "address_1": "Via S. Uguzzone 8", "city": "Milano", "state_province": "MI",
        "postal_code": "20126", "country": "IT", "address_type": "physical"}]
    assert (at["location"]["latitude"], at["location"]["longitude"]) == (45.5176, 9.2262)
    assert [a["taxonomy_term"]["code"] for a in workshop["attributes"]] == [
        "active_citizenship", "culture"]
    assert workshop["languages"] == [{"id": workshop["languages"][0]["id"],
                                      "service_id": workshop["id"], "name": "Italiano",
                                      "code": "it"}]
    assert desk["fees_description"] == "Gratuito"
    assert [(p["number"], p["description"]) for p in desk["phones"]] == [
        ("+39 345 155 2523", "Per appuntamento")]
    assert (desk["schedules"][0]["opens_at"], desk["schedules"][0]["timezone"]) == (
        "14:00+02:00", 2)
    assert "addresses" not in desk["service_at_locations"][0]["location"]  # no street address
    assert datetime.fromisoformat(workshop["last_modified"]).utcoffset() is not None


def test_generated_services_full_and_minimal_are_valid(store, generated):
    seen_ids = set()
    with store.sessions() as session:
        services = fetch(session, generated)
        bodies = [service_to_hsds(service, today=WINTER) for service in services]
        for service, body in zip(services, bodies):
            assert_service_valid(body)
            assert_valid(SERVICE_LIST_ITEM, service_to_hsds(service, full=False, today=WINTER))
            ids = all_ids(body)
            assert all(str(uuid.UUID(value)) == value for value in ids)
            own = [body["id"]] + [x["id"] for key in ("phones", "schedules", "languages",
                                                      "service_at_locations", "attributes")
                                  for x in body[key]]
            assert len(own) == len(set(own)) and not seen_ids & set(own)
            seen_ids |= set(own)
            assert len(body["schedules"]) == len(service.schedules)
            slots = {slot.id: slot for slot in service.schedules}
            assert [s["byday"] for s in body["schedules"]] == sorted(
                (s["byday"] for s in body["schedules"]), key="MOTUWETHFRSASU".index)
            for hsds_slot in body["schedules"]:
                slot = slots[hsds_slot["id"]]
                assert SLOT_TIME.match(hsds_slot["opens_at"])
                assert SLOT_TIME.match(hsds_slot["closes_at"])
                assert hsds_slot["opens_at"].startswith(slot.opens_at)
                assert hsds_slot["byday"] == "MOTUWETHFRSASU"[2 * slot.weekday - 2:2 * slot.weekday]
                assert hsds_slot["timezone"] in (1, 2)
                assert ("valid_from" in hsds_slot) == (slot.valid_from is not None)
            assert body["status"] == {"active": "active", "withdrawn": "inactive"}[service.status]
    full = [b for b in bodies if b.get("service_at_locations")]
    minimal = [b for b in bodies if not b.get("service_at_locations")]
    assert len(full) == 160 and len(minimal) == 45
    assert all(b["service_at_locations"][0]["location"]["addresses"] for b in full)
    assert all(len(b["attributes"]) == 2 and b["phones"] and b["languages"] for b in full)
    assert any(len({s["byday"] for s in b["schedules"]}) < len(b["schedules"]) for b in full)
    assert any(s.get("notes", "").startswith("Chiuso il") for b in full for s in b["schedules"])
    assert {b["status"] for b in bodies} == {"active", "inactive"}
    assert {b["fees_description"] for b in minimal} == {"Gratuito"}
    assert all(set(b) >= {"id", "name", "status", "organization_id", "organization"}
               for b in minimal)


def test_pages_of_services_and_organizations_are_valid_list_responses(store, some):
    with store.sessions() as session:
        services = fetch(session, some)
        first = hsds_page([service_to_hsds(s, full=False) for s in services[:10]],
                          total_items=len(services), page=1, per_page=10)
        last = hsds_page([service_to_hsds(s, full=False) for s in services[30:]],
                         total_items=len(services), page=4, per_page=10)
        full = hsds_page([service_to_hsds(s) for s in services[10:20]], len(services), 2, 10)
        all_organizations = session.execute(select(Organization).order_by(Organization.name)
                                            ).scalars().all()
        organizations_page = hsds_page([organization_to_hsds(o, full=False)
                                        for o in all_organizations], len(all_organizations), 1, 50)
    for page in (first, last):
        assert_valid(SERVICE_PAGE, page)
    assert_valid(FULL_SERVICE_PAGE, full)
    assert_valid(ORGANIZATION_PAGE, organizations_page)
    assert {k: first[k] for k in PAGE_FIELDS} == {
        "total_items": 35, "total_pages": 4, "page_number": 1, "size": 10, "first_page": True,
        "last_page": False, "empty": False}
    assert {k: last[k] for k in PAGE_FIELDS} == {
        "total_items": 35, "total_pages": 4, "page_number": 4, "size": 5, "first_page": False,
        "last_page": True, "empty": False}
    assert (full["page_number"], full["first_page"], full["last_page"]) == (2, False, False)
    assert (organizations_page["size"], organizations_page["total_pages"]) == (25, 1)
    nothing = hsds_page([], 0, 1, 50)
    assert_valid(SERVICE_PAGE, nothing)
    assert (nothing["total_pages"], nothing["first_page"], nothing["last_page"], nothing["empty"]
            ) == (0, True, True, True)
    beyond = hsds_page([], 35, 9, 10)
    assert_valid(ORGANIZATION_PAGE, beyond)
    assert beyond["empty"] and beyond["last_page"] and beyond["size"] == 0
    for bad in ((0, 10), (1, 0)):
        with pytest.raises(ValueError):
            hsds_page([], 10, *bad)
    broken = copy.deepcopy(first)
    broken["contents"][0]["phones"] = []  # a list item has no arrays
    with pytest.raises(ValidationError):
        SERVICE_PAGE.validate(broken)
    broken = copy.deepcopy(first)
    del broken["total_pages"]
    with pytest.raises(ValidationError):
        SERVICE_PAGE.validate(broken)


def test_organizations_are_valid(store, some):
    with store.sessions() as session:
        all_organizations = session.execute(select(Organization)).scalars().all()
        assert len(all_organizations) == 13 + 12
        for organization in all_organizations:
            body = organization_to_hsds(organization)
            assert_valid(ORGANIZATION, body)
            assert_valid(ORGANIZATION_LIST_ITEM, organization_to_hsds(organization, full=False))
            assert [p["number"] for p in body["phones"]] == (
                [organization.phone] if organization.phone else [])
        bodies = [organization_to_hsds(o) for o in all_organizations]
    assert any(b["description"] == "" for b in bodies)  # HSDS requires one; none is given
    assert any(set(b) >= {"email", "website", "tax_id", "legal_status"} and b["phones"]
               for b in bodies)


def test_the_output_is_stable(store, some):
    with store.sessions() as session:
        ids = some + [s.id for s in demo_services(session)]
        first = [service_to_hsds(service, today=SUMMER) for service in fetch(session, ids)]
        first_organizations = [organization_to_hsds(o) for o in
                               session.execute(select(Organization)).scalars()]
    with store.sessions() as session:  # fresh objects from the database
        again = [service_to_hsds(service, today=SUMMER) for service in fetch(session, ids)]
        again_organizations = [organization_to_hsds(o) for o in
                               session.execute(select(Organization)).scalars()]
    assert json.dumps(first, sort_keys=True) == json.dumps(again, sort_keys=True)
    assert first_organizations == again_organizations
    # the same category is the same taxonomy term whichever service carries it
    terms = {}
    for body in first:
        for attribute in body.get("attributes", []):
            term = attribute["taxonomy_term"]
            assert terms.setdefault(term["code"], term["id"]) == term["id"]


def test_a_slot_takes_the_offset_of_its_next_occurrence_and_lists_closed_days_ahead(store):
    with store.transaction() as tx:
        organization_id = tx.session.execute(select(Organization.id).where(
            Organization.name == "La Casa dei Giochi")).scalar_one()
        service_id = catalog.create(tx, CITY, load_service({
            "organization_id": organization_id, "name": "Doposcuola",
            "schedules": [{"weekday": 7, "opens_at": "10:00", "closes_at": "12:00"},
                          {"weekday": 1, "opens_at": "15:00", "closes_at": "18:00",
                           "valid_from": "2025-06-01", "valid_to": "2025-09-30"}],
            "closed_dates": [{"day": "2025-03-30", "reason": "Pasqua"}, {"day": "2025-03-23"},
                             {"day": "2025-03-24"}],
        })).id
    with store.sessions() as session:
        service = session.get(Service, service_id)
        # Sunday 30 March 2025: summer time starts that night, so the 10:00 slot is +02:00
        monday, sunday = service_to_hsds(service, today=date(2025, 3, 24))["schedules"]
        assert (sunday["opens_at"], sunday["timezone"]) == ("10:00+02:00", 2)
        assert sunday["notes"] == "Chiuso il 30/03/2025 (Pasqua)."
        assert (monday["opens_at"], monday["timezone"]) == ("15:00+02:00", 2)  # from June
        assert "notes" not in monday  # 24 March is outside its validity
        monday, sunday = service_to_hsds(service, today=date(2025, 3, 17))["schedules"]
        assert sunday["opens_at"] == "10:00+01:00"
        assert sunday["notes"] == "Chiuso il 23/03/2025, 30/03/2025 (Pasqua)."
        late = service_to_hsds(service, today=date(2025, 11, 3))["schedules"]
        assert [s["timezone"] for s in late] == [2, 1]  # the June-September slot keeps summer time
        assert all(s["description"].endswith("(ora di Milano)") for s in late)


def test_a_service_without_an_id_is_refused():
    with pytest.raises(ValueError):
        service_to_hsds(Service(name="Senza id"))
