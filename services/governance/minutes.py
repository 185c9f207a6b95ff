"""Minutes: the chair drafts them, circulates them to the members for comments and approves
them; an approved version is frozen. A correction is the next version, with its reason, and
goes the same way; the versions before stay as they were approved."""
from sqlalchemy import select

from services.common.errors import Conflict, Forbidden, NotFound
from services.governance import meetings, permissions
from services.governance.contract import APPROVED, CIRCULATED, DRAFT
from services.governance.models import Minutes, MinutesComment


def latest(session, meeting_id: str) -> Minutes | None:
    return session.execute(select(Minutes).where(Minutes.meeting_id == meeting_id)
                           .order_by(Minutes.version.desc()).limit(1)).scalar()


def written(session, meeting_id: str) -> Minutes:
    found = latest(session, meeting_id)
    if found is None:
        raise NotFound("The minutes are not written yet.", "minutes_not_written")
    return found


def version_of(session, meeting_id: str, version: int) -> Minutes:
    found = session.execute(select(Minutes).where(Minutes.meeting_id == meeting_id,
                                                  Minutes.version == version)).scalar()
    if found is None:
        raise NotFound("No such version of the minutes.", "minutes_not_written")
    return found


def write(tx, caller, meeting_id: str, data: dict, now) -> Minutes:
    meeting = meetings.chaired(tx.session, caller, meeting_id)
    current = latest(tx.session, meeting.id)
    if current is None or current.status == APPROVED:
        if current is not None and not data.get("reason"):
            raise Conflict("Approved minutes are frozen: a correction is a new version with "
                           "its reason.", "minutes_frozen")
        current = Minutes(meeting_id=meeting.id, version=(current.version + 1) if current else 1,
                          status=DRAFT, text=data["text"], reason=data.get("reason"),
                          drafted_by_user_id=caller.user_id, created_at=now, updated_at=now)
        tx.session.add(current)
    else:
        current.text, current.updated_at = data["text"], now
        if data.get("reason"):
            current.reason = data["reason"]
    tx.session.flush()
    if data.get("circulate") and current.status == DRAFT:
        current.status, current.circulated_at = CIRCULATED, now
        tx.emit("minutes_circulated", _payload(meeting, current))
    return current


def comment(tx, caller, meeting_id: str, text: str, now) -> Minutes:
    meeting = meetings.visible(tx.session, caller, meeting_id)
    current = written(tx.session, meeting.id)
    if current.status != CIRCULATED:
        raise Conflict("Comments are taken while the minutes are circulated.",
                       "minutes_not_circulated")
    invitation = permissions.invitation_of(caller, meeting)
    author = invitation.name if invitation is not None else caller.username
    tx.session.add(MinutesComment(minutes_id=current.id, user_id=caller.user_id, author=author,
                                  text=text, created_at=now))
    tx.session.flush()
    tx.session.refresh(current)
    return current


def approve(tx, caller, meeting_id: str, now) -> Minutes:
    meeting = meetings.chaired(tx.session, caller, meeting_id)
    current = written(tx.session, meeting.id)
    if current.status == APPROVED:
        raise Conflict("These minutes are already approved.", "minutes_frozen")
    current.status, current.approved_at = APPROVED, now
    current.approved_by_user_id = caller.user_id
    tx.emit("minutes_approved", _payload(meeting, current))
    return current


def present(session, caller, meeting, current: Minutes) -> dict:
    if not permissions.is_member(caller, meeting):
        raise Forbidden("Only the body's members read its minutes.", "members_only")
    versions = session.execute(select(Minutes).where(Minutes.meeting_id == meeting.id)
                               .order_by(Minutes.version)).scalars().all()
    return {**{name: getattr(current, name) for name in (
        "version", "status", "text", "reason", "updated_at", "circulated_at", "approved_at",
        "approved_by_user_id", "comments")},
        "meeting_id": meeting.id, "versions": versions,
        "actions": permissions.minutes_actions(caller, meeting, current)}


def _payload(meeting, current: Minutes) -> dict:
    return {"meeting_id": meeting.id, "body_id": meeting.body_id, "body_kind": meeting.body_kind,
            "municipio": meeting.municipio, "version": current.version,
            **meetings.members(meeting)}
