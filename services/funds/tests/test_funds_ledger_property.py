"""Property: whatever sequence of top-ups, requests, decisions, payments, cancellations and
corrections a fund goes through, its totals are the sum of its ledger's entries, nothing is
ever overdrawn, and an approval is refused exactly when the fund cannot cover it."""
from datetime import date, datetime, timezone

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from services.common.context import Caller
from services.common.database import Store
from services.common.errors import Conflict
from services.common.privacy import shown, shown_counts
from services.common.vocabulary import DIMENSIONS
from services.funds import approvals, budgets, ledger, reports, totals
from services.funds.contract import (APPROVED, AWAITING_CITY, CANCELLATION, CANCELLED, CHILD,
                                     COMMITMENT, PAID, PAYMENT, PENDING, STATUSES, TOP_UP)
from services.funds.ledger import REVERSIBLE
from services.funds.models import Base, Budget, FundRequest, LedgerEntry

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
PARTNER = Caller(user_id="u-p8", roles=["partner"], municipi=[8], organization_id="8" * 36)
COORD8 = Caller(user_id="u-coord8", roles=["coordinator"], municipi=[8])
CITY = Caller(user_id="u-city", roles=["city"])
THRESHOLD = 300_00

pick = st.integers(min_value=0, max_value=50)  # which request or entry, modulo how many
euros = st.integers(min_value=1, max_value=60).map(lambda tens: tens * 10_00 + tens % 7)
OPERATIONS = st.lists(st.one_of(
    st.tuples(st.just("top_up"), euros),
    st.tuples(st.just("ask"), euros, st.sampled_from(("collective", "child")),
              st.sampled_from(DIMENSIONS)),
    st.tuples(st.just("ask"), euros, st.just("child"), st.sampled_from(DIMENSIONS)),
    st.tuples(st.just("approve"), pick),
    st.tuples(st.just("approve"), pick),
    st.tuples(st.just("approve"), pick),
    st.tuples(st.just("reject"), pick),
    st.tuples(st.just("pay"), pick, st.integers(1, 100), st.integers(1, 28)),
    st.tuples(st.just("pay"), pick, st.just(100), st.integers(1, 28)),
    st.tuples(st.just("cancel"), pick),
    st.tuples(st.just("reverse"), pick, st.sampled_from(REVERSIBLE)),
    st.tuples(st.just("reverse"), pick, st.just(PAYMENT)),
), min_size=10, max_size=25)
# the requests an operation is meant for (any request when none is in that state)
MEANT_FOR = {"approve": PENDING, "reject": PENDING, "pay": (APPROVED,), "cancel": (APPROVED,)}


@pytest.fixture
def store(databases):
    store = Store(databases["funds"], Base.metadata)
    yield store
    store.dispose()


def empty(store):
    with store.transaction() as tx:
        for table in reversed(Base.metadata.sorted_tables):
            tx.session.execute(table.delete())


