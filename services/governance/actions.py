"""Actions: the chair gives one to a person or an organisation among the meeting's invited,
with a day it is due; its assignee closes it with a note (or reopens it). An open action's
assignee is reminded once, DUE_SOON_DAYS before its day, and once more when it is overdue (the
day after, in Milan)."""
from datetime import date, timedelta

from sqlalchemy import and_, case, or_, select

from services.common.checks import reason
from services.common.database import find
from services.common.errors import Conflict, Forbidden, Invalid, NotFound
from services.governance import bodies, meetings, permissions
from services.governance.contract import DONE, DUE_SOON_DAYS, OPEN
from services.governance.models import Action, Decision, Meeting

CHAIR_ONLY = ("due_on", "title")


def visible(session, caller, action_id: str) -> Action:
    action = find(session, Action, action_id)
    if action is None or not (permissions.is_assignee(caller, action) or permissions.is_member(
            caller, session.get(Meeting, action.meeting_id))):
        raise NotFound("No such action.", "action_not_found")
    return action


def page_statement(caller, today: date, mine=None, status=None, meeting_id=None, body_id=None):
    caller.require_authenticated()
    statement = select(Action).where(permissions.assigned_to(caller) if mine
                                     else permissions.visible_actions(caller))
    for column, value in ((Action.status, status), (Action.meeting_id, meeting_id),
                          (Action.body_id, body_id)):
        if value:
            statement = statement.where(column == value)
    open_first = case((Action.status == OPEN, 0), else_=1)
    return statement.order_by(open_first, Action.due_on, Action.id)


def assign(tx, caller, data: dict, today: date, now) -> Action:
    meeting = meetings.chaired(tx.session, caller, data["meeting_id"])
    assignee_id = data.get("assignee_user_id") or data.get("assignee_organization_id")
    field = "assignee_user_id" if data.get("assignee_user_id") else "assignee_organization_id"
    invitee = next((i for i in meeting.invitees if i.member_id == assignee_id), None)
    if invitee is None:
        raise Invalid({field: [reason("not_invited", "Not among the invited.")]})
    if data.get("decision_id"):
        decision = find(tx.session, Decision, data["decision_id"])
        if decision is None or decision.body_id != meeting.body_id:
            raise Invalid({"decision_id": [reason("decision_unknown",
                                                  "No decision of this body has this id.")]})
    action = Action(meeting_id=meeting.id, decision_id=data.get("decision_id"),
                    body_id=meeting.body_id, body_kind=meeting.body_kind,
                    body_name=meeting.body_name, municipio=meeting.municipio,
                    title=data["title"], description=data.get("description"),
                    assignee_user_id=data.get("assignee_user_id"),
                    assignee_organization_id=data.get("assignee_organization_id"),
                    assignee_name=invitee.name, due_on=data["due_on"], status=OPEN,
                    created_by_user_id=caller.user_id, created_at=now)
    tx.session.add(action)
    tx.session.flush()
    tx.emit("action_assigned", _payload(action))
    _tell_if_due(tx, action, today, now)
    return action


def update(tx, caller, action_id: str, data: dict, today: date, now) -> Action:
    action = visible(tx.session, caller, action_id)
    chair = permissions.chairs_action(caller, action)
    if not chair and (not permissions.is_assignee(caller, action)
                      or any(name in data for name in CHAIR_ONLY)):
        raise Forbidden("Its assignee closes it; the chair changes it.", "action_not_yours")
    if data.get("status") == DONE and action.status == OPEN:
        if not (data.get("note") or "").strip():
            raise Invalid({"note": [reason("close_note_required", "Say how it was done.")]})
        action.status, action.closed_at, action.closed_by_user_id = DONE, now, caller.user_id
        action.close_note = data["note"].strip()
    elif data.get("status") == OPEN and action.status == DONE:
        action.status, action.closed_at, action.closed_by_user_id = OPEN, None, None
        action.overdue_told_at = None
    elif data.get("status") and data["status"] != action.status:
        raise Conflict("The action is not in that state.", "action_state")
    for name in CHAIR_ONLY:
        if name in data:
            if action.status == DONE:
                raise Conflict("A done action stays as it was done.", "action_done")
            setattr(action, name, data[name])
    if "due_on" in data and action.status == OPEN:
        action.due_soon_told_at = action.overdue_told_at = None
        _tell_if_due(tx, action, today, now)
    return action


def remind(tx, today: date, now) -> int:
    """Tells of the open actions due soon or overdue that were not told of yet; how many."""
    due = select(Action).where(
        Action.status == OPEN, Action.due_on <= today + timedelta(days=DUE_SOON_DAYS),
        or_(and_(Action.due_on < today, Action.overdue_told_at.is_(None)),
            and_(Action.due_on >= today, Action.due_soon_told_at.is_(None))))
    # each replica's timer takes the rows no other holds: an action is told of once
    found = tx.session.execute(due.order_by(Action.due_on).limit(500)
                               .with_for_update(skip_locked=True)).scalars().all()
    return sum(_tell_if_due(tx, action, today, now) for action in found)


def _tell_if_due(tx, action: Action, today: date, now) -> bool:
    if action.due_on < today and action.overdue_told_at is None:
        action.overdue_told_at = action.due_soon_told_at = now
        tx.emit("action_overdue", _payload(action))
        return True
    if today <= action.due_on <= today + timedelta(days=DUE_SOON_DAYS) \
            and action.due_soon_told_at is None:
        action.due_soon_told_at = now
        tx.emit("action_due_soon", _payload(action))
        return True
    return False


def present(caller, action: Action, today: date) -> dict:
    return {**{name: getattr(action, name) for name in (
        "id", "title", "description", "meeting_id", "decision_id", "due_on", "status",
        "closed_at", "close_note", "created_at")},
        "body": bodies.described(action),
        "assignee": {"kind": "person" if action.assignee_user_id else "organization",
                     "id": action.assignee_user_id or action.assignee_organization_id,
                     "name": action.assignee_name},
        "overdue": action.status == OPEN and action.due_on < today,
        "actions": permissions.action_actions(caller, action)}


def _payload(action: Action) -> dict:
    return {"action_id": action.id, "meeting_id": action.meeting_id, "body_id": action.body_id,
            "municipio": action.municipio, "title": action.title,
            "due_on": action.due_on.isoformat(), "assignee_user_id": action.assignee_user_id,
            "assignee_organization_id": action.assignee_organization_id}
