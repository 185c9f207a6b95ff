"""The ledger of a budget: every movement in order, never changed, never deleted.

    top_up        funded    + amount   (with its source)
    commitment    committed + amount   (a request approved)
    payment       committed - amount, spent + amount   (with the day and the receipt)
    cancellation  committed - amount   (what an approved request will no longer spend)

available = funded - committed - spent, and it never goes below zero: whatever would take it
there is refused (409) before anything is written, and the database refuses it too. Every
entry is posted with the budget row locked (`lock_budget`), so concurrent approvals and
payments take their turn, and the budget's running totals move with the entry in the same
transaction. A mistake is corrected by a reversal: a new entry of the same kind with the
opposite amount, pointing at the entry it corrects (top-ups and payments only; a commitment is
undone by cancelling the request).
"""
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from services.common.context import Caller
from services.common.database import find
from services.common.errors import Conflict, Forbidden, NotFound
from services.common.schemas import local_time
from services.funds import permissions, totals
from services.funds.contract import APPROVED, CANCELLATION, COMMITMENT, PAID, PAYMENT, TOP_UP, euros
from services.funds.models import Budget, FundRequest, LedgerEntry

REVERSIBLE = (TOP_UP, PAYMENT)
# how each kind of entry moves the running totals: (funded, committed, spent)
EFFECTS = {TOP_UP: (1, 0, 0), COMMITMENT: (0, 1, 0), PAYMENT: (0, -1, 1),
           CANCELLATION: (0, -1, 0)}


def lock_budget(session, budget_id: str) -> Budget:
    """The budget, locked until the transaction ends and read afresh after the lock
    (PostgreSQL; the Store runs SQLite transactions one at a time anyway)."""
    session.execute(select(Budget.id).where(Budget.id == budget_id).with_for_update())
    budget = session.get(Budget, budget_id, populate_existing=True)
    if budget is None:
        raise NotFound("No such budget.", "budget_not_found")
    return budget


def post(session, budget: Budget, kind: str, amount_cents: int, caller: Caller, now: datetime,
         booked_on: date | None = None, request: FundRequest | None = None, **details):
    """Appends one entry to a locked budget and moves its totals with it; refuses (409) what
    would overdraw it."""
    funded, committed, spent = (budget.funded_cents, budget.committed_cents, budget.spent_cents)
    f, c, s = EFFECTS[kind]
    funded, committed, spent = (funded + f * amount_cents, committed + c * amount_cents,
                                spent + s * amount_cents)
    available = funded - committed - spent
    if available < 0:
        raise Conflict(f"This would overdraw the fund: {euros(budget.available_cents)} € are "
                       f"available.", "fund_short", {"amount": euros(budget.available_cents)})
    if committed < 0 or spent < 0:
        raise Conflict("The ledger cannot go below zero.", "ledger_below_zero")
    budget.funded_cents, budget.committed_cents, budget.spent_cents = funded, committed, spent
    budget.entry_count += 1
    if request is not None:
        details.update(request_id=request.id, request_code=request.code,
                       request_kind=request.kind, category=request.category,
                       action=request.action)
    entry = LedgerEntry(budget_id=budget.id, position=budget.entry_count, kind=kind,
                        amount_cents=amount_cents, available_after_cents=available,
                        booked_on=booked_on or local_time(now).date(),
                        recorded_by_user_id=caller.user_id, recorded_at=now, **details)
    session.add(entry)
    session.flush()
    totals.add_entry(session, entry)
    return entry


def reverse(tx, caller: Caller, entry_id: str, reason: str, now: datetime) -> LedgerEntry:
    """Corrects a top-up or a payment with a new entry of the opposite amount."""
    original = find(tx.session, LedgerEntry, entry_id)
    budget = original and tx.session.get(Budget, original.budget_id)
    if original is None or not permissions.may_see_budget(caller, budget):
        raise NotFound("No such ledger entry.", "ledger_entry_not_found")
    if original.kind == TOP_UP:
        permissions.require_top_up(caller, budget.municipio, original.source)
    else:
        permissions.require_fund_manager(caller, budget.municipio)
    if original.kind not in REVERSIBLE or original.reverses_id is not None:
        raise Conflict("Only top-ups and payments are corrected this way; a commitment is "
                       "undone by cancelling its request.", "entry_not_reversible")
    budget = lock_budget(tx.session, budget.id)
    if tx.session.execute(select(LedgerEntry.id).where(
            LedgerEntry.reverses_id == original.id)).first():
        raise Conflict("This entry was already corrected.", "entry_reversed")
    request = None
    if original.kind == PAYMENT:
        request = tx.session.get(FundRequest, original.request_id, populate_existing=True)
        if request.status not in (APPROVED, PAID):
            raise Conflict(f"The request is {request.status}: its payments stay as they are.",
                           "payments_kept", {"status": request.status})
    entry = post(tx.session, budget, original.kind, -original.amount_cents, caller, now,
                 booked_on=original.booked_on, request=request, reverses_id=original.id,
                 reason=reason, source=original.source, description=original.description,
                 reference=original.reference, paid_on=original.paid_on,
                 receipt_reference=original.receipt_reference)
    if request is not None:
        request.paid_cents -= original.amount_cents
        totals.set_status(tx.session, request, APPROVED)
        request.closed_at = None
    tx.emit("ledger_entry_reversed", {
        "entry_id": entry.id, "reverses_id": original.id, "kind": entry.kind,
        "amount_cents": entry.amount_cents, "budget_id": budget.id,
        "municipio": budget.municipio, "period": budget.period,
        "request_id": entry.request_id, "code": entry.request_code})
    return entry


