"""RPC between services: every call has a timeout, and domain errors are expected.

Each service answers its RPCs through `rpc`, nameko's entrypoint with four costs taken out of
every call: the answer is encoded once (nameko encodes it twice, once only to see that it can),
published on a producer the service keeps (nameko makes a connection object and takes a
producer from a pool for each answer), the method found by its routing key in a dict, and the
arguments checked against a signature made once. Before anything else it checks that the
caller context is signed (services/common/signing.py): a call without one, or with one forged,
altered or expired, is answered NotAuthenticated and its method does not run.

Calls out, from a service (`ServiceRpc`) or from a tool (`SignedClusterRpcProxy`), sign their
context afresh for each call.
"""
import inspect
import logging
import sys
from functools import partial

import eventlet
import kombu.serialization
from eventlet.semaphore import Semaphore
from kombu import Connection, Producer, Queue
from kombu.entity import TRANSIENT_DELIVERY_MODE
from nameko.constants import (AMQP_SSL_CONFIG_KEY, AMQP_URI_CONFIG_KEY, DEFAULT_RETRY_POLICY,
                              HEADER_PREFIX, LOGIN_METHOD_CONFIG_KEY)
from nameko.containers import CALL_ID_STACK_CONTEXT_KEY
from nameko.exceptions import (ContainerBeingKilled, IncorrectSignature, MalformedRequest,
                               UnserializableValueError, serialize)
from nameko.rpc import (RPC_QUEUE_TEMPLATE, ReplyListener, Rpc, RpcConsumer, RpcProxy,
                        get_rpc_exchange)
from nameko.standalone.rpc import ClusterProxy, ClusterRpcProxy

from services.common.config import Settings
from services.common.context import ANONYMOUS, REQUEST_ID_KEY, checked_context
from services.common.errors import AnswerTooLarge, DomainError, NotAuthenticated, Unavailable
from services.common.events import queue_arguments
from services.common.signing import ContextSigner

log = logging.getLogger(__name__)


class Answers:
    """How a service sends its RPCs' answers: each to the caller's own reply queue, which lives
    only as long as the caller's connection, so nothing of it is written to disk; without
    waiting for the broker's confirmation, which cost as much as the answer itself and told the
    caller nothing (the caller waits for the answer, within its timeout); on one producer kept
    for the process, one answer at a time.

    An answer over `MAX_ANSWER_BYTES` is not sent: the broker would refuse it and close the
    channel, losing the answers after it too; the caller is answered `AnswerTooLarge` instead.
    An answer the broker cannot be given is logged and dropped (its caller gives up at its
    timeout): the service goes on answering the others, on a new connection."""

    def __init__(self, config: dict):
        self.config = config
        self.max_bytes = int(config.get("MAX_ANSWER_BYTES", Settings.max_answer_bytes))
        self.connection = self._connect()
        self.exchange = get_rpc_exchange(config)
        self.producer = None
        self._one_at_a_time = Semaphore(1)

    def send(self, request, result, exc_info):
        """Answers `request` with `result` or the error of `exc_info`; what it sent, as nameko's
        Responder says it (an unserialisable or too large result becomes an error)."""
        serializer = kombu.serialization.registry.type_to_name[request.properties["content_type"]]
        error = serialize(exc_info[1]) if exc_info is not None else None
        try:
            content_type, encoding, body = _encoded(serializer, result, error)
        except Exception:
            exc_info = sys.exc_info()
            result, error = None, serialize(UnserializableValueError(result))
            content_type, encoding, body = _encoded(serializer, None, error)
        if len(body) > self.max_bytes:
            too_large = AnswerTooLarge(
                f"The answer was {len(body):,} bytes, more than the {self.max_bytes:,} a service "
                "sends: ask for less at a time.", "answer_too_large",
                {"size": len(body), "limit": self.max_bytes})
            log.error("not sent: the answer to %s (request %s) was %d bytes, more than "
                      "MAX_ANSWER_BYTES=%d; answered %s instead", _method_of(request),
                      _request_id_of(request), len(body), self.max_bytes, too_large.code)
            result, exc_info = None, (AnswerTooLarge, too_large, None)
            content_type, encoding, body = _encoded(serializer, None, serialize(too_large))
        self._publish(request, content_type, encoding, body)
        return result, exc_info

    def _publish(self, request, content_type, encoding, body):
        with self._one_at_a_time:
            try:
                if self.producer is None:
                    self.producer = Producer(self.connection)
                self.producer.publish(
                    body, content_type=content_type, content_encoding=encoding,
                    exchange=self.exchange, routing_key=request.properties["reply_to"],
                    correlation_id=request.properties.get("correlation_id"),
                    delivery_mode=TRANSIENT_DELIVERY_MODE, retry=True,
                    retry_policy=DEFAULT_RETRY_POLICY)
            except Exception:
                log.exception("could not send the answer to %s (request %s); its caller will "
                              "give up waiting", _method_of(request), _request_id_of(request))
                self._reconnect()

    def _connect(self) -> Connection:
        return Connection(self.config[AMQP_URI_CONFIG_KEY],
                          ssl=self.config.get(AMQP_SSL_CONFIG_KEY),
                          login_method=self.config.get(LOGIN_METHOD_CONFIG_KEY))

    def _reconnect(self):
        """The broker may have closed the channel, or the connection, under the producer."""
        self.producer = None
        try:
            self.connection.release()
        except Exception:  # already gone: the new one is what matters
            log.debug("closing the answers' broken connection failed", exc_info=True)
        self.connection = self._connect()

    def close(self):
        self.connection.release()


