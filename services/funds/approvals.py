"""Requests to spend a network's fund, and the path they take by the network's rules:

    submitted -> approved                      the municipal coordination, up to the threshold
    submitted -> awaiting_city -> approved     above the budget's threshold, the city tier too
    submitted | awaiting_city -> rejected      by whoever decides at that stage
    submitted | awaiting_city -> withdrawn     by the one who asked
    approved -> paid                           once payments reach the amount
    approved -> cancelled                      what is not paid goes back to the fund

Every decision keeps its reason. The approval that commits the money posts a commitment in
the ledger, and is refused (409) when the fund cannot cover it; so is a request for more than
the fund has. Every change to a request runs with its budget locked, so concurrent decisions
and payments on one fund take their turn.
"""
from datetime import datetime

from sqlalchemy import func, or_, select, union

from services.common.context import CITY, COORDINATOR, PARTNER, SOCIAL_WORKER, Caller
from services.common.database import find, next_in_sequence
from services.common.errors import Conflict, Forbidden, NotFound
from services.common.schemas import local_time
from services.funds import budgets, governance_decisions, ledger, permissions, totals
from services.funds.contract import (APPROVED, AWAITING_CITY, CANCELLATION, CANCELLED, CITY_STAGE,
                                     COMMITMENT, DECIDERS, MUNICIPAL, PAID, PAYMENT, PENDING,
                                     REJECTED, REQUESTERS, SUBMITTED, WITHDRAWN, euros)
from services.funds.models import CodeCounter, Decision, FundRequest, LedgerEntry
from services.funds.payloads import request_payload


def submit(tx, caller: Caller, data: dict, now: datetime) -> FundRequest:
    caller.require_role(*REQUESTERS)
    budget = budgets.visible(tx.session, caller, data.pop("budget_id"))
    if data["amount"] > budget.available_cents:
        raise Conflict(f"The fund has {euros(budget.available_cents)} € available: this "
                       f"request would overdraw it.", "fund_short",
                       {"amount": euros(budget.available_cents)})
    request = FundRequest(
        code=_next_code(tx.session, local_time(now).year), budget_id=budget.id,
        municipio=budget.municipio, period=budget.period, kind=data["kind"],
        action=data.get("action"), referral_code=data.get("referral_code"),
        family_reference=data.get("family_reference"), purpose=data["purpose"],
        category=data["category"], amount_cents=data["amount"], supplier=data.get("supplier"),
        requested_by_user_id=caller.user_id,
        requested_by_role=PARTNER if caller.has_role(PARTNER) else SOCIAL_WORKER,
        organization_id=caller.organization_id if caller.has_role(PARTNER) else None,
        paid_cents=0, released_cents=0, submitted_at=now)
    totals.set_status(tx.session, request, SUBMITTED)
    tx.session.add(request)
    tx.session.flush()
    tx.emit("fund_request_submitted", request_payload(
        request, needs_city=request.amount_cents > budget.approval_threshold_cents))
    return request


def approve(tx, caller: Caller, request_id: str, reason: str, now: datetime) -> FundRequest:
    request, budget, stage = _deciding(tx.session, caller, request_id)
    if stage == MUNICIPAL and request.amount_cents > budget.approval_threshold_cents:
        if request.amount_cents > budget.available_cents:
            raise Conflict(f"The fund has {euros(budget.available_cents)} € available: it "
                           f"cannot cover this request.", "fund_short",
                           {"amount": euros(budget.available_cents)})
        totals.set_status(tx.session, request, AWAITING_CITY)
        request.needs_city = True
    else:
        ledger.post(tx.session, budget, COMMITMENT, request.amount_cents, caller, now,
                    request=request)
        totals.set_status(tx.session, request, APPROVED)
        request.decided_at = now
        if stage == MUNICIPAL:
            request.needs_city = False
    _decision(request, stage, "approved", reason, caller, now)
    tx.emit("fund_request_approved", request_payload(
        request, stage=stage, final=request.status == APPROVED,
        available_cents=budget.available_cents))
    return request


