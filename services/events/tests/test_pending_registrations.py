"""A registration holds places only once its contact answers: pending until the link emailed
is opened (or, for a phone, an organiser confirms it), and cancelled when its time is up."""
from datetime import timedelta

import pytest

from services.common.errors import Conflict, Forbidden, Gone, Invalid, NotAuthenticated, NotFound
from services.events import agenda, registrations
from services.events.models import Event
from services.events.tests.registering import (CIPHER, CONFIRM_WITHIN, confirm, link_token,
                                               register_pending)
from services.events.tests.test_events_rules import (  # noqa: F401 (the store fixture)
    COORD2, NOW, PARTNER2, at, create, store)


def places_left(store, event_id):
    with store.sessions() as session:
        return session.get(Event, event_id).places_left


def expire(store, now):
    with store.transaction() as tx:
        registrations.expire_due(tx, now)
    return tx.events


def test_a_registration_is_pending_until_its_contact_opens_the_link_once(store):
    event_id = create(store, capacity=4)
    pending, _, told = register_pending(store, event_id, "Anna@Example.it", NOW, children=2)
    assert (pending.status, pending.holds_place, pending.confirmation) == (
        "pending", True, "email")
    assert pending.expires_at == NOW + CONFIRM_WITHIN
    assert places_left(store, event_id) == 1  # kept while it waits: nobody overbooks
    assert [event["event_type"] for event in told] == ["registration_requested"]
    assert "anna" not in str(told).lower() and "Famiglia" not in str(told)  # sealed
    token = link_token(told)
    with pytest.raises(Gone):
        confirm(store, event_id, pending.id, NOW, token="not-the-token")
    confirmed, told = confirm(store, event_id, pending.id, NOW, token=token)
    assert confirmed.status == "confirmed" and confirmed.confirmation is None
    assert [event["event_type"] for event in told] == ["registration_confirmed"]
    with pytest.raises(Gone):
        confirm(store, event_id, pending.id, NOW, token=token)
    assert places_left(store, event_id) == 1


def test_a_pending_registration_past_the_places_keeps_its_turn_and_is_waitlisted_once_confirmed(
        store):
    event_id = create(store, capacity=2)
    registered = [register_pending(store, event_id, f"p{n}@x.it", NOW) for n in range(3)]
    assert [r.holds_place for r, _, _ in registered] == [True, True, False]
    last, _, told = registered[2]
    assert confirm(store, event_id, last.id, NOW, token=link_token(told))[0].status == \
        "waitlisted"


def test_an_expired_pending_registration_frees_its_place_and_the_waiting_list_moves(store):
    event_id = create(store, capacity=1)
    silent, _, silent_told = register_pending(store, event_id, "bot@x.it", NOW)
    waiting, _, told = register_pending(store, event_id, "anna@x.it", NOW)
    confirm(store, event_id, waiting.id, NOW, token=link_token(told))
    assert expire(store, NOW + CONFIRM_WITHIN - timedelta(minutes=1)) == []
    told = expire(store, NOW + CONFIRM_WITHIN)
    assert [(e["event_type"], e["payload"]["registration_id"]) for e in told] == [
        ("registration_promoted", waiting.id)]
    with store.sessions() as session:
        rows = session.execute(registrations.search_statement(session, PARTNER2, event_id))
        assert [(r.contact, r.status) for r in rows.scalars()] == [
            ("bot@x.it", "cancelled"), ("anna@x.it", "confirmed")]
    with pytest.raises(Gone):
        confirm(store, event_id, silent.id, NOW, token=link_token(silent_told))


def test_a_pending_registration_that_waits_gets_the_places_freed_and_keeps_them(store):
    event_id = create(store, capacity=1)
    register_pending(store, event_id, "bot@x.it", NOW)
    an_hour_later = NOW + timedelta(hours=1)
    second, _, told = register_pending(store, event_id, "anna@x.it", an_hour_later)
    assert not second.holds_place
    expire(store, NOW + CONFIRM_WITHIN)  # the first lapses; the second has an hour more
    assert places_left(store, event_id) == 0
    assert confirm(store, event_id, second.id, an_hour_later + CONFIRM_WITHIN
                   - timedelta(minutes=1), token=link_token(told))[0].status == "confirmed"


def test_a_phone_registration_is_sent_its_link_by_sms_or_confirmed_by_an_organiser(store):
    event_id = create(store, capacity=10, starts_at=at("2026-11-25", "15:00"),
                      ends_at=at("2026-11-25", "18:00"))
    pending, _, told = register_pending(store, event_id, "333 444 5555", NOW)
    assert (pending.status, pending.confirmation) == ("pending", "organiser")
    [requested] = told
    assert "3334445555" not in str(requested["payload"])  # the number crosses the bus sealed
    assert CIPHER.open_text(requested["payload"]["sealed"])["phone"] == "+393334445555"
    assert pending.expires_at == NOW + timedelta(hours=2)  # the event starts sooner than 24 h
    with pytest.raises(NotAuthenticated):
        confirm(store, event_id, pending.id, NOW)
    assert confirm(store, event_id, pending.id, NOW, caller=PARTNER2)[0].status == "confirmed"
    with pytest.raises(Conflict):
        confirm(store, event_id, pending.id, NOW, caller=PARTNER2)
    by_sms, _, told = register_pending(store, event_id, "333 444 6666", NOW)
    assert confirm(store, event_id, by_sms.id, NOW,
                   token=link_token(told))[0].status == "confirmed"


def test_a_cancelled_events_pending_registration_cannot_be_confirmed(store):
    event_id = create(store, capacity=4)
    pending, _, told = register_pending(store, event_id, "anna@x.it", NOW)
    with store.transaction() as tx:
        agenda.cancel(tx, PARTNER2, event_id, NOW)
    with pytest.raises(Conflict) as refused:
        confirm(store, event_id, pending.id, NOW, token=link_token(told))
    assert refused.value.code == "event_not_published"


def test_only_the_organisers_confirm_a_registration_by_hand(store):
    event_id = create(store, capacity=4)
    pending, _, _ = register_pending(store, event_id, "333 123 4567", NOW)
    with pytest.raises((Forbidden, NotFound)):
        confirm(store, event_id, pending.id, NOW, caller=COORD2)
    assert confirm(store, event_id, pending.id, NOW, caller=PARTNER2)[0].status == "confirmed"


def test_the_capacity_may_not_go_below_the_places_pending_registrations_hold(store):
    event_id = create(store, capacity=4)
    register_pending(store, event_id, "anna@x.it", NOW, adults=1, children=2)
    with pytest.raises(Invalid) as refused:
        with store.transaction() as tx:
            agenda.update(tx, PARTNER2, event_id, {"capacity": 2}, NOW)
    assert refused.value.codes["capacity"] == [["capacity_below_taken", {"taken": 3}]]
