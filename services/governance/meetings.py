"""Meetings: the chair convenes a body's meeting and its members are invited; every change of
when or where raises the invitation's SEQUENCE, so calendars replace the old one; the invited
answer; the chair takes attendance."""
from sqlalchemy import select

from services.common.checks import reason
from services.common.database import find
from services.common.errors import Conflict, Forbidden, Invalid, NotFound
from services.governance import bodies, permissions
from services.governance.contract import CANCELLED, PERSON, SCHEDULED, out_of_order
from services.governance.models import Document, Meeting, Minutes

INVITATION_FIELDS = ("title", "starts_at", "ends_at", "place", "online_url", "agenda")


def visible(session, caller, meeting_id: str) -> Meeting:
    meeting = find(session, Meeting, meeting_id)
    if meeting is None or not permissions.is_member(caller, meeting):
        raise NotFound("No such meeting.", "meeting_not_found")
    return meeting


def chaired(session, caller, meeting_id: str) -> Meeting:
    meeting = visible(session, caller, meeting_id)
    if not permissions.chairs_meeting(caller, meeting):
        raise Forbidden("Only the body's chair may do this.", "chair_only")
    return meeting


def scheduled(meeting: Meeting) -> Meeting:
    if meeting.status != SCHEDULED:
        raise Conflict("The meeting was cancelled.", "meeting_cancelled")
    return meeting


def page_statement(caller, body_id=None, upcoming=None, now=None):
    caller.require_authenticated()
    statement = select(Meeting).where(permissions.members_meetings(caller))
    if body_id:
        statement = statement.where(Meeting.body_id == body_id)
    if upcoming:
        return statement.where(Meeting.ends_at >= now, Meeting.status == SCHEDULED).order_by(
            Meeting.starts_at, Meeting.id)
    return statement.order_by(Meeting.starts_at.desc(), Meeting.id)


def convene(tx, caller, body: dict, data: dict, now) -> Meeting:
    """`body` is the directory's description of the body (bodies.of_directory)."""
    caller.require_authenticated()
    if not permissions.chairs(caller, body["kind"], body["municipio"]):
        raise Forbidden("Only the body's chair convenes it.", "chair_only")
    meeting = Meeting(body_id=body["id"], body_kind=body["kind"], body_name=body["name"],
                      municipio=body["municipio"], chair_user_id=caller.user_id,
                      status=SCHEDULED, sequence=0, created_at=now, updated_at=now,
                      **{name: data.get(name) for name in INVITATION_FIELDS})
    meeting.invitees = bodies.invitees(body)
    tx.session.add(meeting)
    tx.session.flush()
    tx.emit("meeting_convened", invitation_payload(meeting))
    return meeting


def change(tx, caller, meeting_id: str, data: dict, now) -> Meeting:
    meeting = scheduled(chaired(tx.session, caller, meeting_id))
    merged = {name: data.get(name, getattr(meeting, name)) for name in INVITATION_FIELDS}
    refused = out_of_order(merged)
    if refused:
        raise Invalid(refused)
    if all(merged[name] == getattr(meeting, name) for name in INVITATION_FIELDS):
        return meeting
    for name, value in merged.items():
        setattr(meeting, name, value)
    return _invited_again(tx, meeting, "meeting_updated", now)


def cancel(tx, caller, meeting_id: str, data: dict, now) -> Meeting:
    meeting = scheduled(chaired(tx.session, caller, meeting_id))
    meeting.status = CANCELLED
    meeting.cancel_reason = data.get("reason")
    return _invited_again(tx, meeting, "meeting_cancelled", now)


def _invited_again(tx, meeting: Meeting, event_type: str, now) -> Meeting:
    """A changed invitation replaces the one calendars hold: its SEQUENCE goes up."""
    meeting.sequence += 1
    meeting.updated_at = now
    tx.emit(event_type, invitation_payload(meeting))
    return meeting


def answer(tx, caller, meeting_id: str, given: str, now) -> Meeting:
    meeting = scheduled(visible(tx.session, caller, meeting_id))
    invitation = permissions.invitation_of(caller, meeting)
    if invitation is None:
        raise Forbidden("Only the invited answer.", "not_invited")
    invitation.answer, invitation.answered_at = given, now
    invitation.answered_by_user_id = caller.user_id
    return meeting


def take_attendance(tx, caller, meeting_id: str, present: list) -> Meeting:
    meeting = scheduled(chaired(tx.session, caller, meeting_id))
    invited = {invitee.member_id for invitee in meeting.invitees}
    strangers = [index for index, member_id in enumerate(present) if member_id not in invited]
    if strangers:
        raise Invalid({f"present.{index}": [reason("not_invited", "Not among the invited.")]
                       for index in strangers})
    for invitee in meeting.invitees:
        invitee.attended = invitee.member_id in present
    return meeting


def invitation_payload(meeting: Meeting) -> dict:
    return {"meeting_id": meeting.id, "body_id": meeting.body_id, "body_kind": meeting.body_kind,
            "municipio": meeting.municipio, "sequence": meeting.sequence,
            "chair_user_id": meeting.chair_user_id, **members(meeting)}


def members(meeting: Meeting) -> dict:
    """The invited as ids, for who is told: people and organisations."""
    return {"user_ids": [i.member_id for i in meeting.invitees if i.kind == PERSON],
            "organization_ids": [i.member_id for i in meeting.invitees if i.kind != PERSON]}


def present(session, caller, meeting: Meeting, summary: bool = False) -> dict:
    """The meeting as the caller sees it; `summary` leaves out its minutes and documents (a
    list's rows)."""
    mine = permissions.invitation_of(caller, meeting)
    found = {
        **{name: getattr(meeting, name) for name in (
            "id", "title", "starts_at", "ends_at", "place", "online_url", "agenda", "status",
            "sequence", "chair_user_id", "cancel_reason")},
        "body": bodies.described(meeting),
        "invitees": [{"id": i.member_id, "kind": i.kind, "name": i.name, "role": i.role,
                      "answer": i.answer, "attended": i.attended} for i in meeting.invitees],
        "my_answer": mine.answer if mine else None,
        "actions": permissions.meeting_actions(caller, meeting),
    }
    if summary:
        return found
    latest = session.execute(select(Minutes).where(Minutes.meeting_id == meeting.id)
                             .order_by(Minutes.version.desc()).limit(1)).scalar()
    found["minutes"] = {"version": latest.version, "status": latest.status} if latest else None
    found["documents"] = session.execute(select(Document).where(
        Document.meeting_id == meeting.id).order_by(Document.uploaded_at)).scalars().all()
    return found
