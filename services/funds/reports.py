"""Reports on the funds, for a municipio's coordination (its own) and the city tier (any):
funded, committed, spent and available per network and period, by source, by category, by
month and by collective action. Children's costs appear only as a count (1-4 read "<5") and
sums, never one by one. Everything is added up from the ledger's entries.

    by_category, by_action + children: committed and spent, adding up to the totals
    by_month: what was approved (commitments net of cancellations) and spent each month,
              a payment counting for the month it was paid in
"""
import io
from collections import Counter, defaultdict

from sqlalchemy import select

from services.common import csv_cells
from services.common.privacy import report_scope, shown, shown_counts
from services.common.vocabulary import DIMENSIONS
from services.funds.contract import (CANCELLATION, CHILD, COMMITMENT, PAYMENT, SOURCES, STATUSES,
                                     TOP_UP, euros)
from services.funds.models import Budget, FundRequest, LedgerEntry

CSV_COLUMNS = ("Municipio", "Periodo", "Sezione", "Voce", "Stanziato", "Impegnato", "Speso",
               "Disponibile", "Approvato nel mese", "Richieste")
SECTIONS_IT = {"total": "totale", "source": "fonte", "category": "categoria", "month": "mese",
               "action": "azione", "children": "costi dei minori", "status": "richieste"}


def report(session, caller, municipi=None, period=None) -> dict:
    scope = report_scope(caller, municipi)
    statement = select(Budget).where(Budget.municipio.in_(scope))
    if period:
        statement = statement.where(Budget.period == period)
    found = session.execute(statement.order_by(Budget.period, Budget.municipio)).scalars().all()
    networks = [network_report(session, budget) for budget in found]
    by_period = defaultdict(lambda: {"funded": 0, "committed": 0, "spent": 0, "available": 0})
    for network in networks:
        for key in by_period[network["period"]]:
            by_period[network["period"]][key] += network[key]
    return {"networks": networks, "by_period": dict(by_period)}


def network_report(session, budget: Budget) -> dict:
    entries = session.execute(select(LedgerEntry).where(LedgerEntry.budget_id == budget.id)
                              .order_by(LedgerEntry.position)).scalars().all()
    by_source = Counter()
    by_category = {category: {"committed": 0, "spent": 0} for category in DIMENSIONS}
    by_month = defaultdict(lambda: {"approved": 0, "spent": 0})
    by_action = defaultdict(lambda: {"committed": 0, "spent": 0})
    children = {"committed": 0, "spent": 0}
    child_requests = set()
    for entry in entries:
        if entry.kind == TOP_UP:
            by_source[entry.source] += entry.amount_cents
            continue
        committed, spent, approved = _moves(entry)
        month = by_month[entry.booked_on.strftime("%Y-%m")]
        month["approved"] += approved
        month["spent"] += spent
        for bucket in (by_category[entry.category],
                       children if entry.request_kind == CHILD else by_action[entry.action]):
            bucket["committed"] += committed
            bucket["spent"] += spent
        if entry.request_kind == CHILD and entry.kind == COMMITMENT:
            child_requests.add(entry.request_id)
    statuses = Counter(session.execute(select(FundRequest.status).where(
        FundRequest.budget_id == budget.id)).scalars())
    return {
        "budget_id": budget.id, "municipio": budget.municipio, "period": budget.period,
        "approval_threshold": budget.approval_threshold_cents,
        "funded": budget.funded_cents, "committed": budget.committed_cents,
        "spent": budget.spent_cents, "available": budget.available_cents,
        "by_source": {source: by_source.get(source, 0) for source in SOURCES},
        "by_category": by_category,
        "by_month": dict(sorted(by_month.items())),
        "by_action": dict(sorted(by_action.items())),
        "children": {"requests": shown(len(child_requests)), **children},
        "requests": shown_counts({status: statuses.get(status, 0) for status in STATUSES}),
    }


def export_csv(found: dict) -> str:
    """The report for a spreadsheet: one line per figure, Italian headings, euros with a
    decimal point."""
    out = io.StringIO()
    writer = csv_cells.Writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for network in found["networks"]:
        def row(section, item, funded="", committed="", spent="", available="", approved="",
                count=""):
            writer.writerow([network["municipio"], network["period"], SECTIONS_IT[section], item,
                             *(euros(v) if isinstance(v, int) else v
                               for v in (funded, committed, spent, available, approved)), count])

        row("total", "fondo", network["funded"], network["committed"], network["spent"],
            network["available"])
        for source, amount in network["by_source"].items():
            row("source", source, funded=amount)
        for category, amounts in network["by_category"].items():
            row("category", category, committed=amounts["committed"], spent=amounts["spent"])
        for month, amounts in network["by_month"].items():
            row("month", month, spent=amounts["spent"], approved=amounts["approved"])
        for action, amounts in network["by_action"].items():
            row("action", action, committed=amounts["committed"], spent=amounts["spent"])
        children = network["children"]
        row("children", "costi dei minori", committed=children["committed"],
            spent=children["spent"], count=children["requests"])
        for status, count in network["requests"].items():
            row("status", status, count=count)
    return out.getvalue()


def statistics(session, municipi: list) -> dict:
    """For the overview report: per municipio, the requests and the money of every period."""
    budgets = session.execute(select(Budget).where(Budget.municipio.in_(municipi))).scalars()
    totals = {m: {"funded": 0, "spent": 0, "available": 0} for m in municipi}
    for budget in budgets:
        totals[budget.municipio]["funded"] += budget.funded_cents
        totals[budget.municipio]["spent"] += budget.spent_cents
        totals[budget.municipio]["available"] += budget.available_cents
    requests = Counter(session.execute(select(FundRequest.municipio).where(
        FundRequest.municipio.in_(municipi))).scalars())
    return {str(m): {"funds": {"requests": shown(requests.get(m, 0)),
                               **{key: euros(value) for key, value in totals[m].items()}}}
            for m in municipi}


def _moves(entry: LedgerEntry) -> tuple:
    """(committed, spent, approved) that an entry moves."""
    amount = entry.amount_cents
    if entry.kind == COMMITMENT:
        return amount, 0, amount
    if entry.kind == CANCELLATION:
        return -amount, 0, -amount
    if entry.kind == PAYMENT:
        return -amount, amount, 0
    raise ValueError(entry.kind)
