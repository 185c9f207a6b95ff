"""The directory on the real RabbitMQ: RPCs, typed errors and the outbox relay."""
import pytest

from services.common.database import Store
from services.common.errors import Forbidden, Invalid
from services.directory.models import Base
from services.directory.service import DirectoryService
from tests.helpers import call, listening, received, seed_directory, wait_for

pytestmark = pytest.mark.broker


@pytest.fixture
def event_queue(service_config):
    with listening(service_config, "directory") as bound:
        yield bound


def test_registering_publishes_organization_registered(container_factory, service_config,
                                                       event_queue):
    users = seed_directory(service_config)
    container_factory(DirectoryService, service_config).start()
    organization = call(service_config, users["coord8"], "directory", "register_organization",
                        {"name": "Biblioteca Quarto Oggiaro"})
    events = wait_for(lambda: received(event_queue))
    assert [(e["event_type"], e["payload"]["organization_id"]) for e in events] == [
        ("organization_registered", organization["id"])]
    assert {"event_id", "occurred_at", "version"} <= set(events[0])


def test_domain_errors_come_back_typed_and_write_nothing(container_factory, service_config,
                                                         event_queue):
    users = seed_directory(service_config)
    container_factory(DirectoryService, service_config).start()
    with pytest.raises(Invalid) as invalid:
        call(service_config, users["citta"], "directory", "register_organization",
             {"municipi": [12], "level": "x"})
    assert set(invalid.value.errors) == {"name", "municipi.0", "level"}
    with pytest.raises(Forbidden):
        call(service_config, users["partner8a"], "directory", "register_organization",
             {"name": "Non mia", "municipi": [8]})
    assert call(service_config, None, "directory", "list_organizations", {"q": "Non mia"})["total"] == 0
    assert received(event_queue) == []


def test_events_left_behind_by_a_crash_are_published_by_the_sweeper(
        container_factory, service_config, event_queue):
    # a commit whose publish never happened (the process died right after it)
    store = Store(service_config["DATABASES"]["directory"], Base.metadata)
    with store.transaction() as tx:
        left = tx.emit("organization_updated", {"organization_id": "o-1", "municipi": [8]})
    store.dispose()

    container_factory(DirectoryService, service_config).start()
    events = wait_for(lambda: received(event_queue), timeout=10)
    assert [e["event_id"] for e in events] == [left["event_id"]]
    store = Store(service_config["DATABASES"]["directory"], Base.metadata)
    assert wait_for(lambda: store.pending_events() == [])
    store.dispose()
