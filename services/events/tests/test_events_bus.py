"""The events service on the real RabbitMQ: RPCs, typed errors and events on its exchange."""
import pytest

from services.common.context import Caller
from services.common.errors import Invalid
from services.events.service import EventsService
from tests.helpers import call, listening, received, wait_for

pytestmark = pytest.mark.broker

PARTNER = Caller(user_id="p2", username="partner2", roles=["partner"], municipi=[2],
                 organization_id="2" * 36)


@pytest.fixture
def event_queue(service_config):
    with listening(service_config, "events") as bound:
        yield bound


def test_publishing_an_event_announces_it_on_the_events_exchange(container_factory,
                                                                 service_config, event_queue):
    container_factory(EventsService, service_config).start()
    with pytest.raises(Invalid) as invalid:
        call(service_config, PARTNER, "events", "create_event",
             {"title": "Festa", "starts_at": "2027-12-22T17:30", "ends_at": "2027-12-22T14:30"})
    assert list(invalid.value.errors) == ["ends_at"]
    event = call(service_config, PARTNER, "events", "create_event",
                 {"title": "Festa", "starts_at": "2027-12-22T14:30",
                  "ends_at": "2027-12-22T17:30", "capacity": 1})
    assert (event["status"], event["starts_at"]) == ("draft", "2027-12-22T14:30:00+01:00")
    call(service_config, PARTNER, "events", "publish_event", event["id"])
    receipt = call(service_config, None, "events", "register", event["id"],
                   {"name": "Famiglia Rossi", "contact": "rossi@example.it", "children": 1})

    events = []
    wait_for(lambda: events.extend(received(event_queue)) or len(events) >= 2)
    assert [(e["event_type"], e["payload"]["event_id"]) for e in events] == [
        ("event_published", event["id"]), ("registration_requested", event["id"])]
    assert {"event_id", "occurred_at", "version"} <= set(events[0])
    assert (receipt["status"], receipt["holds_place"], receipt["confirmation"]) == (
        "pending", False, "email")
    assert receipt["cancel_token"] and "token" not in events[1]["payload"]
    assert "rossi" not in str(events)
