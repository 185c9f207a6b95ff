"""Decisions: what a body decided at a meeting, and what it authorises on the platform (a fund
request, a drive, an event, an action), each link checked with the one who records it: a
decision links only what its chair can see. The register is read by tier (permissions.py)."""
from typing import Callable

from sqlalchemy import select

from services.common.checks import reason
from services.common.database import find
from services.common.errors import Invalid, NotFound
from services.governance import bodies, meetings, permissions
from services.governance.contract import ACTION
from services.governance.models import Action, Decision, DecisionLink, Meeting


def visible(session, caller, decision_id: str) -> Decision:
    decision = find(session, Decision, decision_id)
    if decision is None or not _reads(session, caller, decision):
        raise NotFound("No such decision.", "decision_not_found")
    return decision


def _reads(session, caller, decision: Decision) -> bool:
    return (permissions.is_member(caller, session.get(Meeting, decision.meeting_id))
            or decision.body_kind in permissions.title_only_kinds(caller))


def page_statement(caller, body_id=None, meeting_id=None, link_kind=None, link_id=None):
    caller.require_authenticated()
    statement = select(Decision).where(permissions.visible_decisions(caller))
    if body_id:
        statement = statement.where(Decision.body_id == body_id)
    if meeting_id:
        statement = statement.where(Decision.meeting_id == meeting_id)
    if link_kind or link_id:
        linked = select(DecisionLink.decision_id)
        if link_kind:
            linked = linked.where(DecisionLink.kind == link_kind)
        if link_id:
            linked = linked.where(DecisionLink.target_id == link_id)
        statement = statement.where(Decision.id.in_(linked))
    return statement.order_by(Decision.decided_on.desc(), Decision.created_at.desc(), Decision.id)


def record(tx, caller, data: dict, exists: Callable, now) -> Decision:
    """`exists(kind, id)` says whether the caller sees what a link names in the service that
    holds it (fund requests, drives, events); actions are this service's."""
    meeting = meetings.chaired(tx.session, caller, data["meeting_id"])
    unknown = {}
    for index, link in enumerate(data["links"]):
        found = (_action_of(tx.session, meeting, link["id"]) if link["kind"] == ACTION
                 else exists(link["kind"], link["id"]))
        if not found:
            unknown[f"links.{index}.id"] = [reason("linked_not_found",
                                                   "Nothing of this kind with this id.")]
    if unknown:
        raise Invalid(unknown)
    decision = Decision(meeting_id=meeting.id, body_id=meeting.body_id,
                        body_kind=meeting.body_kind, body_name=meeting.body_name,
                        municipio=meeting.municipio, title=data["title"], text=data["text"],
                        decided_on=data.get("decided_on") or meeting.starts_at.date(),
                        created_by_user_id=caller.user_id, created_at=now)
    decision.links = [DecisionLink(kind=link["kind"], target_id=link["id"], position=index)
                      for index, link in enumerate(data["links"])]
    tx.session.add(decision)
    tx.session.flush()
    tx.emit("decision_recorded", {
        "decision_id": decision.id, "body_id": decision.body_id,
        "body_kind": decision.body_kind, "body_name": decision.body_name,
        "municipio": decision.municipio, "meeting_id": decision.meeting_id,
        "title": decision.title, "decided_on": decision.decided_on.isoformat(),
        "links": [{"kind": link.kind, "id": link.target_id} for link in decision.links]})
    return decision


def _action_of(session, meeting: Meeting, action_id: str) -> bool:
    action = find(session, Action, action_id)
    return action is not None and action.body_id == meeting.body_id


def present_page(session, caller, found: list) -> list:
    """A page of decisions, their meetings read in one query."""
    ids = {decision.meeting_id for decision in found}
    meetings_of = {meeting.id: meeting for meeting in session.execute(
        select(Meeting).where(Meeting.id.in_(ids))).scalars()} if ids else {}
    return [present(session, caller, decision, meetings_of[decision.meeting_id])
            for decision in found]


def present(session, caller, decision: Decision, meeting: Meeting | None = None) -> dict:
    meeting = meeting or session.get(Meeting, decision.meeting_id)
    whole = permissions.is_member(caller, meeting)
    return {"id": decision.id, "title": decision.title,
            "text": decision.text if whole else None,
            "body": bodies.described(decision),
            "meeting_id": decision.meeting_id if whole else None,
            "decided_on": decision.decided_on, "created_at": decision.created_at,
            "links": [{"kind": link.kind, "id": link.target_id} for link in decision.links],
            "actions": []}
