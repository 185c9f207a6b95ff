"""The governance bodies' decisions that authorise fund requests: the governance service tells
each decision with what it links (`decision_recorded`), and each request of this service it
links shows it.

A link names a request by its id only; one unknown here (another service's, or a request that
never was) is left alone, and a decision told again adds nothing."""
from datetime import date, datetime

from sqlalchemy import select

from services.common.database import find
from services.funds.models import FundRequest, GovernanceDecision

FUND_REQUEST = "fund_request"  # the kind of a decision's link that names a request


def record(session, payload: dict, now: datetime) -> list:
    """Notes the decision on each request it links that is not noted yet; the rows it added."""
    linked = {link["id"] for link in payload["links"] if link["kind"] == FUND_REQUEST}
    noted = set(session.scalars(select(GovernanceDecision.request_id).where(
        GovernanceDecision.decision_id == payload["decision_id"])))
    added = [GovernanceDecision(request_id=request_id, decision_id=payload["decision_id"],
                                title=payload["title"], body_name=payload["body_name"],
                                decided_on=date.fromisoformat(payload["decided_on"]),
                                recorded_at=now)
             for request_id in sorted(linked - noted)
             if find(session, FundRequest, request_id) is not None]
    session.add_all(added)
    return added


def of_request(session, request_id: str) -> list:
    """The decisions that authorise a request, in the order they were taken."""
    found = session.scalars(select(GovernanceDecision).where(
        GovernanceDecision.request_id == request_id).order_by(
        GovernanceDecision.decided_on, GovernanceDecision.recorded_at,
        GovernanceDecision.decision_id))
    return [{"id": decision.decision_id, "title": decision.title,
             "body_name": decision.body_name, "decided_on": decision.decided_on}
            for decision in found]
