"""The community fund (fondo di comunità) of each network: its budgets, the requests to spend
them, the coordination's and the city's queues, each request's approval path with its decisions
and payments, and each budget's ledger.

The funds service decides everything: each budget, request and ledger entry it answers with
carries the `actions` the caller may take, and the pages show the forms those name."""
from datetime import datetime
from decimal import Decimal

from babel.numbers import format_currency
from flask import abort, redirect, request, url_for

from gateway import abilities
from gateway.web import bp
from gateway.web.common import (call, organization_name, page_args, pages_of, render,
                                require_ability, require_login)
from gateway.web.forms import Form, text_or_none
from gateway.web.i18n import gettext as _
from gateway.web.i18n import lang, reasons_said, said
from services.common.errors import Conflict, Forbidden, Invalid
from services.common.schemas import ROME
from services.funds.contract import (APPROVED, AWAITING_CITY, CANCELLATION, CANCELLED, CHILD,
                                     CITY_STAGE, COLLECTIVE, COMMITMENT, MUNICIPAL, PAID, PAYMENT,
                                     REJECTED, STATUSES, SUBMITTED, TOP_UP, WITHDRAWN)

QUEUE_SIZE = 10
BUDGETS_SHOWN = 100
# the stage whose decision a pending request waits for
WAITING_FOR = {SUBMITTED: MUNICIPAL, AWAITING_CITY: CITY_STAGE}
# what the funds service's reasons carry inside them, said again in the page's language


# --- words and amounts ----------------------------------------------------------------------------

def fund_words() -> dict:
    """The funds service's codes in words, in the page's language."""
    return {
        "status": {SUBMITTED: _("In attesa del coordinamento"),
                   AWAITING_CITY: _("In attesa della cabina di regia"),
                   APPROVED: _("Approvata"), PAID: _("Pagata"), REJECTED: _("Respinta"),
                   WITHDRAWN: _("Ritirata"), CANCELLED: _("Annullata")},
        "kind": {COLLECTIVE: _("Azione collettiva"), CHILD: _("Costo di un bambino")},
        "stage": {MUNICIPAL: _("Coordinamento municipale"),
                  CITY_STAGE: _("Cabina di regia cittadina"), "requester": _("Chi ha chiesto")},
        "entry": {TOP_UP: _("Entrata"), COMMITMENT: _("Impegno"), PAYMENT: _("Pagamento"),
                  CANCELLATION: _("Impegno liberato")},
        "source": {"city": _("Comune di Milano"), "foundation": _("Fondazione"),
                   "donation": _("Donazioni da eventi e raccolte"), "other": _("Altra fonte")},
    }


@bp.app_template_global()
def fund_code(kind: str, value) -> str:
    return fund_words()[kind].get(value, value or "")


@bp.app_template_global()
def fund_codes(kind: str, only=None) -> list:
    """(code, words) pairs of a kind, for select boxes; `only` keeps those codes."""
    return [(value, words) for value, words in fund_words()[kind].items()
            if only is None or value in only]


@bp.app_template_filter("euro")
def euro(amount) -> str:
    """"1234.50" -> "1.234,50 €" in Italian, "€1,234.50" in English (CLDR's forms)."""
    if amount is None or amount == "":
        return ""
    return format_currency(Decimal(str(amount)), "EUR", locale=lang())


def fields_said(invalid) -> dict:
    """The funds service's reasons for each bad field, with the amounts they name as the page
    says them."""
    return reasons_said(invalid, minimum=euro, maximum=euro)


def refusal(error) -> str:
    """A refusal of the funds service in the page's language, with the amount and the status
    it names said as the page says them."""
    return said(error, amount=euro, status=lambda status: fund_code("status", status).lower())


def done_notice():
    """The message of a finished action on these pages (?done=...), from a fixed list."""
    return {
        "request_submitted": _("Richiesta inviata: ora decide il coordinamento del municipio."),
        "request_decided": _("Decisione registrata, con la sua motivazione."),
        "request_withdrawn": _("Richiesta ritirata."),
        "request_cancelled": _("Richiesta annullata: ciò che non era pagato torna nel fondo."),
        "payment_recorded": _("Pagamento registrato."),
        "topped_up": _("Entrata registrata nel fondo."),
    }.get(request.args.get("done"))


