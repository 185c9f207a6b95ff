"""The request id and event id of the work a service is doing, for its log lines: set by a
dependency provider when a worker starts, read by the log formatter."""
import contextvars

from nameko.extensions import DependencyProvider

from services.common.context import REQUEST_ID_KEY

current = contextvars.ContextVar("qubi_log_context", default={})


class LogContext(DependencyProvider):
    """Each nameko worker runs in its own greenlet, so its context is its own."""

    def worker_setup(self, worker_ctx):
        fields = {}
        if worker_ctx.data.get(REQUEST_ID_KEY):
            fields["request_id"] = worker_ctx.data[REQUEST_ID_KEY]
        first = worker_ctx.args[0] if worker_ctx.args else None
        if isinstance(first, dict) and "event_id" in first:
            fields["event_id"] = first["event_id"]
        current.set(fields)

    def worker_teardown(self, worker_ctx):
        current.set({})
