"""What every QuBì nameko service has: the caller context and a health RPC."""
from sqlalchemy import text

from services.common.context import CallerContext
from services.common.log_context import LogContext
from services.common.metrics import ServiceMetrics
from services.common.rpc import rpc


class QubiService:
    """Base of the service classes; each adds `name`, `db = Database(metadata)` and its entrypoints."""

    caller = CallerContext()
    metrics = ServiceMetrics()
    log_context = LogContext()

    @rpc
    def ping(self):
        """Does nothing: the baseline of an RPC round trip."""
        return "pong"

    @rpc
    def health(self):
        with self.db.transaction() as tx:
            tx.session.execute(text("SELECT 1"))
        return {"service": self.name, "status": "ok"}