def entries_statement(budget_id: str, kind=None, category=None, request_id=None):
    statement = select(LedgerEntry).where(LedgerEntry.budget_id == budget_id)
    if kind:
        statement = statement.where(LedgerEntry.kind == kind)
    if category:
        statement = statement.where(LedgerEntry.category == category)
    if request_id:
        statement = statement.where(LedgerEntry.request_id == request_id)
    return statement.options(selectinload(LedgerEntry.request)).order_by(LedgerEntry.position)


def totals_from_entries(session, budget_id: str) -> dict:
    """funded, committed, spent and available as the entries add up (their sums kept in
    `totals`, apart from the budget's running totals)."""
    sums = totals.ledger_sums(session, budget_id)
    return {**sums, "available": sums["funded"] - sums["committed"] - sums["spent"]}


def payments_of(session, request_id: str) -> list:
    """The request's payments and their corrections, in order, with which ones were reversed."""
    entries = session.execute(select(LedgerEntry).where(
        LedgerEntry.request_id == request_id, LedgerEntry.kind == PAYMENT,
    ).order_by(LedgerEntry.position)).scalars().all()
    reversed_ids = {entry.reverses_id for entry in entries if entry.reverses_id}
    return [{"id": e.id, "amount": e.amount_cents, "paid_on": e.paid_on,
             "receipt_reference": e.receipt_reference, "reverses_id": e.reverses_id,
             "reversed": e.id in reversed_ids, "recorded_at": e.recorded_at} for e in entries]


def present(session, caller: Caller, entry: LedgerEntry, corrected=frozenset()) -> dict:
    """The entry with the caller's actions; `corrected` holds the ids of the entries shown
    that a correction reverses (`corrected_ids`)."""
    return {**{column: getattr(entry, column) for column in (
        "id", "position", "kind", "booked_on", "source", "description", "reference",
        "request_id", "request_code", "request_kind", "category", "action", "paid_on",
        "receipt_reference", "reverses_id", "reason", "recorded_by_user_id", "recorded_at")},
        "amount": entry.amount_cents, "available_after": entry.available_after_cents,
        "actions": ["reverse"] if _may_reverse(session, caller, entry, corrected) else []}


def corrected_ids(session, entry_ids: list) -> set:
    """Those of these entries that a correction reverses."""
    return set(session.execute(select(LedgerEntry.reverses_id).where(
        LedgerEntry.reverses_id.in_(entry_ids))).scalars())


def _may_reverse(session, caller: Caller, entry: LedgerEntry, corrected) -> bool:
    """What `reverse` would let the caller correct, as far as the fund's balance allows."""
    if entry.kind not in REVERSIBLE or entry.reverses_id is not None or entry.id in corrected:
        return False
    municipio = session.get(Budget, entry.budget_id).municipio
    if entry.kind == TOP_UP:
        return permissions.may_top_up(caller, municipio, entry.source)
    return permissions.is_fund_manager(caller, municipio) and (
        entry.request.status in (APPROVED, PAID))


def receipt_used(session, budget_id: str, receipt: str) -> bool:
    """A receipt already paid in this fund and not corrected since."""
    amounts = session.execute(select(LedgerEntry.amount_cents).where(
        LedgerEntry.budget_id == budget_id, LedgerEntry.kind == PAYMENT,
        LedgerEntry.receipt_reference == receipt)).scalars()
    return sum(1 if amount > 0 else -1 for amount in amounts) > 0


def require_ledger_reader(caller: Caller, budget: Budget):
    if not permissions.may_see_budget(caller, budget):
        raise NotFound("No such budget.", "budget_not_found")
    if not permissions.is_fund_manager(caller, budget.municipio):
        raise Forbidden("The ledger is for the municipio's coordination and the city tier.",
                        "ledger_readers_only")
