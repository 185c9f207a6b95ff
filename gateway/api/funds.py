"""The networks' community funds: budgets, requests and their approvals, payments, the ledger
and the reports. The funds service holds every rule; amounts are euros as strings ("120.50").
Endpoints on one budget, request or entry only ask for a login here: the service answers 404
for what the caller may not see and 403 for what it sees but may not do."""
from flask import request
from marshmallow import fields

from gateway.api import Blueprint
from gateway.api.common import (BEARER, answer, answers, call, page_schema, problems,
                                require_ability, require_login)
from gateway.api.sheets import CSV_ANSWER, csv_answer, language
from services.funds.contract import (BudgetCreateSchema, BudgetQuerySchema, BudgetSchema,
                                     BudgetUpdateSchema, DecisionReasonSchema,
                                     FundPaymentCreateSchema, FundReportQuerySchema,
                                     FundReportSchema, FundRequestCreateSchema,
                                     FundRequestQuerySchema, FundRequestSchema, LedgerEntrySchema,
                                     LedgerQuerySchema, LedgerTotalsSchema, TopUpCreateSchema)

blp = Blueprint("funds", __name__, url_prefix="/api/v1/funds",
                description="Community funds (fondo di comunità) of the networks")
BudgetPage = page_schema(BudgetSchema, "BudgetPage")
FundRequestPage = page_schema(FundRequestSchema, "FundRequestPage")


class LedgerPage(page_schema(LedgerEntrySchema, "LedgerEntryPage")):
    totals = fields.Nested(LedgerTotalsSchema, metadata={
        "description": "The budget's totals, added up from every entry"})


# --- budgets -----------------------------------------------------------------------------------

@blp.route("/budgets")
@blp.arguments(BudgetQuerySchema(), location="query")
@answers(blp, 200, BudgetPage)
@problems(blp, 401, 422)
@blp.doc(security=BEARER)
def list_budgets(_query):
    """The budgets of the caller's networks (all of them for the city tier), with funded,
    committed, spent and available."""
    require_login()
    return answer("funds", "list_budgets", request.args.to_dict())


@blp.route("/budgets", methods=["POST"])
@blp.arguments(BudgetCreateSchema())
@answers(blp, 201, BudgetSchema)
@problems(blp, 401, 403, 409, 422)
@blp.doc(security=BEARER)
def create_budget(_data):
    """Open a network's budget for a project year, with its first sources and its approval
    threshold (city tier)."""
    require_ability("open_budgets")
    return answer("funds", "create_budget", request.get_json()), 201


@blp.route("/budgets/<budget_id>")
@answers(blp, 200, BudgetSchema)
@problems(blp, 401, 404)
@blp.doc(security=BEARER)
def get_budget(budget_id):
    """One budget and where its money comes from."""
    require_login()
    return answer("funds", "get_budget", budget_id)


@blp.route("/budgets/<budget_id>", methods=["PATCH"])
@blp.arguments(BudgetUpdateSchema())
@answers(blp, 200, BudgetSchema)
@problems(blp, 401, 403, 404, 422)
@blp.doc(security=BEARER)
def update_budget(_data, budget_id):
    """Set the amount above which the city tier approves too (city tier)."""
    require_login()
    return answer("funds", "update_budget", budget_id, request.get_json())


@blp.route("/budgets/<budget_id>/top-ups", methods=["POST"])
@blp.arguments(TopUpCreateSchema())
@answers(blp, 201, LedgerEntrySchema)
@problems(blp, 401, 403, 404, 422)
@blp.doc(security=BEARER)
def top_up(_data, budget_id):
    """Money coming into the fund, with its source: the city's (city tier), a foundation's or
    donations from events and drives (also the municipio's coordination)."""
    require_login()
    return answer("funds", "top_up", budget_id, request.get_json()), 201


@blp.route("/budgets/<budget_id>/ledger")
@blp.arguments(LedgerQuerySchema(), location="query")
@answers(blp, 200, LedgerPage)
@problems(blp, 401, 403, 404, 422)
@blp.doc(security=BEARER)
def ledger(_query, budget_id):
    """Every movement of the fund in order (top-ups, commitments, payments, cancellations and
    their corrections), with the available balance after each (coordination, city tier)."""
    require_login()
    return answer("funds", "get_ledger", budget_id, request.args.to_dict())


@blp.route("/ledger/<entry_id>/reverse", methods=["POST"])
@blp.arguments(DecisionReasonSchema())
@answers(blp, 201, LedgerEntrySchema)
@problems(blp, 401, 403, 404, 409, 422)
@blp.doc(security=BEARER)
def reverse_entry(_data, entry_id):
    """Correct a top-up or a payment: a new entry with the opposite amount (entries are never
    changed). 409 when it would overdraw the fund or was already corrected."""
    require_login()
    return answer("funds", "reverse_entry", entry_id, request.get_json()), 201


