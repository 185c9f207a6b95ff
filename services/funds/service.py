"""The funds service: each network's fondo di comunità, the requests to spend it, their
approvals and the ledger."""
from services.common.database import Database, utcnow
from services.common.handlers import bus_handler
from services.common.periods import Period
from services.common.rpc import rpc
from services.common.schemas import load, paged
from services.common.service import ReportingService
from services.common.spreadsheets import Sheet
from services.funds import approvals, budgets, governance_decisions, ledger, reports
from services.funds.contract import (BudgetCreateSchema, BudgetQuerySchema, BudgetSchema,
                                     BudgetUpdateSchema, DecisionReasonSchema,
                                     FundPaymentCreateSchema, FundReportQuerySchema,
                                     FundReportSchema, FundRequestCreateSchema,
                                     FundRequestQuerySchema, FundRequestSchema, LedgerEntrySchema,
                                     LedgerQuerySchema, LedgerTotalsSchema, TopUpCreateSchema)
from services.funds.models import Base

BUDGET = BudgetSchema()
REQUEST = FundRequestSchema()
ENTRY = LedgerEntrySchema()
TOTALS = LedgerTotalsSchema()
REPORT = FundReportSchema()


class FundsService(ReportingService):
    name = "funds"
    db = Database(Base.metadata)
    count_per_municipio = staticmethod(reports.statistics)

    # --- budgets ---------------------------------------------------------------------------------

    @rpc
    def list_budgets(self, query=None):
        args = load(BudgetQuerySchema, query)
        page, per_page = args.pop("page"), args.pop("per_page")
        with self.db.transaction() as tx:
            return paged(tx.session, budgets.search_statement(self.caller, **args), page,
                         per_page, lambda budget: BUDGET.dump(
                             budgets.present(self.caller, budget)))

    @rpc
    def get_budget(self, budget_id):
        with self.db.transaction() as tx:
            return BUDGET.dump(budgets.present(
                self.caller, budgets.visible(tx.session, self.caller, budget_id)))

    @rpc
    def create_budget(self, data):
        data = load(BudgetCreateSchema, data)
        with self.db.transaction() as tx:
            return BUDGET.dump(budgets.present(
                self.caller, budgets.create(tx, self.caller, data, utcnow())))

    @rpc
    def update_budget(self, budget_id, data):
        threshold = load(BudgetUpdateSchema, data)["approval_threshold"]
        with self.db.transaction() as tx:
            return BUDGET.dump(budgets.present(self.caller, budgets.set_threshold(
                tx, self.caller, budget_id, threshold)))

    @rpc
    def top_up(self, budget_id, data):
        data = load(TopUpCreateSchema, data)
        with self.db.transaction() as tx:
            return self._entry(tx, budgets.top_up(tx, self.caller, budget_id, data, utcnow()))

    @rpc
    def get_ledger(self, budget_id, query=None):
        args = load(LedgerQuerySchema, query)
        page, per_page = args.pop("page"), args.pop("per_page")
        with self.db.transaction() as tx:
            budget = budgets.visible(tx.session, self.caller, budget_id)
            ledger.require_ledger_reader(self.caller, budget)
            found = paged(tx.session, ledger.entries_statement(budget.id, **args), page,
                          per_page, lambda entry: entry)
            corrected = ledger.corrected_ids(tx.session, [entry.id for entry in found["items"]])
            found["items"] = [self._entry(tx, entry, corrected) for entry in found["items"]]
            found["totals"] = TOTALS.dump({**ledger.totals_from_entries(tx.session, budget.id),
                                           "entries": budget.entry_count})
            return found

    @rpc
    def reverse_entry(self, entry_id, data):
        reason = load(DecisionReasonSchema, data)["reason"]
        with self.db.transaction() as tx:
            return self._entry(tx, ledger.reverse(tx, self.caller, entry_id, reason, utcnow()))

    # --- requests --------------------------------------------------------------------------------

    @rpc
    def submit_request(self, data):
        data = load(FundRequestCreateSchema, data)
        with self.db.transaction() as tx:
            return self._dump(tx, approvals.submit(tx, self.caller, data, utcnow()))

    @rpc
    def list_requests(self, query=None):
        args = load(FundRequestQuerySchema, query)
        page, per_page = args.pop("page"), args.pop("per_page")
        with self.db.transaction() as tx:
            found, total = approvals.requests_page(tx.session, self.caller, page, per_page,
                                                   **args)
            return {"items": [REQUEST.dump(approvals.present(tx.session, self.caller, request,
                                                             whole=False))
                              for request in found],
                    "page": page, "per_page": per_page, "total": total}

    @rpc
    def get_request(self, request_id):
        with self.db.transaction() as tx:
            return self._dump(tx, approvals.visible(tx.session, self.caller, request_id))

    @rpc
    def approve_request(self, request_id, data):
        return self._decide(approvals.approve, request_id, data)

    @rpc
    def reject_request(self, request_id, data):
        return self._decide(approvals.reject, request_id, data)

    @rpc
    def withdraw_request(self, request_id, data):
        return self._decide(approvals.withdraw, request_id, data)

    @rpc
    def cancel_request(self, request_id, data):
        return self._decide(approvals.cancel, request_id, data)

    @rpc
    def record_payment(self, request_id, data):
        data = load(FundPaymentCreateSchema, data)
        with self.db.transaction() as tx:
            return self._entry(tx, approvals.record_payment(tx, self.caller, request_id, data,
                                                            utcnow()))

    @bus_handler("governance", "decision_recorded")
    def on_decision_recorded(self, event):
        return lambda tx: governance_decisions.record(tx.session, event["payload"], utcnow())

    # --- reports ---------------------------------------------------------------------------------

    @rpc
    def report(self, query=None):
        args = load(FundReportQuerySchema, query)
        with self.db.transaction() as tx:
            found = reports.report(tx.session, self.caller, _municipi(args), args.get("period"),
                                   Period.of_args(args))
        return REPORT.dump({**found, "generated_at": utcnow()})

    @rpc
    def report_csv(self, query=None):
        """The report as a CSV file's text in the query's `lang` (Italian without it)."""
        args = load(FundReportQuerySchema, query)
        with self.db.transaction() as tx:
            found = reports.report(tx.session, self.caller, _municipi(args), args.get("period"),
                                   Period.of_args(args))
        return reports.export_csv(found, Sheet(args.get("lang", "it")))

    def _decide(self, move, request_id, data):
        reason = load(DecisionReasonSchema, data)["reason"]
        with self.db.transaction() as tx:
            return self._dump(tx, move(tx, self.caller, request_id, reason, utcnow()))

    def _dump(self, tx, request):
        return REQUEST.dump(approvals.present(tx.session, self.caller, request))

    def _entry(self, tx, entry, corrected=frozenset()):
        return ENTRY.dump(ledger.present(tx.session, self.caller, entry, corrected))


def _municipi(args) -> list | None:
    return [args["municipio"]] if args.get("municipio") else None
