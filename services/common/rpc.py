"""RPC between services: every call has a timeout, and domain errors are expected."""
import eventlet
from kombu.entity import TRANSIENT_DELIVERY_MODE
from nameko.amqp.publish import Publisher
from nameko.rpc import Responder, RpcProxy
from nameko.rpc import rpc as nameko_rpc

from services.common.errors import DomainError, Unavailable


def rpc(method):
    """A nameko RPC entrypoint whose domain errors travel back typed and are not logged as crashes."""
    return nameko_rpc(expected_exceptions=DomainError)(method)


class AnswerPublisher(Publisher):
    """How a service sends an RPC's answer: to the caller's own reply queue, which lives only as
    long as the caller's connection, so nothing of it is written to disk; and without waiting
    for the broker's confirmation, which cost as much as the answer itself and told the caller
    nothing (the caller waits for the answer, within its timeout)."""

    use_confirms = False
    delivery_mode = TRANSIENT_DELIVERY_MODE


# nameko's Responder takes its publisher from this attribute, there to be replaced
Responder.publisher_cls = AnswerPublisher


class ServiceRpc(RpcProxy):
    """`<service>_rpc = ServiceRpc("directory")`: like nameko's RpcProxy, with `RPC_TIMEOUT`."""

    def get_dependency(self, worker_ctx):
        timeout = float(self.container.config.get("RPC_TIMEOUT", 5))
        return _TimedProxy(super().get_dependency(worker_ctx), self.target_service, timeout)


class _TimedProxy:
    def __init__(self, proxy, service_name, timeout):
        self._proxy = proxy
        self._service_name = service_name
        self._timeout = timeout

    def __getattr__(self, method_name):
        def call(*args, **kwargs):
            reply = getattr(self._proxy, method_name).call_async(*args, **kwargs)
            with eventlet.Timeout(self._timeout, Unavailable(
                    f"{self._service_name} did not answer within {self._timeout:g} s")):
                return reply.result()

        return call
