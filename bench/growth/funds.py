"""Funds: twenty thousand requests over five years, each network's budget per project year
(May to April) topped up to cover them, the ledger entries and decisions their fates leave, and
the figures the writes keep added up (budget_totals, made again from everything written)."""
import uuid
from collections import Counter
from datetime import datetime, timedelta, timezone

from sqlalchemy import delete, insert, select

from bench.growth import Operation, at
from services.common.database import Store
from services.common.schemas import local_time
from services.common.vocabulary import DIMENSIONS
from services.funds import totals
from services.funds.contract import (APPROVED, AWAITING_CITY, CANCELLATION, CANCELLED, CHILD,
                                     COLLECTIVE, COMMITMENT, DEFAULT_THRESHOLD_CENTS, PAID,
                                     PAYMENT, REJECTED, SUBMITTED, TOP_UP, WITHDRAWN)
from services.funds.models import Base, Budget, BudgetTotal, Decision, FundRequest, LedgerEntry

SERVICE = "funds"
CHUNK = 10_000
NOW = datetime.now(timezone.utc)
FIVE_YEARS = timedelta(days=5 * 365)
ACTIONS = ("Campo estivo", "Doposcuola", "Festa di Natale", "Laboratori di lettura",
           "Sportello compiti", "Gite in città", "Spazio mamma-bambino", "Corso di italiano")
# of every 20 requests: what became of them (the last ones are still waiting)
FATES = [PAID] * 10 + [APPROVED] * 3 + [CANCELLED] * 2 + [REJECTED] * 2 + [WITHDRAWN] * 2 + [
    SUBMITTED]


def seed(url: str, scale: float, demo) -> dict:
    store = Store(url, Base.metadata)
    try:
        with store.transaction() as tx:
            budgets = {(b.municipio, b.period): b for b in tx.session.execute(
                select(Budget)).scalars()}
            requests, entries, decisions = _requests(at(scale, "fund_requests"), budgets, demo)
            _top_ups(budgets, entries)
            tx.session.add_all(budgets.values())
        columns = set().union(*entries)
        entries = [{column: entry.get(column) for column in columns} for entry in entries]
        for rows, model in ((requests, FundRequest), (decisions, Decision),
                            (entries, LedgerEntry)):
            for start in range(0, len(rows), CHUNK):
                with store.transaction() as tx:
                    tx.session.execute(insert(model), rows[start:start + CHUNK])
        with store.transaction() as tx:
            _add_up(tx.session)
    finally:
        store.dispose()
    return {}


def operations(_context: dict) -> list:
    # at 1x municipio 8 has 22 requests: a page of 20 is full at every size
    return [Operation("fund requests (coord8)", "/api/v1/funds/requests", "coord8"),
            Operation("fund requests (coord8), 20 a page", "/api/v1/funds/requests?per_page=20",
                      "coord8"),
            Operation("fund requests (citta)", "/api/v1/funds/requests", "citta"),
            Operation("funds report (citta)", "/api/v1/funds/report", "citta"),
            Operation("funds report CSV (citta)", "/api/v1/funds/report?format=csv", "citta")]


def _period(moment: datetime) -> str:
    year = moment.year if moment.month >= 5 else moment.year - 1
    return f"{year}-{year + 1}"


def _budget(budgets: dict, municipio: int, moment: datetime) -> Budget:
    key = (municipio, _period(moment))
    if key not in budgets:
        budgets[key] = Budget(
            id=str(uuid.uuid4()), municipio=municipio, period=key[1],
            approval_threshold_cents=DEFAULT_THRESHOLD_CENTS, funded_cents=0, committed_cents=0,
            spent_cents=0, entry_count=0, created_at=moment - timedelta(days=1))
    return budgets[key]


