"""A pool of RPC clients speaking nameko's RPC protocol, reused across requests (none opened
per request).

Each client has one connection and one channel: it publishes its requests there and, on the
same channel, consumes its own reply queue (exclusive: it lives as long as the connection).
Every call carries the caller context and a timeout, and waits only for its own answer.
- A request is worth nothing once its caller gave up: it expires then, and is not written to
  disk on the way (the services' answers and events are what lasts).
- A request no queue takes (a service whose queue was never declared) comes back from the
  broker (`mandatory`) on the same channel while the client waits, so it fails at once without
  asking the broker to confirm every request, which cost a round trip each.
- Replies are not acknowledged: the queue is the client's own and a reply is read once.
The requests are in the gateway's dialect of JSON (services/common/serialization.py): a result
can be had as the JSON it came in, to pass on as it is. A client that timed out or whose
connection broke is thrown away and a fresh one made on the next call, which is how the
gateway recovers by itself when a service or RabbitMQ comes back.
"""
import logging
import queue
import threading
import time
import uuid
from contextlib import contextmanager

from kombu import Connection, Consumer, Producer, Queue
from kombu.entity import TRANSIENT_DELIVERY_MODE
from nameko.constants import HEADER_PREFIX
from nameko.exceptions import RemoteError, deserialize
from nameko.rpc import get_rpc_exchange

from services.common.broker import explicit_transport
from services.common.errors import DomainError, Unavailable
from services.common.serialization import GATEWAY_JSON, Encoded, dumps, loads

log = logging.getLogger(__name__)
EXCHANGE = get_rpc_exchange({})


class _NoAnswer(Exception):
    """The call has no answer to wait for: timed out, or no queue took the request."""


class _Client:
    """One pooled client, used by one thread at a time."""

    def __init__(self, amqp_uri: str, timeout: float):
        self.timeout = timeout
        self.connection = Connection(amqp_uri, connect_timeout=timeout)
        channel = self.connection.channel()
        self.reply_to = uuid.uuid4().hex
        replies = Queue(f"rpc.reply-gateway-{self.reply_to}", exchange=EXCHANGE,
                        routing_key=self.reply_to, exclusive=True, auto_delete=True)
        self.consumer = Consumer(channel, queues=[replies], no_ack=True,
                                 accept=[GATEWAY_JSON, "json"], callbacks=[self._on_reply])
        self.consumer.consume()
        channel.events["basic_return"].add(self._on_return)
        self.producer = Producer(channel, exchange=EXCHANGE, serializer=GATEWAY_JSON)
        self._waiting_for = None
        self._answer = None
        self._returned = False

    def call(self, service, method, context_data, args, kwargs):
        """The answer's result; a domain error raised as itself, a crash as RemoteError."""
        correlation_id = uuid.uuid4().hex
        self._waiting_for, self._answer, self._returned = correlation_id, None, False
        self.producer.publish(
            {"args": args, "kwargs": kwargs}, routing_key=f"{service}.{method}",
            mandatory=True, reply_to=self.reply_to, correlation_id=correlation_id,
            headers={f"{HEADER_PREFIX}.{key}": value for key, value in context_data.items()},
            delivery_mode=TRANSIENT_DELIVERY_MODE, expiration=self.timeout)
        deadline = time.monotonic() + self.timeout
        while self._answer is None:
            if self._returned:
                raise _NoAnswer(f"no queue takes the requests of {service}")
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise _NoAnswer(f"{service} did not answer within {self.timeout:g} s")
            try:
                self.connection.drain_events(timeout=remaining)
            except TimeoutError:  # socket.timeout: the loop says it
                pass
        error = self._answer.get("error")
        if error:
            raise deserialize(error)
        return self._answer["result"]

    def _on_reply(self, body, message):
        if message.properties.get("correlation_id") == self._waiting_for:
            self._answer = body

    def _on_return(self, _error, _exchange, _routing_key, message):
        if message.properties.get("correlation_id") == self._waiting_for:
            self._returned = True

    def close(self):
        self.connection.release()


class RpcPool:
    def __init__(self, amqp_uri: str, timeout: float = 5.0, size: int = 16):
        self.amqp_uri = explicit_transport(amqp_uri)
        self.timeout = timeout
        self.size = size
        self._idle = queue.LifoQueue()
        self._slots = threading.BoundedSemaphore(size)
        self.on_call = None  # optional hook(service, method, seconds, outcome) for metrics

    @contextmanager
    def _client(self):
        if not self._slots.acquire(timeout=self.timeout):
            raise Unavailable("The gateway is at capacity; try again shortly.", "gateway_busy")
        client = None
        try:
            try:
                client = self._idle.get_nowait()
            except queue.Empty:
                client = _Client(self.amqp_uri, self.timeout)
            try:
                yield client
            except (DomainError, RemoteError):  # an answer: the client is healthy
                self._idle.put(client)
                client = None
                raise
            self._idle.put(client)
            client = None
        finally:
            if client is not None:
                _quietly_close(client)
            self._slots.release()

    def call(self, service: str, method: str, *args, context_data=None, as_json=False, **kwargs):
        """The result of `service.method(*args, **kwargs)`; with `as_json`, as JSON bytes."""
        started = time.perf_counter()
        outcome = "ok"
        try:
            with self._client() as client:
                result = client.call(service, method, context_data or {}, args, kwargs)
        except Unavailable:
            outcome = "unavailable"
            raise
        except (DomainError, RemoteError) as error:
            outcome = error.__class__.__name__
            raise
        except _NoAnswer as error:
            outcome = "unavailable"
            raise Unavailable(f"The {service} service is not answering right now.",
                              "service_not_answering", {"service": service}) from error
        except Exception as error:  # broken connection, broker gone: a fresh client next time
            outcome = "unavailable"
            log.warning("rpc %s.%s failed: %s", service, method, error.__class__.__name__)
            raise Unavailable(f"The {service} service is not reachable right now.",
                              "service_unreachable", {"service": service}) from error
        finally:
            if self.on_call:
                self.on_call(service, method, time.perf_counter() - started, outcome)
        if isinstance(result, Encoded):
            return result.json if as_json else loads(result.json)
        return dumps(result) if as_json else result

    def close(self):
        while True:
            try:
                _quietly_close(self._idle.get_nowait())
            except queue.Empty:
                return


def _quietly_close(client):
    try:
        client.close()
    except Exception:
        pass
