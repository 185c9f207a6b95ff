"""`make chaos CLUSTER=3`'s parts that need no broker: one line when RabbitMQ is not installed,
how the RPCs' recovery is read from the gateways' answers, the replicas the platform starts,
and the cluster's failover list as the services and the gateway are given it."""
import pytest

from bench import broker_cluster
from bench.broker_cluster import MISSING, BrokerCluster, Readiness
from deploy.local import Platform
from services.common.broker import explicit_transport, redact


def test_without_rabbitmq_server_it_says_so_in_one_line(monkeypatch, tmp_path):
    monkeypatch.setattr(broker_cluster, "PACKAGED_SCRIPTS", tmp_path)
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(SystemExit) as stopped:
        BrokerCluster(3)
    assert stopped.value.code == MISSING
    assert "\n" not in MISSING and "rabbitmq-server" in MISSING


def test_the_recovery_is_the_first_ready_answer_after_the_last_failure():
    killed = 100.0
    samples = [(99.0, True), (100.5, True), (101.0, False), (104.0, False), (104.6, True),
               (106.0, True), (110.0, True)]
    assert Readiness._recovered(samples, killed, steady=5) == 104.6
    # not steady yet: the last ready answer came less than 5 s after the first
    assert Readiness._recovered(samples[:-1], killed, steady=5) is None
    # no failure at all: answered from the start
    assert Readiness._recovered([(100.2, True), (106.0, True)], killed, steady=5) == 100.2
    assert Readiness._recovered([(101.0, False), (120.0, False)], killed, steady=5) is None


def test_each_part_has_its_replicas_and_each_gateway_its_port():
    platform = Platform({}, port=8001, replicas=2, other_gateway_ports=[8002])
    assert platform.replica_names("referrals") == ["referrals", "referrals-2"]
    assert platform.urls == ["http://localhost:8001", "http://localhost:8002"]
    assert Platform({}, port=8001).urls == ["http://localhost:8001"]
    assert Platform({}, port=8001).replica_names("gateway") == ["gateway"]


def test_every_node_of_a_failover_list_is_named_with_its_transport_and_redacted():
    uri = "amqp://guest:secret@127.0.0.1:5673/;amqp://guest:secret@127.0.0.1:5674/"
    assert explicit_transport(uri) == ("pyamqp://guest:secret@127.0.0.1:5673/;"
                                       "pyamqp://guest:secret@127.0.0.1:5674/")
    assert "secret" not in redact(uri) and redact(uri).count("guest:***@") == 2