def form_texts(values, *names) -> dict:
    """The inputs named, trimmed; the empty ones left out (the service names what is missing)."""
    texts = {name: text_or_none(values.get(name)) for name in names}
    return {name: text for name, text in texts.items() if text is not None}


# --- the fund's home: budgets, queues, requests -----------------------------------------------

def visible_budgets() -> list:
    return call("funds", "list_budgets", {"per_page": BUDGETS_SHOWN})["items"]


def open_to_requests(budgets) -> list:
    return [budget for budget in budgets if "request" in budget["actions"]]


def queues(caller) -> list:
    """What waits for the caller's decision: the coordination decides first, the city after."""
    waiting = []
    may = abilities.of(caller)
    if "decide_first" in may:
        waiting.append((SUBMITTED, _("Le richieste del municipio che aspettano la tua "
                                     "decisione, le più recenti prima.")))
    if "decide_over_threshold" in may:
        waiting.append((AWAITING_CITY, _("Sopra la soglia del loro fondo e già approvate dal "
                                         "coordinamento: ora decide la cabina di regia.")))
    return [{"status": status, "lead": lead,
             **call("funds", "list_requests", {"status": status, "per_page": QUEUE_SIZE})}
            for status, lead in waiting]


@bp.route("/funds")
def funds():
    caller = require_ability("use_funds")
    status = request.args.get("status")
    status = status if status in STATUSES else None
    query = {**page_args(20), **({"status": status} if status else {})}
    found = call("funds", "list_requests", query)
    budgets = visible_budgets()
    return render("funds.html", budgets=budgets, may_request=bool(open_to_requests(budgets)),
                  queues=queues(caller),
                  requests=found["items"], total=found["total"], pages=pages_of(found),
                  chosen=status, statuses=STATUSES)


# --- asking -----------------------------------------------------------------------------------

def request_payload(values) -> dict:
    """The body of a request from the form: the action only for a collective one, the child's
    link only for a child's cost (whatever the inputs of the other kind still hold)."""
    kind = values.get("kind")
    names = ["budget_id", "kind", "purpose", "category", "amount", "supplier"]
    if kind != CHILD:
        names.append("action")
    if kind != COLLECTIVE:
        names += ["referral_code", "family_reference"]
    return form_texts(values, *names)


def blank_request_form(budgets) -> Form:
    """The budget asked for (?budget_id=, from a budget's page), or the only one there is."""
    chosen = request.args.get("budget_id") or (budgets[0]["id"] if len(budgets) == 1 else "")
    return Form({"budget_id": chosen})


def request_form_page(form, budgets, status=200):
    return render("fund_request_new.html", status, form=form, budgets=budgets)


@bp.route("/funds/requests/new", methods=["GET", "POST"])
def fund_request_new():
    require_ability("use_funds")
    visible = visible_budgets()
    budgets = open_to_requests(visible)
    if visible and not budgets:  # funds the caller sees but may not ask from
        abort(403)
    if request.method == "GET":
        return request_form_page(blank_request_form(budgets), budgets)
    values = request.form.to_dict()
    try:
        created = call("funds", "submit_request", request_payload(request.form))
    except Invalid as invalid:
        return request_form_page(Form(values, fields_said(invalid)), budgets, 422)
    except Conflict as refused:  # the fund cannot cover it: said where the amount is typed
        form = Form(values)
        form.add_error("amount", refusal(refused))
        return request_form_page(form, budgets, 409)
    return redirect(url_for("web.fund_request", request_id=created["id"],
                            done="request_submitted"), 303)


# --- one request ------------------------------------------------------------------------------

