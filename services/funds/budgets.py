"""Budgets: each network's fund for one period of the project, and the money that comes in.

The city tier opens a network's budget for a period, with its first sources, and sets the
threshold above which the city approves too (500 € unless it says otherwise). Top-ups come
later, each with its source: the city's own money (recorded by the city), foundations and
donations from events and drives (recorded by the city or the municipio's coordination).
"""
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload
from sqlalchemy.exc import IntegrityError

from services.common.context import CITY, Caller
from services.common.database import find
from services.common.errors import Conflict, NotFound
from services.funds import ledger, permissions
from services.funds.contract import SOURCES, TOP_UP, euros
from services.funds.models import Budget, LedgerEntry


def create(tx, caller: Caller, data: dict, now: datetime) -> Budget:
    caller.require_role(CITY)
    if tx.session.execute(select(Budget.id).where(Budget.municipio == data["municipio"],
                                                  Budget.period == data["period"])).first():
        raise Conflict(f"Municipio {data['municipio']} already has a budget for "
                       f"{data['period']}: top it up instead.", "budget_exists",
                       {"municipio": data["municipio"], "period": data["period"]})
    budget = Budget(municipio=data["municipio"], period=data["period"],
                    approval_threshold_cents=data["approval_threshold"], funded_cents=0,
                    committed_cents=0, spent_cents=0, entry_count=0, created_at=now,
                    created_by_user_id=caller.user_id)
    tx.session.add(budget)
    try:
        tx.session.flush()
    except IntegrityError:  # opened at the same moment by someone else
        raise Conflict(f"Municipio {data['municipio']} already has a budget for "
                       f"{data['period']}.", "budget_exists",
                       {"municipio": data["municipio"], "period": data["period"]}) from None
    tx.emit("budget_opened", {"budget_id": budget.id, "municipio": budget.municipio,
                              "period": budget.period,
                              "approval_threshold_cents": budget.approval_threshold_cents})
    for source in data["sources"]:
        _top_up(tx, caller, budget, source, now)
    return budget


def top_up(tx, caller: Caller, budget_id: str, data: dict, now: datetime) -> LedgerEntry:
    budget = visible(tx.session, caller, budget_id)
    permissions.require_top_up(caller, budget.municipio, data["source"])
    return _top_up(tx, caller, ledger.lock_budget(tx.session, budget.id), data, now)


def set_threshold(tx, caller: Caller, budget_id: str, threshold_cents: int) -> Budget:
    """For requests the coordination decides from now on; one it already passed to the city
    stays with the city."""
    budget = visible(tx.session, caller, budget_id)
    caller.require_role(CITY)
    budget = ledger.lock_budget(tx.session, budget.id)
    budget.approval_threshold_cents = threshold_cents
    return budget


def visible(session, caller: Caller, budget_id: str) -> Budget:
    budget = find(session, Budget, budget_id)
    if budget is None or not permissions.may_see_budget(caller, budget):
        raise NotFound("No such budget.", "budget_not_found")
    return budget


def search_statement(caller: Caller, municipio=None, period=None):
    statement = select(Budget).where(permissions.visible_budgets(caller))
    if municipio is not None:
        statement = statement.where(Budget.municipio == municipio)
    if period is not None:
        statement = statement.where(Budget.period == period)
    return statement.options(selectinload(Budget.sources)).order_by(Budget.period.desc(),
                                                                    Budget.municipio)


def by_source(budget: Budget) -> dict:
    found = {row.item: row.funded_cents for row in budget.sources}
    return {source: found.get(source, 0) for source in SOURCES}


def present(caller: Caller, budget: Budget) -> dict:
    return {"id": budget.id, "municipio": budget.municipio, "period": budget.period,
            "approval_threshold": budget.approval_threshold_cents,
            "funded": budget.funded_cents, "committed": budget.committed_cents,
            "spent": budget.spent_cents, "available": budget.available_cents,
            "by_source": by_source(budget), "created_at": budget.created_at,
            "actions": permissions.budget_actions(caller, budget),
            "top_up_sources": permissions.top_up_sources(caller, budget.municipio)}


def _top_up(tx, caller, budget: Budget, data: dict, now: datetime) -> LedgerEntry:
    entry = ledger.post(tx.session, budget, TOP_UP, data["amount"], caller, now,
                        source=data["source"], description=data.get("description"),
                        reference=data.get("reference"))
    tx.emit("fund_topped_up", {"budget_id": budget.id, "municipio": budget.municipio,
                               "period": budget.period, "entry_id": entry.id,
                               "source": entry.source, "amount_cents": entry.amount_cents,
                               "amount": euros(entry.amount_cents),
                               "available_cents": entry.available_after_cents})
    return entry
