"""A budget's figures kept added up (`BudgetTotal`) by the writes themselves: each ledger entry
adds its amount to its source, or to its category, month and action (or the children's costs);
each change of a request's status moves one request from a status to the next. The reports and
the ledger's totals read these few rows, however many entries and requests there are.

Rows are added to with an upsert, so that writers that do not lock the budget (a submission)
never collide on a row made at the same moment.
"""
from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql, sqlite

from services.funds.contract import CHILD, TOP_UP
from services.funds.models import Budget, BudgetTotal, FundRequest, LedgerEntry

SOURCE, CATEGORY, MONTH, ACTION, CHILDREN, REQUESTS = (
    "source", "category", "month", "action", "children", "requests")


def add_entry(session, entry: LedgerEntry):
    if entry.kind == TOP_UP:
        items = [(SOURCE, entry.source)]
    else:
        items = [(CATEGORY, entry.category), (MONTH, entry.booked_on.strftime("%Y-%m")),
                 (CHILDREN, "") if entry.request_kind == CHILD else (ACTION, entry.action)]
    for section, item in items:
        _add(session, entry.budget_id, section, item, entry.kind, entry.amount_cents, 1)


def set_status(session, request: FundRequest, status: str):
    """Gives the request its status, and moves the budget's count of requests with it."""
    if request.status == status:
        return
    if request.status is not None:
        _add(session, request.budget_id, REQUESTS, request.status, request.kind, 0, -1)
    request.status = status
    _add(session, request.budget_id, REQUESTS, status, request.kind, 0, 1)


def of_budgets(session, budget_ids: list) -> dict:
    """budget id -> its rows: (section, item, kind, amount_cents, number)"""
    found = {budget_id: [] for budget_id in budget_ids}
    for row in session.execute(select(
            BudgetTotal.budget_id, BudgetTotal.section, BudgetTotal.item, BudgetTotal.kind,
            BudgetTotal.amount_cents, BudgetTotal.number,
    ).where(BudgetTotal.budget_id.in_(budget_ids))):
        found[row[0]].append(tuple(row[1:]))
    return found


def sums_by_kind(session, budget_id: str) -> dict:
    """kind of entry -> the sum of the budget's entries of that kind (each entry is counted once
    under its source or its category)."""
    return dict(session.execute(
        select(BudgetTotal.kind, func.sum(BudgetTotal.amount_cents))
        .where(BudgetTotal.budget_id == budget_id, BudgetTotal.section.in_((SOURCE, CATEGORY)))
        .group_by(BudgetTotal.kind)).all())


def by_source(session, budget_id: str) -> dict:
    return dict(session.execute(select(BudgetTotal.item, BudgetTotal.amount_cents).where(
        BudgetTotal.budget_id == budget_id, BudgetTotal.section == SOURCE)).all())


def requests_per_municipio(session, municipi: list) -> dict:
    return dict(session.execute(
        select(Budget.municipio, func.sum(BudgetTotal.number))
        .join(Budget, Budget.id == BudgetTotal.budget_id)
        .where(Budget.municipio.in_(municipi), BudgetTotal.section == REQUESTS)
        .group_by(Budget.municipio)).all())


def _add(session, budget_id: str, section: str, item: str, kind: str, amount_cents: int,
         number: int):
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    statement = dialect.insert(BudgetTotal).values(
        budget_id=budget_id, section=section, item=item, kind=kind, amount_cents=amount_cents,
        number=number)
    session.execute(statement.on_conflict_do_update(
        index_elements=["budget_id", "section", "item", "kind"],
        set_={"amount_cents": BudgetTotal.amount_cents + statement.excluded.amount_cents,
              "number": BudgetTotal.number + statement.excluded.number}))
