"""RPC between services: every call has a timeout, and domain errors are expected."""
import eventlet
from nameko.rpc import RpcProxy
from nameko.rpc import rpc as nameko_rpc

from services.common.errors import DomainError, Unavailable


def rpc(method):
    """A nameko RPC entrypoint whose domain errors travel back typed and are not logged as crashes."""
    return nameko_rpc(expected_exceptions=DomainError)(method)


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
