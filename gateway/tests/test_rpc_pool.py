"""The gateway's pool of RPC proxies against a real broker and a real nameko service."""
import time

import eventlet
import pytest
from orjson import Fragment

from gateway.rpc import RpcPool
from services.common.context import ANONYMOUS
from services.common.errors import NotFound, Unavailable
from services.common.rpc import rpc
from services.common.serialization import loads
from services.common.signing import ContextSigner

pytestmark = pytest.mark.broker
TIMEOUT = 5


class Shelf:
    name = "rpc_pool_shelf"

    @rpc
    def page(self, size):
        return {"items": [{"number": n, "name": "Attività"} for n in range(size)], "total": size}

    @rpc
    def shelved(self):
        return Fragment(b'{"title": "Il barone rampante",  "year": 1957}')

    @rpc
    def slow(self, seconds):
        eventlet.sleep(seconds)
        return "late"

    @rpc
    def missing(self):
        raise NotFound("No such book.")


class SigningPool(RpcPool):
    """The pool as the gateway uses it: every call with a signed caller context."""

    def __init__(self, config, **options):
        super().__init__(config["AMQP_URI"], **options)
        self.signer = ContextSigner(config["CONTEXT_KEYS"])

    def call(self, service, method, *args, **kwargs):
        return super().call(service, method, *args, context_data=self.signer.sign(ANONYMOUS),
                            **kwargs)


@pytest.fixture
def pool(service_config, container_factory):
    container_factory(Shelf, service_config).start()
    pool = SigningPool(service_config, timeout=TIMEOUT, size=2)
    yield pool
    pool.close()


def test_an_answer_comes_decoded_or_as_the_json_it_came_in(pool):
    page = pool.call("rpc_pool_shelf", "page", 3)
    assert page == {"items": [{"number": n, "name": "Attività"} for n in range(3)], "total": 3}
    assert loads(pool.call("rpc_pool_shelf", "page", 3, as_json=True)) == page
    # as it came: the service's own spacing, not the JSON decoded and written again
    assert pool.call("rpc_pool_shelf", "shelved", as_json=True) == (
        b'{"title": "Il barone rampante",  "year": 1957}')


def test_a_domain_error_comes_back_typed_and_the_proxy_serves_on(pool):
    with pytest.raises(NotFound, match="No such book"):
        pool.call("rpc_pool_shelf", "missing")
    assert pool.call("rpc_pool_shelf", "page", 1)["total"] == 1


def test_a_service_without_a_queue_is_unavailable_at_once_not_at_the_timeout(pool):
    started = time.monotonic()
    with pytest.raises(Unavailable):
        pool.call("rpc_pool_nobody", "ping")
    assert time.monotonic() - started < TIMEOUT / 2
    assert pool.call("rpc_pool_shelf", "page", 1)["total"] == 1


def test_a_slow_service_is_unavailable_at_the_timeout_and_its_late_answer_reaches_nobody(
        service_config, container_factory):
    container_factory(Shelf, service_config).start()
    pool = SigningPool(service_config, timeout=1, size=1)
    try:
        started = time.monotonic()
        with pytest.raises(Unavailable):
            pool.call("rpc_pool_shelf", "slow", 1.5)
        assert 1 <= time.monotonic() - started < 1.5
        time.sleep(1)  # the late answer has been sent meanwhile
        assert pool.call("rpc_pool_shelf", "page", 2)["total"] == 2
        assert pool.call("rpc_pool_shelf", "slow", 0) == "late"
    finally:
        pool.close()