def _encoded(serializer, result, error) -> tuple:
    return kombu.serialization.dumps({"result": result, "error": error}, serializer)


def _method_of(request) -> str:
    return request.delivery_info.get("routing_key", "?")


def _request_id_of(request):
    return (request.headers or {}).get(f"{HEADER_PREFIX}.{REQUEST_ID_KEY}")


class AnsweringConsumer(RpcConsumer):
    """nameko's consumer of a service's RPC queue, answering through `Answers`."""

    def __init__(self):
        super().__init__()
        self.answers = None
        self.signer = None
        self._by_routing_key = {}

    def setup(self):
        if self.queue is None:
            # nameko's queue, shared by the service's replicas, as a quorum queue on a cluster
            # (QUORUM_QUEUES): a classic one lives on one node and goes with it
            config, name = self.container.config, self.container.service_name
            self.queue = Queue(RPC_QUEUE_TEMPLATE.format(name), exchange=get_rpc_exchange(config),
                               routing_key=f"{name}.*", durable=True,
                               queue_arguments=queue_arguments(config))
            self.queue_consumer.register_provider(self)
            self._registered = True
        self.answers = Answers(self.container.config)
        self.signer = ContextSigner(self.container.config.get("CONTEXT_KEYS"))

    def stop(self):
        super().stop()
        self.answers.close()

    def register_provider(self, provider):
        super().register_provider(provider)
        self._by_routing_key[f"{self.container.service_name}.{provider.method_name}"] = provider

    def get_provider_for_method(self, routing_key):
        provider = self._by_routing_key.get(routing_key)
        return provider if provider is not None else super().get_provider_for_method(routing_key)

    def handle_result(self, message, result, exc_info):
        result, exc_info = self.answers.send(message, result, exc_info)
        self.queue_consumer.ack_message(message)
        return result, exc_info


