"""A pool of nameko RPC proxies, reused across requests (none opened per request).

Every call carries the caller context and a timeout. The requests are in the gateway's dialect
of JSON (services/common/serialization.py): a result can be had as the JSON it came in, to pass
on as it is. Requests expire on the broker after the
timeout too, so a service that comes back does not act on a request its caller gave up on.
A proxy whose connection broke is thrown away and a fresh one made on the next call, which is
how the gateway recovers by itself when a service or RabbitMQ comes back.
"""
import logging
import queue
import threading
import time
from contextlib import contextmanager

from amqp.exceptions import ChannelError
from kombu import Connection, Producer
from kombu.entity import TRANSIENT_DELIVERY_MODE as TRANSIENT
from nameko.amqp.publish import UndeliverableMessage
from nameko.constants import SERIALIZER_CONFIG_KEY
from nameko.exceptions import RemoteError, RpcTimeout, UnknownService
from nameko.rpc import ServiceProxy
from nameko.standalone.rpc import StandaloneProxyBase

from services.common.broker import explicit_transport
from services.common.errors import DomainError, Unavailable
from services.common.serialization import GATEWAY_JSON, Encoded, dumps, loads

log = logging.getLogger(__name__)


class _RequestPublisher:
    """Publishes the requests of one pooled proxy (used by one thread at a time) on a channel of
    its own, opened with the first and kept; nameko's Publisher makes a connection object and
    takes a producer from a shared pool for every message.

    A request is worth nothing once its caller gave up: it expires then, and is not written to
    disk on the way (the services' answers and events are what lasts). The broker confirms
    each, which is how a request to a service with no queue at all fails at once
    (UnknownService) instead of at the timeout."""

    def __init__(self, amqp_uri: str, timeout: float):
        self.connection = Connection(amqp_uri, transport_options={"confirm_publish": True})
        self.timeout = timeout
        self.producer = None

    def publish(self, payload, extra_headers=None, **properties):
        if self.producer is None:
            self.producer = Producer(self.connection.channel(), serializer=GATEWAY_JSON)
        try:
            self.producer.publish(payload, headers=extra_headers, delivery_mode=TRANSIENT,
                                  expiration=self.timeout, **properties)
        except ChannelError as error:
            if "NO_ROUTE" in str(error):
                raise UndeliverableMessage() from error
            raise

    def close(self):
        self.connection.release()


class _PooledProxy(StandaloneProxyBase):
    def __init__(self, config, timeout):
        super().__init__(config, timeout=timeout)
        self._publisher = _RequestPublisher(config["AMQP_URI"], timeout)
        self._methods = {}

    def call(self, service, method, context_data, args, kwargs):
        # nameko reads the worker context's data when it builds each request's headers
        self._worker_ctx.data = context_data
        key = (service, method)
        if key not in self._methods:
            method_proxy = getattr(ServiceProxy(self._worker_ctx, service, self._reply_listener),
                                   method)
            method_proxy.publisher = self._publisher
            self._methods[key] = method_proxy
        return self._methods[key](*args, **kwargs)

    def stop(self):
        self._publisher.close()
        super().stop()


class RpcPool:
    def __init__(self, amqp_uri: str, timeout: float = 5.0, size: int = 16):
        self.config = {"AMQP_URI": explicit_transport(amqp_uri), SERIALIZER_CONFIG_KEY: GATEWAY_JSON}
        self.timeout = timeout
        self.size = size
        self._idle = queue.LifoQueue()
        self._slots = threading.BoundedSemaphore(size)
        self.on_call = None  # optional hook(service, method, seconds, outcome) for metrics

    @contextmanager
    def _proxy(self):
        if not self._slots.acquire(timeout=self.timeout):
            raise Unavailable("The gateway is at capacity; try again shortly.")
        proxy = None
        try:
            try:
                proxy = self._idle.get_nowait()
            except queue.Empty:
                proxy = _PooledProxy(self.config, self.timeout)
                proxy.start()
            try:
                yield proxy
            except (DomainError, RemoteError):  # an answer: the proxy is healthy
                self._idle.put(proxy)
                proxy = None
                raise
            self._idle.put(proxy)
            proxy = None
        finally:
            if proxy is not None:
                _quietly_stop(proxy)
            self._slots.release()

    def call(self, service: str, method: str, *args, context_data=None, as_json=False, **kwargs):
        """The result of `service.method(*args, **kwargs)`; with `as_json`, as JSON bytes."""
        started = time.perf_counter()
        outcome = "ok"
        try:
            with self._proxy() as proxy:
                result = proxy.call(service, method, context_data or {}, args, kwargs)
        except Unavailable:
            outcome = "unavailable"
            raise
        except (DomainError, RemoteError) as error:
            outcome = error.__class__.__name__
            raise
        except (RpcTimeout, UnknownService) as error:
            outcome = "unavailable"
            raise Unavailable(f"The {service} service is not answering right now.") from error
        except Exception as error:  # broken connection, broker gone: a fresh proxy next time
            outcome = "unavailable"
            log.warning("rpc %s.%s failed: %s", service, method, error.__class__.__name__)
            raise Unavailable(f"The {service} service is not reachable right now.") from error
        finally:
            if self.on_call:
                self.on_call(service, method, time.perf_counter() - started, outcome)
        if isinstance(result, Encoded):
            return result.json if as_json else loads(result.json)
        return dumps(result) if as_json else result

    def close(self):
        while True:
            try:
                _quietly_stop(self._idle.get_nowait())
            except queue.Empty:
                return


def _quietly_stop(proxy):
    try:
        proxy.stop()
    except Exception:
        pass
