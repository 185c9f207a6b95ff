"""The events service on the real RabbitMQ: RPCs, typed errors and events on its exchange."""
import pytest
from kombu import Connection, Queue

from services.common.context import Caller
from services.common.errors import Invalid
from services.common.events import events_exchange
from services.events.service import EventsService
from tests.helpers import call, wait_for

pytestmark = pytest.mark.broker

PARTNER = Caller(user_id="p2", username="partner2", roles=["partner"], municipi=[2],
                 organization_id="2" * 36)


@pytest.fixture
def event_queue(service_config):
    """A queue that hears every event of the events service, as a consumer would."""
    queue = Queue("test-events-events", exchange=events_exchange("events", service_config),
                  routing_key="#", durable=False)
    with Connection(service_config["AMQP_URI"]) as connection:
        bound = queue.bind(connection.default_channel)
        bound.declare()
        yield bound


def received(bound_queue):
    messages = []
    while (message := bound_queue.get(no_ack=True)) is not None:
        messages.append(message.payload)
    return messages


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
        ("event_published", event["id"]), ("registration_waitlisted", event["id"])]
    assert {"event_id", "occurred_at", "version"} <= set(events[0])
    assert receipt["status"] == "waitlisted" and receipt["cancel_token"]
    assert "rossi" not in str(events)