class QubiRpc(Rpc):
    rpc_consumer = AnsweringConsumer()
    checks_context = True  # what CallerContext trusts (context.checked_context)

    def setup(self):
        super().setup()
        self.signature = inspect.signature(getattr(self.container.service_cls, self.method_name))

    def handle_message(self, body, message):
        """nameko's, with the caller context checked first."""
        context_data = self.unpack_message_headers(message)
        try:
            self.rpc_consumer.signer.check(context_data)
        except NotAuthenticated as refusal:
            log.warning("refused a call of %s.%s (request %s): %s", self.container.service_name,
                        self.method_name, context_data.get(REQUEST_ID_KEY), refusal.detail)
            raise
        try:
            args, kwargs = body["args"], body["kwargs"]
        except KeyError:
            raise MalformedRequest("Message missing `args` or `kwargs`") from None
        self.check_signature(args, kwargs)
        try:
            self.container.spawn_worker(self, args, kwargs, context_data=context_data,
                                        handle_result=partial(self.handle_result, message))
        except ContainerBeingKilled:
            self.rpc_consumer.requeue_message(message)

    def check_signature(self, args, kwargs):
        try:
            self.signature.bind(None, *args, **kwargs)  # None: the method is unbound
        except TypeError as error:
            raise IncorrectSignature(str(error)) from None


def rpc(method):
    """A nameko RPC entrypoint whose domain errors travel back typed and are not logged as crashes."""
    return QubiRpc.decorator(expected_exceptions=DomainError)(method)


class TransientReplies(ReplyListener):
    """nameko's listener of a service's answers, on a queue that is not durable (nameko's is,
    by kombu's default): on a cluster a durable classic queue stays bound to its node, and
    while that node is down the queue can be neither used nor declared again elsewhere, so the
    service's calls out went unanswered until the node came back; a transient one is dropped
    with its node and declared again on the node the service reconnects to."""

    def setup(self):
        super().setup()
        queue = self.queue
        self.queue = Queue(queue.name, exchange=queue.exchange, routing_key=queue.routing_key,
                           durable=False, queue_arguments=queue.queue_arguments)


class ServiceRpc(RpcProxy):
    """`<service>_rpc = ServiceRpc("directory")`: like nameko's RpcProxy, with `RPC_TIMEOUT`,
    and each call's context signed by this service: the caller it works for, if its
    entrypoint checked one, and this service as the origin."""
    rpc_reply_listener = TransientReplies()

    def setup(self):
        super().setup()
        self.signer = ContextSigner(self.container.config.get("CONTEXT_KEYS"))

    def get_dependency(self, worker_ctx):
        timeout = float(self.container.config.get("RPC_TIMEOUT", 5))
        signing = _SigningWorkerContext(worker_ctx, partial(
            self.signer.sign_onward, checked_context(worker_ctx), self.container.service_name))
        return _TimedProxy(super().get_dependency(signing), self.target_service, timeout)


class SignedClusterRpcProxy(ClusterRpcProxy):
    """nameko's standalone ClusterRpcProxy, for tools, benches and tests: every call carries
    `caller`, signed afresh with the first of `config["CONTEXT_KEYS"]`."""

    def __init__(self, config: dict, caller=ANONYMOUS, **options):
        super().__init__(config, **options)
        signer = ContextSigner(config.get("CONTEXT_KEYS"))
        self._worker_ctx = _SigningWorkerContext(self._worker_ctx, partial(signer.sign, caller))
        self._proxy = ClusterProxy(self._worker_ctx, self._reply_listener)


class _SigningWorkerContext:
    """What nameko's RPC proxies read of a worker context: its container, and the context
    data of each call, here signed at the call (a worker may outlive a signature) and holding
    nothing of the worker's own but its call-id stack."""

    def __init__(self, worker_ctx, sign):
        self.container = worker_ctx.container
        self._worker_ctx = worker_ctx
        self._sign = sign

    @property
    def context_data(self) -> dict:
        return {CALL_ID_STACK_CONTEXT_KEY: self._worker_ctx.call_id_stack, **self._sign()}


class _TimedProxy:
    def __init__(self, proxy, service_name, timeout):
        self._proxy = proxy
        self._service_name = service_name
        self._timeout = timeout

    def __getattr__(self, method_name):
        def call(*args, **kwargs):
            reply = getattr(self._proxy, method_name).call_async(*args, **kwargs)
            with eventlet.Timeout(self._timeout, Unavailable(
                    f"{self._service_name} did not answer within {self._timeout:g} s",
                    "service_not_answering", {"service": self._service_name})):
                return reply.result()

        return call