def _requests(count: int, budgets: dict, demo) -> tuple:
    """The requests, spread over the municipi and five years, with the entries (not yet
    placed in their budget's ledger) and decisions of their fates. Municipio 8's come from
    partner8a's organisation and asc8."""
    partner, worker = demo.users["partner8a"], demo.users["asc8"]
    coordinator, city = demo.users["coord8"]["id"], demo.users["citta"]["id"]
    requests, entries, decisions = [], [], []
    for number in range(count):
        municipio = number % 9 + 1
        submitted = NOW - FIVE_YEARS + FIVE_YEARS * number / count
        budget = _budget(budgets, municipio, submitted)
        status = FATES[number % len(FATES)] if number < count - 20 else SUBMITTED
        amount = 50_00 + (number * 7919) % 600_00
        kind = CHILD if number % 5 < 2 else COLLECTIVE
        needs_city = amount > budget.approval_threshold_cents
        if status == SUBMITTED and needs_city and number % 2:
            status = AWAITING_CITY
        by_partner = municipio != 8 or number % 2
        request = {
            "id": str(uuid.uuid4()), "code": f"F-{local_time(submitted).year}-{number + 1:05d}",
            "budget_id": budget.id, "municipio": municipio, "period": budget.period,
            "kind": kind, "action": ACTIONS[number % len(ACTIONS)] if kind == COLLECTIVE else None,
            "referral_code": None, "purpose": "Richiesta di prova",
            "family_reference": f"FAM-{number}" if kind == CHILD else None,
            "category": DIMENSIONS[number % len(DIMENSIONS)], "amount_cents": amount,
            "supplier": "Fornitore", "status": status,
            "requested_by_user_id": (partner if by_partner else worker)["id"]
            if municipio == 8 else f"bench-requester-{municipio}",
            "requested_by_role": "partner" if by_partner else "social_worker",
            "organization_id": (partner["organization_id"] if municipio == 8
                                else f"bench-organisation-{municipio}") if by_partner else None,
            "needs_city": needs_city if status not in (SUBMITTED, WITHDRAWN) else None,
            "paid_cents": 0, "released_cents": 0, "submitted_at": submitted,
            "decided_at": None, "closed_at": None}
        requests.append(request)
        decided = submitted + timedelta(days=3)
        steps = [("requester", "withdrawn")] if status == WITHDRAWN else []
        if status not in (SUBMITTED, WITHDRAWN):
            steps.append(("municipal", "rejected" if status == REJECTED else "approved"))
            if needs_city and status not in (REJECTED, AWAITING_CITY):
                steps.append(("city", "approved"))
        if status in (APPROVED, PAID, CANCELLED, REJECTED):
            request["decided_at"] = decided
        if status in (APPROVED, PAID, CANCELLED):
            entries.append(_entry(budget, request, COMMITMENT, amount, decided))
        if status in (PAID, CANCELLED):
            paid = amount if status == PAID else amount // 2 * (number % 2)
            if paid:
                entries.append(_entry(budget, request, PAYMENT, paid, decided + timedelta(days=10),
                                      paid_on=(decided + timedelta(days=10)).date(),
                                      receipt_reference=f"FT-{number}"))
            request["paid_cents"] = paid
            request["released_cents"] = amount - paid
            if status == CANCELLED:
                entries.append(_entry(budget, request, CANCELLATION, amount - paid,
                                      decided + timedelta(days=20)))
                steps.append(("municipal", "cancelled"))
            request["closed_at"] = decided + timedelta(days=20)
        if status in (REJECTED, WITHDRAWN):
            request["closed_at"] = decided
        decisions += [{"id": str(uuid.uuid4()), "request_id": request["id"], "position": position,
                       "stage": stage, "outcome": outcome, "reason": "Motivo",
                       "user_id": {"municipal": coordinator, "city": city}.get(
                           stage, request["requested_by_user_id"]),
                       "role": {"municipal": "coordinator", "city": "city"}.get(
                           stage, request["requested_by_role"]),
                       "at": decided + timedelta(days=position)}
                      for position, (stage, outcome) in enumerate(steps, 1)]
    return requests, entries, decisions


def _entry(budget: Budget, request: dict, kind: str, amount: int, moment: datetime,
           **details) -> dict:
    return {"id": str(uuid.uuid4()), "budget_id": budget.id, "kind": kind,
            "amount_cents": amount, "booked_on": local_time(moment).date(),
            "request_id": request["id"], "request_code": request["code"],
            "request_kind": request["kind"], "category": request["category"],
            "action": request["action"], "recorded_at": moment, **details}


def _top_ups(budgets: dict, entries: list):
    """Each budget's top-ups (the city's, a foundation's) cover what its requests commit, at the
    start of its project year; then every entry takes its place in its budget's ledger, with
    the balance after it, and the budget's running totals."""
    needed = Counter()
    for entry in entries:
        if entry.get("kind") == COMMITMENT:
            needed[entry["budget_id"]] += entry["amount_cents"]
    for budget in budgets.values():
        opened = budget.created_at
        for source, share in (("city", 0.8), ("foundation", 0.3)):
            entries.append({"id": str(uuid.uuid4()), "budget_id": budget.id, "kind": TOP_UP,
                            "amount_cents": int(needed[budget.id] * share) + 1000_00,
                            "booked_on": local_time(opened).date(), "source": source,
                            "description": "Stanziamento", "recorded_at": opened})
    entries.sort(key=lambda entry: (entry["budget_id"], entry["recorded_at"]))
    by_id = {budget.id: budget for budget in budgets.values()}
    moves = {TOP_UP: (1, 0, 0), COMMITMENT: (0, 1, 0), PAYMENT: (0, -1, 1),
             CANCELLATION: (0, -1, 0)}
    for entry in entries:
        budget = by_id[entry["budget_id"]]
        funded, committed, spent = moves[entry["kind"]]
        budget.funded_cents += funded * entry["amount_cents"]
        budget.committed_cents += committed * entry["amount_cents"]
        budget.spent_cents += spent * entry["amount_cents"]
        budget.entry_count += 1
        entry.update(position=budget.entry_count, available_after_cents=budget.available_cents)


def _add_up(session):
    """budget_totals as the service's writes would have left them, from everything written."""
    sums = {}

    def add(budget_id, section, item, moved):
        row = sums.setdefault((budget_id, section, item), dict.fromkeys(totals.FIGURES, 0))
        for figure, amount in moved.items():
            row[figure] += amount

    for entry in session.execute(select(LedgerEntry)).scalars():
        for section, item, moved in totals.figures(entry):
            add(entry.budget_id, section, item, moved)
    for budget_id, status in session.execute(select(FundRequest.budget_id, FundRequest.status)):
        add(budget_id, totals.REQUESTS, status, {"number": 1})
    session.execute(delete(BudgetTotal))
    session.execute(insert(BudgetTotal), [
        {"budget_id": budget_id, "section": section, "item": item, **row}
        for (budget_id, section, item), row in sums.items()])