def reject(tx, caller: Caller, request_id: str, reason: str, now: datetime) -> FundRequest:
    request, _budget, stage = _deciding(tx.session, caller, request_id)
    totals.set_status(tx.session, request, REJECTED)
    request.decided_at, request.closed_at = now, now
    _decision(request, stage, "rejected", reason, caller, now)
    tx.emit("fund_request_rejected", request_payload(request, stage=stage))
    return request


def withdraw(tx, caller: Caller, request_id: str, reason: str, now: datetime) -> FundRequest:
    request = visible(tx.session, caller, request_id)
    if not permissions.is_requester(caller, request):
        raise Forbidden("Only who asked withdraws a request.", "requester_withdraws")
    request, _budget = _locked(tx.session, request)
    if request.status not in PENDING:
        raise Conflict(f"A request that is {request.status} cannot be withdrawn.",
                       "request_not_withdrawable", {"status": request.status})
    totals.set_status(tx.session, request, WITHDRAWN)
    request.closed_at = now
    _decision(request, "requester", "withdrawn", reason, caller, now)
    tx.emit("fund_request_withdrawn", request_payload(request))
    return request


def cancel(tx, caller: Caller, request_id: str, reason: str, now: datetime) -> FundRequest:
    """An approved request will spend no more: what is still committed returns to the fund."""
    request = visible(tx.session, caller, request_id)
    permissions.require_fund_manager(caller, request.municipio)
    request, budget = _locked(tx.session, request)
    if request.status != APPROVED:
        pending = request.status in PENDING
        raise Conflict(f"A request that is {request.status} cannot be cancelled"
                       + (": reject it instead." if pending else "."),
                       "request_to_reject" if pending else "request_not_cancellable",
                       {"status": request.status})
    released = request.committed_cents
    ledger.post(tx.session, budget, CANCELLATION, released, caller, now, request=request,
                reason=reason)
    request.released_cents += released
    totals.set_status(tx.session, request, CANCELLED)
    request.closed_at = now
    _decision(request, CITY_STAGE if caller.has_role(CITY) else MUNICIPAL, "cancelled", reason,
              caller, now)
    tx.emit("fund_request_cancelled", request_payload(request, released_cents=released))
    return request


def record_payment(tx, caller: Caller, request_id: str, data: dict,
                   now: datetime) -> LedgerEntry:
    """A payment of an approved request, with the day and the receipt; the request is paid
    once its whole commitment is."""
    request = visible(tx.session, caller, request_id)
    permissions.require_fund_manager(caller, request.municipio)
    request, budget = _locked(tx.session, request)
    if request.status != APPROVED:
        raise Conflict(f"A request that is {request.status} takes no payments.",
                       "request_takes_no_payments", {"status": request.status})
    if data["amount"] > request.committed_cents:
        raise Conflict(f"Only {euros(request.committed_cents)} € of this request are still "
                       f"committed: a larger cost needs a new request.", "payment_over_commitment",
                       {"amount": euros(request.committed_cents)})
    if ledger.receipt_used(tx.session, budget.id, data["receipt_reference"]):
        raise Conflict("This receipt is already recorded in this fund.", "receipt_recorded")
    entry = ledger.post(tx.session, budget, PAYMENT, data["amount"], caller, now,
                        booked_on=data["paid_on"], request=request, paid_on=data["paid_on"],
                        receipt_reference=data["receipt_reference"],
                        description=data.get("note"))
    request.paid_cents += data["amount"]
    if request.committed_cents == 0:
        totals.set_status(tx.session, request, PAID)
        request.closed_at = now
    tx.emit("payment_recorded", request_payload(
        request, entry_id=entry.id, payment_cents=entry.amount_cents,
        payment=euros(entry.amount_cents), paid_on=entry.paid_on.isoformat(),
        fully_paid=request.status == PAID))
    return entry


def visible(session, caller: Caller, request_id: str) -> FundRequest:
    request = find(session, FundRequest, request_id)
    if request is None or not permissions.may_see_request(caller, request):
        raise NotFound("No such request.", "request_not_found")
    return request


