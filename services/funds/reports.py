"""Reports on the funds, for a municipio's coordination (its own) and the city tier (any):
funded, committed, spent and available per network and period, by source, by category, by
month and by collective action. Children's costs appear only as a count (1-4 read "<5") and
sums, never one by one. The breakdowns come from the sums the ledger keeps as it is written
(`totals`): a report reads a few rows per budget, however long its ledger.

    by_category, by_action + children: committed and spent, adding up to the totals
    by_month: what was approved (commitments net of cancellations) and spent each month,
              a payment counting for the month it was paid in
"""
from collections import defaultdict

from sqlalchemy import func, select

from services.common.privacy import report_scope, shown, shown_counts, shown_figures
from services.common.spreadsheets import Sheet
from services.common.vocabulary import DIMENSIONS
from services.funds import totals
from services.funds.contract import SOURCES, STATUSES, euros
from services.funds.models import Budget, FundRequest

CSV_COLUMNS = {
    "it": ("Municipio", "Periodo", "Sezione", "Voce", "Stanziato (€)", "Impegnato (€)",
           "Speso (€)", "Disponibile (€)", "Approvato nel mese (€)", "Richieste"),
    "en": ("Municipio", "Project year", "Section", "Item", "Funded (€)", "Committed (€)",
           "Spent (€)", "Available (€)", "Approved in the month (€)", "Requests")}
SECTIONS = {"total": ("totale", "total"), "source": ("fonte", "source"),
            "category": ("categoria", "category"), "month": ("mese", "month"),
            "action": ("azione", "action"), "children": ("costi dei minori", "children's costs"),
            "status": ("richieste", "requests")}
FUND = {"it": "fondo", "en": "fund"}


def report(session, caller, municipi=None, period=None, days=None) -> dict:
    """The networks of `period` (a project year) or of every one; `days` (periods.Period)
    keeps, of their months, those it touches."""
    scope = report_scope(caller, municipi)
    statement = select(Budget).where(Budget.municipio.in_(scope))
    if period:
        statement = statement.where(Budget.period == period)
    found = session.execute(statement.order_by(Budget.period, Budget.municipio)).scalars().all()
    figures = totals.of_budgets(session, [budget.id for budget in found])
    networks = [network_report(budget, figures[budget.id]) for budget in found]
    if days:
        first, last = f"{days.first:%Y-%m}", f"{days.last:%Y-%m}"
        for network in networks:
            network["by_month"] = {month: amounts for month, amounts in network["by_month"].items()
                                   if first <= month <= last}
    by_period = defaultdict(lambda: {"funded": 0, "committed": 0, "spent": 0, "available": 0})
    for network in networks:
        for key in by_period[network["period"]]:
            by_period[network["period"]][key] += network[key]
    return {"networks": networks, "by_period": dict(by_period)}


def network_report(budget: Budget, figures: list) -> dict:
    """One budget's report from its `totals` rows."""
    by_source = {source: 0 for source in SOURCES}
    by_category = {category: {"committed": 0, "spent": 0} for category in DIMENSIONS}
    by_month, by_action, statuses = {}, {}, {}
    children = {"requests": 0, "committed": 0, "spent": 0}
    for section, item, amounts in figures:
        shares = {"committed": amounts["committed_cents"], "spent": amounts["spent_cents"]}
        if section == totals.SOURCE:
            by_source[item] = amounts["funded_cents"]
        elif section == totals.CATEGORY:
            by_category[item] = shares
        elif section == totals.MONTH:
            by_month[item] = {"approved": amounts["approved_cents"],
                              "spent": amounts["spent_cents"]}
        elif section == totals.ACTION:
            by_action[item] = shares
        elif section == totals.CHILDREN:
            children = {"requests": amounts["number"], **shares}
        else:
            statuses[item] = amounts["number"]
    return {
        "budget_id": budget.id, "municipio": budget.municipio, "period": budget.period,
        "approval_threshold": budget.approval_threshold_cents,
        "funded": budget.funded_cents, "committed": budget.committed_cents,
        "spent": budget.spent_cents, "available": budget.available_cents,
        "by_source": by_source,
        "by_category": by_category,
        "by_month": dict(sorted(by_month.items())),
        "by_action": dict(sorted(by_action.items())),
        "children": {**children, "requests": shown(children["requests"])},
        "requests": shown_counts({status: statuses.get(status, 0) for status in STATUSES}),
    }


def export_csv(found: dict, sheet: Sheet) -> str:
    """The report for a spreadsheet in the sheet's language: one line per figure."""
    said = 1 if sheet.lang == "en" else 0
    lines = []
    for network in found["networks"]:
        def row(section, item, funded="", committed="", spent="", available="", approved="",
                count=""):
            lines.append([network["municipio"], network["period"], SECTIONS[section][said], item,
                          *(sheet.decimal(euros(v)) if isinstance(v, int) else v
                            for v in (funded, committed, spent, available, approved)), count])

        row("total", FUND[sheet.lang], network["funded"], network["committed"], network["spent"],
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
        row("children", SECTIONS["children"][said], committed=children["committed"],
            spent=children["spent"], count=children["requests"])
        for status, count in network["requests"].items():
            row("status", status, count=count)
    return sheet.text(CSV_COLUMNS[sheet.lang], lines)


def statistics(session, municipi: list, period=None) -> dict:
    """For the overview report: per municipio, the requests (all time, or submitted in
    `period`) and the money of every project year (what the funds hold today)."""
    budgets = session.execute(select(Budget).where(Budget.municipio.in_(municipi))).scalars()
    money = {m: {"funded": 0, "spent": 0, "available": 0} for m in municipi}
    for budget in budgets:
        money[budget.municipio]["funded"] += budget.funded_cents
        money[budget.municipio]["spent"] += budget.spent_cents
        money[budget.municipio]["available"] += budget.available_cents
    requests = _submitted(session, municipi, period) if period else (
        totals.requests_per_municipio(session, municipi))
    return {str(m): shown_figures({"funds": {
        "requests": int(requests.get(m) or 0),
        **{key: euros(value) for key, value in money[m].items()}}}) for m in municipi}


def _submitted(session, municipi: list, period) -> dict:
    """{municipio: requests submitted in the period}, counted in the index by municipio and
    submission: the period's rows only."""
    start, end = period.moments()
    return dict(session.execute(
        select(FundRequest.municipio, func.count())
        .where(FundRequest.municipio.in_(municipi), FundRequest.submitted_at >= start,
               FundRequest.submitted_at < end).group_by(FundRequest.municipio)).all())
