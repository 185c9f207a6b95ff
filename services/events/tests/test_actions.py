"""The `actions` an event or a drive carries: what this caller may do with it now, by the
events service's own rules."""
from datetime import timedelta

import pytest

from services.common.context import Caller
from services.common.database import Store
from services.common.errors import Forbidden, NotFound
from services.events import agenda, drives
from services.events.models import Base, Event
from services.events.permissions import drive_actions, event_actions
from services.events.tests.test_events_rules import (ANONYMOUS, ASC2, COORD2, COORD3, NOW,
                                                     ORG2, ORG8, PARTNER2, PARTNER8, create,
                                                     open_drive)

CITY = Caller(user_id="c", roles=["city"])
MANAGE = ["list_registrations", "mark_attendance", "check_in"]


@pytest.fixture
def store(databases):
    store = Store(databases["events"], Base.metadata)
    yield store
    store.dispose()


def actions_of(store, event_id, caller, now=NOW):
    with store.sessions() as session:
        return event_actions(caller, session.get(Event, event_id), now)


def test_a_draft_offers_its_managers_publishing_and_only_its_organisers_the_registrants(store):
    draft = create(store, publish=False, capacity=20)
    assert actions_of(store, draft, PARTNER2) == ["edit", "publish", "cancel", *MANAGE]
    assert actions_of(store, draft, COORD2) == ["edit", "publish", "cancel"]
    assert actions_of(store, draft, CITY) == ["edit", "publish", "cancel"]
    for outsider in (PARTNER8, COORD3, ASC2, ANONYMOUS):
        assert actions_of(store, draft, outsider) == [], outsider


def test_a_published_event_asking_for_registration_takes_it_from_anyone_until_it_starts(store):
    event_id = create(store, capacity=20)
    assert actions_of(store, event_id, PARTNER2) == ["edit", "cancel", "register", *MANAGE]
    assert actions_of(store, event_id, PARTNER8) == ["register"]
    assert actions_of(store, event_id, ANONYMOUS) == ["register"]
    with store.sessions() as session:
        starts_at = session.get(Event, event_id).starts_at
    started = starts_at + timedelta(minutes=1)
    assert actions_of(store, event_id, ANONYMOUS, started) == []
    assert actions_of(store, event_id, PARTNER2, started) == ["edit", "cancel", *MANAGE]
    over = starts_at + timedelta(days=1)
    assert actions_of(store, event_id, PARTNER2, over) == MANAGE  # over: read-only


def test_an_open_door_event_takes_no_registration_and_a_cancelled_one_no_change(store):
    open_door = create(store)
    assert actions_of(store, open_door, ANONYMOUS) == []
    with store.transaction() as tx:
        agenda.cancel(tx, COORD2, open_door, NOW)
    assert actions_of(store, open_door, PARTNER2) == MANAGE
    assert actions_of(store, open_door, COORD2) == []


def test_an_event_no_organisation_organises_is_its_coordinators_to_run(store):
    event_id = create(store, COORD2, municipio=2, capacity=20)
    assert actions_of(store, event_id, COORD2) == ["edit", "cancel", "register", *MANAGE]
    assert actions_of(store, event_id, CITY) == ["edit", "cancel", "register"]


def test_an_invited_organisation_answers_the_invitation_and_edits_only_once_it_accepts(store):
    event_id = create(store, organizer_ids=[ORG8], capacity=20)
    assert actions_of(store, event_id, PARTNER8) == [
        "accept_invitation", "decline_invitation", "register"]
    with pytest.raises(Forbidden):
        with store.transaction() as tx:
            agenda.update(tx, PARTNER8, event_id, {"title": "Presa"}, NOW)
    with store.transaction() as tx:
        agenda.answer_invitation(tx, PARTNER8, event_id, True, NOW)
    assert actions_of(store, event_id, PARTNER8) == ["edit", "cancel", "register", *MANAGE]
    assert actions_of(store, event_id, PARTNER2) == ["edit", "cancel", "register", *MANAGE]


def test_anyone_pledges_while_a_drive_is_open_its_organisers_record_deliveries(store):
    drive_id = open_drive(store)
    with store.sessions() as session:
        drive = drives.get(session, drive_id)
        assert drive.organizer_ids == [ORG2]
        assert drive_actions(PARTNER2, drive, NOW) == ["pledge", "record_delivery",
                                                       "list_pledges", "close"]
        assert drive_actions(COORD2, drive, NOW) == ["pledge", "record_delivery", "list_pledges",
                                                     "close"]
        for stranger in (PARTNER8, COORD3, ANONYMOUS):
            assert drive_actions(stranger, drive, NOW) == ["pledge"], stranger
        after_the_window = NOW.replace(year=2028)
        assert drive_actions(ANONYMOUS, drive, after_the_window) == []
        assert drive_actions(PARTNER2, drive, after_the_window) == ["record_delivery",
                                                                    "list_pledges"]


@pytest.mark.parametrize("caller", [PARTNER2, PARTNER8, ANONYMOUS])
def test_each_action_listed_is_one_the_service_lets_the_caller_take(store, caller):
    event_id = create(store, publish=False, capacity=20)
    listed = actions_of(store, event_id, caller)
    with store.transaction() as tx:
        if "publish" in listed:
            agenda.publish(tx, caller, event_id, NOW)
        else:
            with pytest.raises((Forbidden, NotFound)):
                agenda.publish(tx, caller, event_id, NOW)