def requests_page(session, caller: Caller, page: int, per_page: int, status=None, kind=None,
                  category=None, municipio=None, period=None, budget_id=None) -> tuple:
    """A page of the requests the caller sees, the latest first, and how many it sees in all.
    Each way it sees them is read in the order of its index up to the page's end, and the
    page is taken from what they found: no sort of everything a coordinator sees."""
    caller.require_authenticated()
    where = [column == value for column, value in (
        (FundRequest.status, status), (FundRequest.kind, kind), (FundRequest.category, category),
        (FundRequest.municipio, municipio), (FundRequest.period, period),
        (FundRequest.budget_id, budget_id)) if value is not None]
    reached = permissions.requests_reached(caller)
    total = session.execute(select(func.count()).select_from(FundRequest).where(
        or_(*reached), *where)).scalar_one()
    latest = (FundRequest.submitted_at.desc(), FundRequest.code.desc())
    firsts = union(*(select(FundRequest.id).where(reach, *where).order_by(*latest)
                     .limit(page * per_page).subquery().select() for reach in reached))
    rows = session.execute(select(FundRequest).where(FundRequest.id.in_(firsts))
                           .order_by(*latest).limit(per_page).offset((page - 1) * per_page))
    return rows.scalars().all(), total


def approval_path(request: FundRequest, budget_threshold_cents: int) -> list:
    needs_city = (request.needs_city if request.needs_city is not None
                  else request.amount_cents > budget_threshold_cents)
    return [MUNICIPAL, CITY_STAGE] if needs_city else [MUNICIPAL]


def present(session, caller: Caller, request: FundRequest, whole: bool = True) -> dict:
    """The request as the caller may see it; `whole` for its own answer, with its payments and
    the governance decisions that authorise it (a list's items go without them)."""
    shown = {column: getattr(request, column) for column in (
        "id", "code", "budget_id", "municipio", "period", "kind", "action", "purpose",
        "category", "supplier", "status", "requested_by_user_id", "requested_by_role",
        "organization_id", "submitted_at", "decided_at", "closed_at")}
    shown.update(amount=request.amount_cents, committed=request.committed_cents,
                 approval_path=approval_path(request, request.budget.approval_threshold_cents),
                 paid=request.paid_cents, released=request.released_cents,
                 decisions=[{"stage": d.stage, "outcome": d.outcome, "reason": d.reason,
                             "user_id": d.user_id, "role": d.role, "at": d.at}
                            for d in request.decisions])
    if permissions.shows_child_link(caller, request):
        shown.update(referral_code=request.referral_code,
                     family_reference=request.family_reference)
    if whole:
        shown["payments"] = ledger.payments_of(session, request.id)
        shown["governance_decisions"] = governance_decisions.of_request(session, request.id)
    shown["actions"] = permissions.request_actions(caller, request)
    return shown


def _deciding(session, caller: Caller, request_id: str):
    """The request (locked with its budget) and the stage the caller decides at."""
    request = visible(session, caller, request_id)
    caller.require_role(*DECIDERS)
    request, budget = _locked(session, request)
    if request.status == SUBMITTED:
        if not permissions.is_coordination(caller, request.municipio):
            raise Forbidden("The municipio's coordination decides first.",
                            "coordination_decides_first")
        stage = MUNICIPAL
    elif request.status == AWAITING_CITY:
        if not caller.has_role(CITY):
            raise Forbidden("The coordination approved: the city tier decides now.",
                            "city_decides_now")
        stage = CITY_STAGE
    else:
        raise Conflict(f"This request is {request.status}: there is nothing to decide.",
                       "request_decided", {"status": request.status})
    if caller.user_id == request.requested_by_user_id:
        raise Forbidden("Nobody decides on their own request.", "own_request")
    return request, budget, stage


def _locked(session, request: FundRequest):
    """The request's budget locked, and the request as the previous holder of the lock left
    it."""
    budget = ledger.lock_budget(session, request.budget_id)
    session.refresh(request)
    return request, budget


def _decision(request: FundRequest, stage: str, outcome: str, reason: str, caller: Caller,
              now: datetime):
    request.decisions.append(Decision(
        position=len(request.decisions) + 1, stage=stage, outcome=outcome, reason=reason,
        user_id=caller.user_id, at=now,
        role={MUNICIPAL: COORDINATOR, CITY_STAGE: CITY}.get(stage, request.requested_by_role)))


def _next_code(session, year: int) -> str:
    return f"F-{year}-{next_in_sequence(session, CodeCounter, year=year):04d}"
