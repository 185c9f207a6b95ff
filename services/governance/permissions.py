"""Who sees and does what in governance (enforced here, in the governance service).

- A body is chaired by its tier: the cabina di regia and the gruppo di progetto of the
  city-wide project by the city tier, a coordinamento municipale and a municipio's gruppo di
  progetto by that municipio's coordinators. The chair convenes, takes attendance, writes and
  approves the minutes, records decisions and gives out actions.
- A meeting, its minutes and documents are seen by those invited when it was convened (a person,
  or anyone of an invited organisation) and by its chairs. Anyone else: 404.
- A decision is seen whole by its meeting's members. Above and below, titles and links only:
  the city tier sees the coordinamenti's, the municipal tier (coordinators and social workers)
  the cabina di regia's. Nobody else.
- An action is seen by its meeting's members and by its assignee, who may close it with a note
  or reopen it; the chair may change everything.

Each answer carries the `actions` the caller may take, from these same rules.
"""
from sqlalchemy import and_, false, or_, select

from services.common.context import CITY, COORDINATOR, SOCIAL_WORKER, Caller
from services.governance.contract import (APPROVED, CIRCULATED, CITY_COMMITTEE, COORDINATION,
                                          DONE, OPEN, SCHEDULED)
from services.governance.models import Action, Decision, Invitee, Meeting


def chairs(caller: Caller, kind: str, municipio: int | None) -> bool:
    if not caller.authenticated:
        return False
    if kind == CITY_COMMITTEE or municipio is None:
        return caller.has_role(CITY)
    return caller.has_role(COORDINATOR) and int(municipio) in caller.municipi


def chairs_meeting(caller: Caller, meeting: Meeting) -> bool:
    return chairs(caller, meeting.body_kind, meeting.municipio)


def invitation_of(caller: Caller, meeting: Meeting) -> Invitee | None:
    """The caller's own invitation, else its organisation's."""
    if not caller.authenticated:
        return None
    mine = [i for i in meeting.invitees if i.member_id == caller.user_id]
    ours = [i for i in meeting.invitees if caller.organization_id
            and i.member_id == caller.organization_id]
    return (mine or ours or [None])[0]


def is_member(caller: Caller, meeting: Meeting) -> bool:
    return chairs_meeting(caller, meeting) or invitation_of(caller, meeting) is not None


def members_meetings(caller: Caller):
    """`is_member` as SQL over meetings."""
    if not caller.authenticated:
        return false()
    ids = [i for i in (caller.user_id, caller.organization_id) if i]
    invited = Meeting.id.in_(select(Invitee.meeting_id).where(Invitee.member_id.in_(ids)))
    return or_(invited, *_chaired(caller, Meeting))


def _chaired(caller: Caller, model) -> list:
    """The rows of the bodies the caller chairs, as SQL conditions on `model`'s body columns."""
    found = []
    if caller.has_role(CITY):
        found += [model.body_kind == CITY_COMMITTEE, model.municipio.is_(None)]
    if caller.has_role(COORDINATOR) and caller.municipi:
        found.append(and_(model.body_kind != CITY_COMMITTEE,
                          model.municipio.in_(caller.municipi)))
    return found


def title_only_kinds(caller: Caller) -> tuple:
    """The kinds of body whose decisions the caller's tier sees by title and links only."""
    kinds = ()
    if caller.has_role(CITY):
        kinds += (COORDINATION,)
    if caller.has_role(COORDINATOR, SOCIAL_WORKER):
        kinds += (CITY_COMMITTEE,)
    return kinds


def visible_decisions(caller: Caller):
    if not caller.authenticated:
        return false()
    return or_(Decision.meeting_id.in_(select(Meeting.id).where(members_meetings(caller))),
               Decision.body_kind.in_(title_only_kinds(caller)))


def is_assignee(caller: Caller, action: Action) -> bool:
    return caller.authenticated and (
        action.assignee_user_id == caller.user_id
        or (caller.organization_id is not None
            and action.assignee_organization_id == caller.organization_id))


def assigned_to(caller: Caller):
    ids = [i for i in (caller.user_id, caller.organization_id) if i]
    return or_(Action.assignee_user_id.in_(ids), Action.assignee_organization_id.in_(ids))


def visible_actions(caller: Caller):
    if not caller.authenticated:
        return false()
    return or_(assigned_to(caller),
               Action.meeting_id.in_(select(Meeting.id).where(members_meetings(caller))))


# --- what each answer offers -------------------------------------------------------------------

def meeting_actions(caller: Caller, meeting: Meeting) -> list:
    chair = chairs_meeting(caller, meeting)
    scheduled = meeting.status == SCHEDULED
    offered = []
    if chair and scheduled:
        offered += ["edit", "cancel", "take_attendance"]
    if invitation_of(caller, meeting) is not None and scheduled:
        offered.append("answer")
    if chair:
        offered += ["write_minutes", "record_decision", "assign_action"]
    if is_member(caller, meeting):
        offered.append("attach_document")
    return offered


def minutes_actions(caller: Caller, meeting: Meeting, minutes) -> list:
    chair = chairs_meeting(caller, meeting)
    if minutes is None:
        return ["write"] if chair else []
    if minutes.status == APPROVED:
        return ["correct"] if chair else []
    offered = ["write", "circulate", "approve"] if chair else []
    if minutes.status == CIRCULATED and is_member(caller, meeting):
        offered.append("comment")
    return offered


def chairs_action(caller: Caller, action: Action) -> bool:
    return chairs(caller, action.body_kind, action.municipio)


def action_actions(caller: Caller, action: Action) -> list:
    chair = chairs_action(caller, action)
    offered = []
    if chair or is_assignee(caller, action):
        offered.append("close" if action.status == OPEN else "reopen")
    if chair and action.status != DONE:
        offered.append("edit")
    return offered