# --- requests ----------------------------------------------------------------------------------

@blp.route("/requests", methods=["POST"])
@blp.arguments(FundRequestCreateSchema())
@answers(blp, 201, FundRequestSchema)
@problems(blp, 401, 403, 404, 409, 422)
@blp.doc(security=BEARER)
def submit_request(_data):
    """Ask for money from your network's fund, for a collective action or for one child (by a
    referral's code or the family's reference: never a name). 409 when the fund cannot cover
    it."""
    require_ability("request_funds")
    return answer("funds", "submit_request", request.get_json()), 201


@blp.route("/requests")
@blp.arguments(FundRequestQuerySchema(), location="query")
@answers(blp, 200, FundRequestPage)
@problems(blp, 401, 422)
@blp.doc(security=BEARER)
def list_requests(_query):
    """The requests the caller may see, newest first: its own organisation's, its municipio's
    (social workers, coordination), all (city tier). `status=submitted` is the coordination's
    queue, `status=awaiting_city` the city's."""
    require_login()
    return answer("funds", "list_requests", request.args.to_dict())


@blp.route("/requests/<request_id>")
@answers(blp, 200, FundRequestSchema)
@problems(blp, 401, 404)
@blp.doc(security=BEARER)
def get_request(request_id):
    """One request with its decisions and payments, and the governance bodies' decisions that
    authorise it."""
    require_login()
    return answer("funds", "get_request", request_id)


@blp.route("/requests/<request_id>/approve", methods=["POST"])
@blp.arguments(DecisionReasonSchema())
@answers(blp, 200, FundRequestSchema)
@problems(blp, 401, 403, 404, 409, 422)
@blp.doc(security=BEARER)
def approve_request(_data, request_id):
    """Approve, with the reason: the municipio's coordination first; above the budget's
    threshold the city tier then. The approval that commits the money is refused (409) when
    the fund cannot cover it."""
    require_login()
    return answer("funds", "approve_request", request_id, request.get_json())


@blp.route("/requests/<request_id>/reject", methods=["POST"])
@blp.arguments(DecisionReasonSchema())
@answers(blp, 200, FundRequestSchema)
@problems(blp, 401, 403, 404, 409, 422)
@blp.doc(security=BEARER)
def reject_request(_data, request_id):
    """Reject, with the reason, at the stage the request is in."""
    require_login()
    return answer("funds", "reject_request", request_id, request.get_json())


@blp.route("/requests/<request_id>/withdraw", methods=["POST"])
@blp.arguments(DecisionReasonSchema())
@answers(blp, 200, FundRequestSchema)
@problems(blp, 401, 403, 404, 409, 422)
@blp.doc(security=BEARER)
def withdraw_request(_data, request_id):
    """Who asked takes the request back before it is decided."""
    require_login()
    return answer("funds", "withdraw_request", request_id, request.get_json())


@blp.route("/requests/<request_id>/cancel", methods=["POST"])
@blp.arguments(DecisionReasonSchema())
@answers(blp, 200, FundRequestSchema)
@problems(blp, 401, 403, 404, 409, 422)
@blp.doc(security=BEARER)
def cancel_request(_data, request_id):
    """An approved request will spend no more: what is not paid returns to the fund."""
    require_login()
    return answer("funds", "cancel_request", request_id, request.get_json())


@blp.route("/requests/<request_id>/payments", methods=["POST"])
@blp.arguments(FundPaymentCreateSchema())
@answers(blp, 201, LedgerEntrySchema)
@problems(blp, 401, 403, 404, 409, 422)
@blp.doc(security=BEARER)
def record_payment(_data, request_id):
    """A payment of an approved request, with the day and the receipt's reference; up to what
    is still committed (409 beyond it, or for a receipt already recorded)."""
    require_login()
    return answer("funds", "record_payment", request_id, request.get_json()), 201


# --- reports -----------------------------------------------------------------------------------

@blp.route("/report")
@blp.arguments(FundReportQuerySchema(), location="query")
@answers(blp, 200, FundReportSchema)
@blp.doc(responses=CSV_ANSWER)
@problems(blp, 401, 403, 422)
@blp.doc(security=BEARER)
def report(query):
    """Funded, committed, spent and available per network and project year, by source,
    category, month and collective action; children's costs only as a count ("<5" under 5)
    and sums. `from` and `to` keep the months the period touches. `format=csv` for a
    spreadsheet, one line per figure, in `lang`. The coordination sees its municipio, the
    city tier any."""
    require_ability("read_fund_report")
    args = request.args.to_dict()
    if query["format"] == "csv":
        return csv_answer(call("funds", "report_csv", {**args, "lang": language(args.get(
            "lang"))}), "fondo-di-comunita")
    return answer("funds", "report", args)