def approval_steps(found) -> list:
    """Each stage of the request's path with the decision taken there, and whether the request
    waits for it now."""
    taken = {d["stage"]: d for d in found["decisions"] if d["outcome"] in (APPROVED, REJECTED)}
    waiting = WAITING_FOR.get(found["status"])
    return [{"stage": stage, "decision": taken.get(stage), "waiting": stage == waiting}
            for stage in found["approval_path"]]


def request_context(request_id, problem=None, **forms):
    found = call("funds", "get_request", request_id)
    today = datetime.now(ROME).date().isoformat()
    context = {"found": found, "steps": approval_steps(found),
               "organization": organization_name(found["organization_id"]),
               "problem": problem, "notice": done_notice(),
               "payment_form": Form({"amount": found["committed"], "paid_on": today})}
    for name in ("decide", "withdraw", "cancel"):
        context[f"{name}_form"] = Form()
    context.update({f"{name}_form": form for name, form in forms.items()})
    return context


@bp.route("/funds/requests/<request_id>")
def fund_request(request_id):
    require_login()
    return render("fund_request.html", **request_context(request_id))


def _act(request_id, method, form_name, done, fields=("reason",)):
    require_login()
    try:
        call("funds", method, request_id, form_texts(request.form, *fields))
    except Invalid as invalid:
        form = Form(request.form.to_dict(), fields_said(invalid))
        return render("fund_request.html", 422,
                      **request_context(request_id, **{form_name: form}))
    except (Conflict, Forbidden) as refused:
        return render("fund_request.html", refused.status,
                      **request_context(request_id, problem=refusal(refused)))
    return redirect(url_for("web.fund_request", request_id=request_id, done=done) + "#status",
                    303)


@bp.route("/funds/requests/<request_id>/approve", methods=["POST"])
def fund_request_approve(request_id):
    return _act(request_id, "approve_request", "decide", "request_decided")


@bp.route("/funds/requests/<request_id>/reject", methods=["POST"])
def fund_request_reject(request_id):
    return _act(request_id, "reject_request", "decide", "request_decided")


@bp.route("/funds/requests/<request_id>/withdraw", methods=["POST"])
def fund_request_withdraw(request_id):
    return _act(request_id, "withdraw_request", "withdraw", "request_withdrawn")


@bp.route("/funds/requests/<request_id>/cancel", methods=["POST"])
def fund_request_cancel(request_id):
    return _act(request_id, "cancel_request", "cancel", "request_cancelled")


@bp.route("/funds/requests/<request_id>/payments", methods=["POST"])
def fund_request_pay(request_id):
    return _act(request_id, "record_payment", "payment", "payment_recorded",
                ("amount", "paid_on", "receipt_reference", "note"))


# --- one budget and its ledger ----------------------------------------------------------------

def budget_context(budget_id, problem=None, top_up=None):
    budget = call("funds", "get_budget", budget_id)
    ledger = pages = None
    if "ledger" in budget["actions"]:
        ledger = call("funds", "get_ledger", budget_id, page_args(25))
        pages = pages_of(ledger)
    return {"budget": budget, "ledger": ledger, "pages": pages,
            "sources": budget["top_up_sources"], "top_up_form": top_up or Form(),
            "problem": problem, "notice": done_notice()}


@bp.route("/funds/budgets/<budget_id>")
def fund_budget(budget_id):
    require_login()
    return render("fund_budget.html", **budget_context(budget_id))


@bp.route("/funds/budgets/<budget_id>/top-ups", methods=["POST"])
def fund_budget_top_up(budget_id):
    require_login()
    body = form_texts(request.form, "source", "amount", "description", "reference")
    try:
        call("funds", "top_up", budget_id, body)
    except Invalid as invalid:
        form = Form(request.form.to_dict(), fields_said(invalid))
        return render("fund_budget.html", 422, **budget_context(budget_id, top_up=form))
    except Forbidden as refused:
        return render("fund_budget.html", 403,
                      **budget_context(budget_id, problem=refusal(refused)))
    return redirect(url_for("web.fund_budget", budget_id=budget_id, done="topped_up"), 303)
