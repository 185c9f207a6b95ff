"""A budget's figures kept added up (`BudgetTotal`) by the writes themselves: each ledger entry
adds what it moves to its source, or to its category, month and action (or the children's
costs); each change of a request's status moves one request from a status to the next. The
reports and the ledger's totals read these few rows, however many entries and requests there
are.

Rows are added to with an upsert, so that writers that do not lock the budget (a submission)
never collide on a row made at the same moment.
"""
from sqlalchemy import func, select

from services.common.kept_counts import upsert
from services.funds.contract import CANCELLATION, CHILD, COMMITMENT, PAYMENT, TOP_UP
from services.funds.models import Budget, BudgetTotal, FundRequest, LedgerEntry

SOURCE, CATEGORY, MONTH, ACTION, CHILDREN, REQUESTS = (
    "source", "category", "month", "action", "children", "requests")
FIGURES = ("funded_cents", "committed_cents", "spent_cents", "approved_cents", "number")


def add_entry(session, entry: LedgerEntry):
    for section, item, moved in figures(entry):
        _add(session, entry.budget_id, section, item, moved)


def figures(entry: LedgerEntry) -> list:
    """(section, item, what it moves there) for each row an entry adds to."""
    if entry.kind == TOP_UP:
        return [(SOURCE, entry.source, {"funded_cents": entry.amount_cents})]
    moved = _moves(entry.kind, entry.amount_cents)
    return [(section, item, moved) for section, item in (
        (CATEGORY, entry.category), (MONTH, entry.booked_on.strftime("%Y-%m")),
        (CHILDREN, "") if entry.request_kind == CHILD else (ACTION, entry.action))]


def set_status(session, request: FundRequest, status: str):
    """Gives the request its status, and moves the budget's count of requests with it."""
    if request.status == status:
        return
    if request.status is not None:
        _add(session, request.budget_id, REQUESTS, request.status, {"number": -1})
    request.status = status
    _add(session, request.budget_id, REQUESTS, status, {"number": 1})


def of_budgets(session, budget_ids: list) -> dict:
    """budget id -> its rows: (section, item, {figure: amount})"""
    found = {budget_id: [] for budget_id in budget_ids}
    table = BudgetTotal.__table__  # plain rows: the ORM's handling of each row cost the most
    for budget_id, section, item, *amounts in session.execute(select(
            table.c.budget_id, table.c.section, table.c.item, *(table.c[f] for f in FIGURES),
    ).where(table.c.budget_id.in_(budget_ids))):
        found[budget_id].append((section, item, dict(zip(FIGURES, amounts))))
    return found


def ledger_sums(session, budget_id: str) -> dict:
    """funded, committed and spent as the budget's entries add up (each entry counted once,
    under its source or its category)."""
    sums = session.execute(select(
        *(func.coalesce(func.sum(getattr(BudgetTotal, f"{figure}_cents")), 0)
          for figure in ("funded", "committed", "spent"))
    ).where(BudgetTotal.budget_id == budget_id,
            BudgetTotal.section.in_((SOURCE, CATEGORY)))).one()
    return dict(zip(("funded", "committed", "spent"), map(int, sums)))


def requests_per_municipio(session, municipi: list) -> dict:
    return dict(session.execute(
        select(Budget.municipio, func.sum(BudgetTotal.number))
        .join(Budget, Budget.id == BudgetTotal.budget_id)
        .where(Budget.municipio.in_(municipi), BudgetTotal.section == REQUESTS)
        .group_by(Budget.municipio)).all())


def _moves(kind: str, amount: int) -> dict:
    """What an entry of this kind moves: committed, spent, approved; a commitment is a
    request committed."""
    if kind == COMMITMENT:
        return {"committed_cents": amount, "approved_cents": amount, "number": 1}
    if kind == CANCELLATION:
        return {"committed_cents": -amount, "approved_cents": -amount}
    if kind == PAYMENT:
        return {"committed_cents": -amount, "spent_cents": amount}
    raise ValueError(kind)


def _add(session, budget_id: str, section: str, item: str, moved: dict):
    statement = upsert(session, BudgetTotal).values(
        budget_id=budget_id, section=section, item=item,
        **{figure: moved.get(figure, 0) for figure in FIGURES})
    session.execute(statement.on_conflict_do_update(
        index_elements=["budget_id", "section", "item"],
        set_={figure: getattr(BudgetTotal, figure) + getattr(statement.excluded, figure)
              for figure in FIGURES}))
