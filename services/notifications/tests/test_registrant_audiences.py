"""Who among an event's registrants hears of what: a change or a message reaches every
registration standing (confirmed or waiting), a reminder only those whose places are confirmed."""
from types import SimpleNamespace

from services.notifications import audiences

PEOPLE = [{"registration_id": "r1", "name": "A", "contact": "a@example.org", "status": "confirmed"},
          {"registration_id": "r2", "name": "B", "contact": "+393331234567", "status": "waitlisted"}]


def peers():
    return SimpleNamespace(events=SimpleNamespace(registrants=lambda event_id: PEOPLE))


def test_a_reminder_goes_to_the_confirmed_and_a_message_to_everyone_registered():
    assert [p["user_id"] for p in audiences.confirmed_registrants(peers(), {"event_id": "e"})] \
        == ["registration:r1"]
    assert [p["user_id"] for p in audiences.registrants(peers(), {"event_id": "e"})] \
        == ["registration:r1", "registration:r2"]
