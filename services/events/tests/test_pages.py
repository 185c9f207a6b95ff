"""A page of a list costs what the page costs: the database is asked for that page (LIMIT),
with as many statements whether there are few rows or many."""
from unittest.mock import Mock

import pytest
from nameko.testing.services import worker_factory

from services.common.config import DEVELOPMENT_DATA_KEY
from services.common.database import DatabaseAccess, Store
from services.common.sealing import Cipher
from services.events.models import Base
from services.events.service import EventsService
from services.events.tests.registering import confirm, register_pending
from services.events.tests.test_events_rules import (ANONYMOUS, COORD2, NOW, PARTNER2, create,
                                                     open_drive, pledge)
from tests.helpers import Statements


@pytest.fixture
def store(databases):
    store = Store(databases["events"], Base.metadata)
    yield store
    store.dispose()


def service(store, caller):
    return worker_factory(EventsService, db=DatabaseAccess(store, Mock()), caller=caller,
                          cipher=Cipher([DEVELOPMENT_DATA_KEY]),
                          config={"REGISTRATION_CONFIRM_HOURS": 24})


def page_of(store, caller, method, *args, **query):
    """The page, and the statements that read it."""
    with Statements(store) as sent:
        found = getattr(service(store, caller), method)(*args, {**query, "per_page": 2})
    return found, sent


def reading(sent, table):
    return [statement for statement in sent if f"FROM {table} " in f"{statement} "]


def test_a_page_of_events_reads_that_page_whatever_their_number(store):
    for _ in range(3):
        create(store, capacity=30)
    few, few_sent = page_of(store, COORD2, "list_events", municipio=2)
    for _ in range(9):
        create(store, capacity=30)
    many, many_sent = page_of(store, COORD2, "list_events", municipio=2)
    assert (few["total"], many["total"], len(many["items"])) == (3, 12, 2)
    [page] = [s for s in reading(many_sent, "events") if "count(" not in s]
    assert " LIMIT " in page
    assert len(many_sent) == len(few_sent)
    # the counts its managers see come with the event, the registrations are not read
    assert all(item["registrations"]["households"] == 0 for item in many["items"])
    assert reading(many_sent, "registrations") == []


def test_a_page_of_an_events_registrations_is_read_as_a_page_and_counted_right(store):
    event_id = create(store, capacity=4)
    registered = [register_pending(store, event_id, f"famiglia{n}@example.org", NOW, 2)[0]
                  for n in range(3)]
    for registration in registered:
        confirm(store, event_id, registration.id, NOW, caller=PARTNER2)
    few, few_sent = page_of(store, PARTNER2, "list_registrations", event_id)
    for n in range(3, 9):
        register_pending(store, event_id, f"famiglia{n}@example.org", NOW, 1)
    many, many_sent = page_of(store, PARTNER2, "list_registrations", event_id)
    assert (few["total"], many["total"], [r["status"] for r in many["items"]]) == (
        3, 9, ["confirmed", "confirmed"])
    [page] = [s for s in reading(many_sent, "registrations") if "count(" not in s]
    assert " LIMIT " in page
    assert len(many_sent) == len(few_sent)
    # what its organisers and the anonymous see of its places
    counts = service(store, PARTNER2).get_event(event_id)
    assert counts["registrations"] == {"confirmed_people": 4, "pending_people": 6,
                                       "waitlisted_people": 2, "households": 9}
    assert service(store, ANONYMOUS).get_event(event_id)["places_left"] == 0


def test_pages_of_drives_and_of_a_drives_pledges_are_read_as_pages(store):
    drive_id = open_drive(store)
    pledge(store, drive_id, "Quaderni", 1)
    few, few_sent = page_of(store, PARTNER2, "list_pledges", drive_id)
    for _ in range(5):
        pledge(store, drive_id, "Quaderni", 1)
    many, many_sent = page_of(store, PARTNER2, "list_pledges", drive_id)
    assert (few["total"], many["total"]) == (1, 6)
    assert " LIMIT " in [s for s in reading(many_sent, "pledges") if "ORDER BY" in s][0]
    assert len(many_sent) == len(few_sent)
    open_drive(store)
    drives, sent = page_of(store, ANONYMOUS, "list_drives", municipio=2)
    assert drives["total"] == 2
    assert " LIMIT " in [s for s in reading(sent, "drives") if "count(" not in s][0]
    # each drive's progress comes with its items, the pledges are not read
    assert sorted(d["progress"]["pledged"] for d in drives["items"]) == [0, 6]
    assert reading(sent, "pledges") == reading(sent, "deliveries") == []
