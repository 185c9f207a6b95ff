"""What every QuBì nameko service has: the caller context and a health RPC; and what those whose
counts go into the reports have: the statistics RPC."""
from sqlalchemy import text

from services.common.context import CallerContext
from services.common.log_context import LogContext
from services.common.metrics import ServiceMetrics
from services.common.periods import Period
from services.common.privacy import report_scope
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


class ReportingService(QubiService):
    """A service whose counts go into the reports overview. It names the function that counts,
    `count_per_municipio = staticmethod(f)` with `f(session, municipi, period) -> rows`
    (`period` a periods.Period, or None for all time)."""

    @rpc
    def statistics(self, municipi=None, period=None):
        """The counts per municipio of the municipi the caller may see (privacy.report_scope),
        over `period` ({"from", "to"}: days in Rome) where a count has a date."""
        scope = report_scope(self.caller, municipi)
        with self.db.transaction() as tx:
            return self.count_per_municipio(tx.session, scope, Period.of(period))
