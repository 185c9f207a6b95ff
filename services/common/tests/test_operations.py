"""Operations on the real RabbitMQ: replicas share the work without duplicates, the queues can
be quorum queues, and each service shows its metrics."""
import socket

import pytest
import requests

from services.common.bus import declare_topology
from services.directory.service import DirectoryService
from services.notifications.service import NotificationsService
from tests.helpers import call, seed_directory, wait_for

pytestmark = pytest.mark.broker


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def workers_of(container, method) -> float:
    metrics = next(d for d in container.dependencies if d.attr_name == "metrics")
    return metrics.workers.labels(container.service_name, method)._value.get()


def coordinator_inbox(config, users):
    return call(config, users["coord8"], "notifications", "list_notifications",
                {"per_page": 200})


def test_two_replicas_of_each_service_share_the_work_without_duplicates(
        container_factory, service_config):
    users = seed_directory(service_config)
    declare_topology([NotificationsService], service_config)
    directories = [container_factory(DirectoryService, service_config) for _ in range(2)]
    notifications = [container_factory(NotificationsService, service_config) for _ in range(2)]
    for container in directories + notifications:
        container.start()
    names = [f"APS replica {n}" for n in range(20)]
    for name in names:
        call(service_config, users["citta"], "directory", "register_organization",
             {"name": name, "municipi": [8]})
    assert wait_for(lambda: coordinator_inbox(service_config, users)["total"] >= 20, timeout=30)
    bodies = [n["body"] for n in coordinator_inbox(service_config, users)["items"]]
    assert sorted(bodies) == sorted(f"{name} è entrata nella rete QuBì del Municipio 8."
                                    for name in names)
    handled = [workers_of(c, "on_organization_registered") for c in notifications]
    assert sum(handled) == 20 and all(handled), handled
    assert all(workers_of(c, "register_organization") for c in directories)


def test_the_event_flow_works_on_quorum_queues(container_factory, service_config, rabbit_manager,
                                               rabbit_config):
    service_config["QUORUM_QUEUES"] = True
    users = seed_directory(service_config)
    declare_topology([NotificationsService], service_config)
    queue = rabbit_manager.get_queue(
        rabbit_config["vhost"],
        "evt-directory-organization_registered--notifications.on_organization_registered")
    assert queue["type"] == "quorum"
    container_factory(DirectoryService, service_config).start()
    call(service_config, users["citta"], "directory", "register_organization",
         {"name": "APS in quorum", "municipi": [8]})
    container_factory(NotificationsService, service_config).start()
    assert wait_for(lambda: coordinator_inbox(service_config, users)["total"] == 1, timeout=20)
    # the RPC queues too, shared by replicas; a service's own reply queue stays transient, so
    # that on a cluster it is declared again on another node when its node is lost
    queues = {q["name"]: q for q in rabbit_manager.get_queues(rabbit_config["vhost"])}
    assert queues["rpc-directory"]["type"] == queues["rpc-notifications"]["type"] == "quorum"
    replies = [q for name, q in queues.items() if name.startswith("rpc.reply-notifications-")]
    assert replies and not any(q["durable"] for q in replies)


def test_each_service_shows_its_worker_metrics(container_factory, service_config):
    port = free_port()
    service_config["METRICS_PORT"] = port
    container_factory(DirectoryService, service_config).start()
    for _ in range(3):
        call(service_config, None, "directory", "ping")
    text = requests.get(f"http://127.0.0.1:{port}/metrics", timeout=5).text
    assert 'qubi_workers_total{entrypoint="ping",service="directory"} 3.0' in text
    assert 'qubi_worker_seconds_count{entrypoint="ping",service="directory"} 3.0' in text
    assert 'qubi_outbox_backlog{service="directory"} 0.0' in text
    assert 'qubi_dead_letters{service="directory"}' in text
