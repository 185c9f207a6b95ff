"""What registrants are told beyond an event's changes: its organisers' messages (to all of
them, kept for the organisers to read back) and one reminder the day before, from 10:00 in
Milan."""
from datetime import datetime, timedelta, timezone

import pytest

from services.common.errors import Conflict, Forbidden, NotFound
from services.common.schemas import ROME
from services.events import agenda, messages
from services.events.tests.test_events_rules import (NOW, PARTNER2, PARTNER8, at, create,
                                                      register, store)  # noqa: F401


def write(store, event_id, text, caller=PARTNER2):  # noqa: F811
    with store.transaction() as tx:
        message = messages.send(tx, caller, event_id, text, NOW)
    return message, tx.events


def remind(store, now):  # noqa: F811
    with store.transaction() as tx:
        messages.remind_due(tx, now)
    return [(e["event_type"], e["payload"]["event_id"]) for e in tx.events]


def test_a_message_goes_to_the_registrants_and_is_kept_for_the_organisers(store):  # noqa: F811
    event_id = create(store)
    register(store, event_id, "anna@example.org")
    message, told = write(store, event_id, "Portate una merenda da condividere.")
    assert [(e["event_type"], e["payload"]["text"]) for e in told] == [
        ("event_message", "Portate una merenda da condividere.")]
    assert "anna@example.org" not in str(told)  # contacts stay in this service
    assert message.households == 1
    with store.sessions() as session:
        kept = session.execute(messages.sent_statement(session, PARTNER2, event_id)).scalars()
        assert [m.text for m in kept] == ["Portate una merenda da condividere."]


def test_only_organisers_write_and_a_draft_has_nobody_to_write_to(store):  # noqa: F811
    with pytest.raises((Forbidden, NotFound)):
        write(store, create(store), "Ciao", caller=PARTNER8)
    with pytest.raises(Conflict):
        write(store, create(store, publish=False), "Ciao")


def test_the_reminder_goes_once_the_day_before_from_ten_in_milan(store):  # noqa: F811
    tomorrow = create(store, starts_at=at("2026-11-26", "15:00"), ends_at=at("2026-11-26", "18:00"))
    later = create(store, starts_at=at("2026-11-28", "15:00"), ends_at=at("2026-11-28", "18:00"))
    nobody = create(store, starts_at=at("2026-11-26", "09:00"), ends_at=at("2026-11-26", "10:00"))
    for event_id in (tomorrow, later):
        register(store, event_id, "bea@example.org")
    early = datetime(2026, 11, 25, 9, 59, tzinfo=ROME)
    assert remind(store, early.astimezone(timezone.utc)) == []
    ten = datetime(2026, 11, 25, 10, 0, tzinfo=ROME)
    assert remind(store, ten) == [("event_reminder", tomorrow)]
    assert remind(store, ten + timedelta(hours=5)) == []  # once
    assert nobody not in str(remind(store, ten + timedelta(hours=6)))


def test_an_event_moved_after_its_reminder_is_reminded_again_before_its_new_day(store):  # noqa: F811
    event_id = create(store, starts_at=at("2026-11-26", "15:00"), ends_at=at("2026-11-26", "18:00"))
    register(store, event_id, "eva@example.org")
    ten = datetime(2026, 11, 25, 10, 0, tzinfo=ROME)
    assert remind(store, ten) == [("event_reminder", event_id)]
    with store.transaction() as tx:
        agenda.update(tx, PARTNER2, event_id, {
            "starts_at": datetime.fromisoformat(at("2026-11-28", "15:00")),
            "ends_at": datetime.fromisoformat(at("2026-11-28", "18:00"))}, NOW)
    assert remind(store, ten + timedelta(days=2)) == [("event_reminder", event_id)]
