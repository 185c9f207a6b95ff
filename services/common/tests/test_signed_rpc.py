"""Every service refuses an RPC whose caller context is missing, unsigned, signed with another
key, altered or expired, before its method runs; on the real RabbitMQ."""
import logging

import pytest
from nameko.standalone.rpc import ClusterRpcProxy

from services.common.config import SERVICE_NAMES
from services.common.context import Caller
from services.common.errors import NotAuthenticated
from services.common.registry import service_class
from services.common.rpc import SignedClusterRpcProxy
from services.common.signing import ContextSigner
from tests.helpers import call

pytestmark = pytest.mark.broker

COORDINATOR = Caller(user_id="u1", username="coord8", roles=["coordinator"], municipi=[8],
                     request_id="r1", origin="gateway")
ANOTHER_KEY = "a" * 40


def ping(config, service, context_data=None):
    with ClusterRpcProxy(config, context_data=context_data, timeout=10) as cluster:
        return cluster[service].ping()


def tampered(config):
    data = ContextSigner(config["CONTEXT_KEYS"]).sign(COORDINATOR)
    data["caller"] = data["caller"].replace('"coordinator"', '"city"')
    return data


def expired(config):
    return ContextSigner(config["CONTEXT_KEYS"], clock=lambda: 0).sign(COORDINATOR)


REFUSED = {
    "no context": lambda config: None,
    "unsigned": lambda config: {"caller": '{"user_id": "u1", "roles": ["city"]}',
                                "origin": "gateway"},
    "another key": lambda config: ContextSigner([ANOTHER_KEY]).sign(COORDINATOR),
    "tampered": tampered,
    "expired": expired,
}


@pytest.mark.parametrize("service", SERVICE_NAMES)
def test_each_service_refuses_a_context_it_cannot_trust(container_factory, service_config,
                                                       service, caplog):
    container_factory(service_class(service), service_config).start()
    for context in REFUSED.values():
        with pytest.raises(NotAuthenticated):
            ping(service_config, service, context(service_config))
    refusals = [r for r in caplog.records if r.levelno == logging.WARNING
                and f"refused a call of {service}.ping" in r.getMessage()]
    assert len(refusals) == len(REFUSED)
    with SignedClusterRpcProxy(service_config, COORDINATOR, timeout=10) as cluster:
        assert cluster[service].ping() == "pong"


def test_a_refused_call_does_nothing(container_factory, service_config):
    container_factory(service_class("directory"), service_config).start()
    city = Caller(user_id="u9", username="citta", roles=["city"], origin="gateway")
    forged = ContextSigner([ANOTHER_KEY]).sign(city)
    with ClusterRpcProxy(service_config, context_data=forged, timeout=10) as cluster:
        with pytest.raises(NotAuthenticated):
            cluster.directory.register_organization({"name": "Ente fantasma", "municipi": [8]})
    assert call(service_config, None, "directory", "list_organizations",
                {"q": "fantasma"})["total"] == 0


def test_the_second_key_is_still_accepted_while_keys_rotate(container_factory, service_config):
    new, old = "n" * 40, "o" * 40
    rotating = {**service_config, "CONTEXT_KEYS": [new, old]}
    container_factory(service_class("directory"), rotating).start()
    for key in (new, old):
        with SignedClusterRpcProxy({**service_config, "CONTEXT_KEYS": [key]}, COORDINATOR,
                                   timeout=10) as cluster:
            assert cluster.directory.ping() == "pong"
    with pytest.raises(NotAuthenticated):
        with SignedClusterRpcProxy({**service_config, "CONTEXT_KEYS": [ANOTHER_KEY]},
                                   COORDINATOR, timeout=10) as cluster:
            cluster.directory.ping()
