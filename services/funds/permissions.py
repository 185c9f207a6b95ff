"""Who sees and does what with a network's fund (enforced here, in the funds service).

- Budgets are seen by the members of their network (partners, social workers, coordinators
  of the municipio) and by the city tier; the city opens them, sets their approval threshold
  and records the city's money; the municipio's coordinator records the other top-ups.
- A partner or a social worker asks for money from a budget of its own municipio. A request
  is seen by the one who asked, the partners of the organisation that asked, the social
  workers and the coordinator of its municipio, and the city tier. Anyone else: 404.
- The municipio's coordinator decides first; above the budget's threshold the city tier
  decides too. The coordinator (or the city) records payments, cancellations and corrections.
- The city tier sees children's costs without the codes that link them to a family.

Each answer carries the `actions` the caller may take on what it shows, from these same rules.
"""
from sqlalchemy import false, true

from services.common.context import CITY, COORDINATOR, PARTNER, SOCIAL_WORKER, Caller
from services.common.errors import Forbidden
from services.funds.contract import (APPROVED, AWAITING_CITY, PENDING, REQUESTERS, SOURCES,
                                     SUBMITTED)
from services.funds.models import Budget, FundRequest


def may_see_budget(caller: Caller, budget: Budget) -> bool:
    return caller.authenticated and caller.covers_municipio(budget.municipio)


def visible_budgets(caller: Caller):
    """`may_see_budget` as SQL."""
    if not caller.authenticated:
        return false()
    if caller.has_role(CITY):
        return true()
    return Budget.municipio.in_(caller.municipi) if caller.municipi else false()


def may_see_request(caller: Caller, request: FundRequest) -> bool:
    if not caller.authenticated:
        return False
    if caller.has_role(CITY) or caller.user_id == request.requested_by_user_id:
        return True
    if caller.has_role(COORDINATOR, SOCIAL_WORKER) and request.municipio in caller.municipi:
        return True
    return bool(caller.has_role(PARTNER) and caller.organization_id
                and caller.organization_id == request.organization_id)


def requests_reached(caller: Caller) -> list:
    """`may_see_request` as SQL: one condition for each way the caller sees requests (its
    own, its municipi's, its organisation's), each served by an index; none for nobody."""
    if not caller.authenticated:
        return []
    if caller.has_role(CITY):
        return [true()]
    conditions = [FundRequest.requested_by_user_id == caller.user_id]
    if caller.has_role(COORDINATOR, SOCIAL_WORKER) and caller.municipi:
        conditions.append(FundRequest.municipio.in_(caller.municipi))
    if caller.has_role(PARTNER) and caller.organization_id:
        conditions.append(FundRequest.organization_id == caller.organization_id)
    return conditions


def shows_child_link(caller: Caller, request: FundRequest) -> bool:
    """The codes that lead to a family stay within the network that asked."""
    return is_requester(caller, request) or bool(
        caller.has_role(COORDINATOR, SOCIAL_WORKER) and request.municipio in caller.municipi)


def is_requester(caller: Caller, request: FundRequest) -> bool:
    return caller.user_id == request.requested_by_user_id or bool(
        caller.has_role(PARTNER) and caller.organization_id
        and caller.organization_id == request.organization_id)


def is_coordination(caller: Caller, municipio: int) -> bool:
    return caller.has_role(COORDINATOR) and municipio in caller.municipi


def is_fund_manager(caller: Caller, municipio: int) -> bool:
    """Payments, cancellations, corrections, the ledger: the municipio's coordinator or the
    city tier."""
    return caller.has_role(CITY) or is_coordination(caller, municipio)


def require_fund_manager(caller: Caller, municipio: int):
    if not is_fund_manager(caller, municipio):
        raise Forbidden("The municipio's coordination or the city tier keeps the ledger.",
                        "ledger_keepers_only")


def may_top_up(caller: Caller, municipio: int, source: str) -> bool:
    return caller.has_role(CITY) or (is_coordination(caller, municipio) and source != "city")


def require_top_up(caller: Caller, municipio: int, source: str):
    if caller.has_role(CITY):
        return
    if not is_coordination(caller, municipio):
        raise Forbidden("The city tier or the municipio's coordination records top-ups.",
                        "top_up_keepers_only")
    if source == "city":
        raise Forbidden("The city's own money is recorded by the city tier.", "city_money")


def may_decide(caller: Caller, request: FundRequest) -> bool:
    """The municipio's coordination on a submitted request, the city tier on one that awaits
    it; never on one's own."""
    deciding = (request.status == SUBMITTED and is_coordination(caller, request.municipio)) or (
        request.status == AWAITING_CITY and caller.has_role(CITY))
    return deciding and caller.user_id != request.requested_by_user_id


def request_actions(caller: Caller, request: FundRequest) -> list:
    """approve, reject, withdraw, cancel, record_payment: what the caller may do now."""
    actions = []
    if may_decide(caller, request):
        actions += ["approve", "reject"]
    if request.status in PENDING and is_requester(caller, request):
        actions.append("withdraw")
    if request.status == APPROVED and is_fund_manager(caller, request.municipio):
        actions += ["cancel", "record_payment"]
    return actions


def top_up_sources(caller: Caller, municipio: int) -> list:
    return [source for source in SOURCES if may_top_up(caller, municipio, source)]


def budget_actions(caller: Caller, budget: Budget) -> list:
    """request, top_up, edit, ledger: what the caller may do with a budget it sees."""
    actions = []
    if caller.has_role(*REQUESTERS):
        actions.append("request")
    if top_up_sources(caller, budget.municipio):
        actions.append("top_up")
    if caller.has_role(CITY):
        actions.append("edit")
    if is_fund_manager(caller, budget.municipio):
        actions.append("ledger")
    return actions