# Bounded to run in seconds; no shrinking (on a database it can take minutes): a failure
# shows the sequence as it was drawn, at most 25 operations.
@settings(max_examples=30, deadline=None, database=None,
          phases=[Phase.explicit, Phase.reuse, Phase.generate],
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(operations=OPERATIONS)
def test_ledger_totals_are_the_sum_of_its_entries(store, operations):
    empty(store)
    with store.transaction() as tx:
        budget_id = budgets.create(tx, CITY, {
            "municipio": 8, "period": "2025-2026", "approval_threshold": THRESHOLD,
            "sources": [{"source": "city", "amount": 2000_00}]}, NOW).id
    requests, receipts = [], iter(range(10_000))  # ids of the requests made, receipt numbers
    for operation in operations:
        apply(store, budget_id, requests, receipts, *operation)
        assert_consistent(store, budget_id)


def apply(store, budget_id, requests, receipts, name, *args):
    """One operation as a user would do it; refusals (409) must leave nothing behind."""
    with store.sessions() as session:
        before = session.get(Budget, budget_id).available_cents
        request = None
        if requests and name in MEANT_FOR:
            found = session.execute(select(FundRequest).where(FundRequest.budget_id == budget_id)
                                    .order_by(FundRequest.code)).scalars().all()
            candidates = [r for r in found if r.status in MEANT_FOR[name]] or found
            request = candidates[args[0] % len(candidates)]
    try:
        with store.transaction() as tx:
            if name == "top_up":
                budgets.top_up(tx, CITY, budget_id, {"source": "donation", "amount": args[0]},
                               NOW)
            elif name == "ask":
                amount, kind, category = args
                data = {"budget_id": budget_id, "kind": kind, "purpose": "Prova",
                        "category": category, "amount": amount}
                data.update({"action": f"Azione {amount % 3}"} if kind == "collective"
                            else {"family_reference": f"F-{amount % 7}"})
                requests.append(approvals.submit(tx, PARTNER, data, NOW).id)
            elif name == "reverse":
                entries = tx.session.execute(select(LedgerEntry).where(
                    LedgerEntry.budget_id == budget_id, LedgerEntry.kind == args[1],
                    LedgerEntry.reverses_id.is_(None)).order_by(LedgerEntry.position)
                ).scalars().all()
                if not entries:
                    return
                ledger.reverse(tx, CITY, entries[args[0] % len(entries)].id, "Correzione", NOW)
            elif request is None:
                return
            elif name in ("approve", "reject"):
                decider = CITY if request.status == AWAITING_CITY else COORD8
                move = approvals.approve if name == "approve" else approvals.reject
                move(tx, decider, request.id, "Motivo", NOW)
            elif name == "pay":
                share, day = args[1:]
                amount = max(1, request.committed_cents * share // 100)
                approvals.record_payment(tx, COORD8, request.id, {
                    "amount": amount, "paid_on": date(2026, 2, day),
                    "receipt_reference": f"FT-{next(receipts)}"}, NOW)
            elif name == "cancel":
                approvals.cancel(tx, COORD8, request.id, "Non serve più", NOW)
        refused = False
    except Conflict:
        refused = True
    if name == "approve" and request is not None:
        # refused exactly when the fund cannot cover it, or when there is nothing to decide
        pending = request.status in PENDING
        assert refused == (not pending or request.amount_cents > before)
    if refused:
        with store.sessions() as session:
            assert session.get(Budget, budget_id).available_cents == before


def assert_consistent(store, budget_id):
    with store.sessions() as session:
        budget = session.get(Budget, budget_id)
        entries = session.execute(ledger.entries_statement(budget_id)).scalars().all()
        requests = session.execute(select(FundRequest).where(
            FundRequest.budget_id == budget_id)).scalars().all()
        found = reports.network_report(budget, totals.of_budgets(session, [budget.id])[budget.id])
        from_entries = ledger.totals_from_entries(session, budget_id)

    def total(*kinds, request_id=None):
        return sum(e.amount_cents for e in entries if e.kind in kinds
                   and (request_id is None or e.request_id == request_id))

    # the running totals are the entries' sums, and nothing went below zero on the way
    assert budget.funded_cents == total(TOP_UP)
    assert budget.spent_cents == total(PAYMENT)
    assert budget.committed_cents == total(COMMITMENT) - total(CANCELLATION) - total(PAYMENT)
    assert budget.available_cents == total(TOP_UP) - total(COMMITMENT) + total(CANCELLATION) >= 0
    assert [e.position for e in entries] == list(range(1, len(entries) + 1))
    assert entries[-1].available_after_cents == budget.available_cents
    assert all(e.available_after_cents >= 0 for e in entries)
    # each request's share of the ledger
    for request in requests:
        assert request.paid_cents == total(PAYMENT, request_id=request.id)
        assert request.released_cents == total(CANCELLATION, request_id=request.id)
        committed = total(COMMITMENT, request_id=request.id)
        assert committed == (0 if request.status in ("submitted", "awaiting_city", "rejected",
                                                     "withdrawn") else request.amount_cents)
        assert request.committed_cents >= 0
        assert (request.status == APPROVED) == (committed > 0 and request.committed_cents > 0)
    # the report's breakdowns add up to the totals
    assert sum(found["by_source"].values()) == budget.funded_cents
    for key in ("committed", "spent"):
        parts = [*found["by_category"].values(), *found["by_action"].values(), found["children"]]
        assert sum(a[key] for a in found["by_category"].values()) == getattr(budget, f"{key}_cents")
        assert sum(a[key] for a in parts) == 2 * getattr(budget, f"{key}_cents")
    assert sum(m["spent"] for m in found["by_month"].values()) == budget.spent_cents
    assert sum(m["approved"] for m in found["by_month"].values()) == (
        budget.committed_cents + budget.spent_cents)
    # the counts of requests it keeps as they move are those of the requests themselves
    assert found["requests"] == shown_counts(
        {status: sum(1 for r in requests if r.status == status) for status in STATUSES})
    assert found["children"]["requests"] == shown(sum(
        1 for r in requests if r.kind == CHILD and r.status in (APPROVED, PAID, CANCELLED)))
    assert from_entries == {
        "funded": budget.funded_cents, "committed": budget.committed_cents,
        "spent": budget.spent_cents, "available": budget.available_cents}
