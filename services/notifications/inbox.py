"""Each person's in-app inbox."""
from datetime import datetime, timezone

from sqlalchemy import func, select

from services.common.context import Caller
from services.common.errors import NotFound
from services.notifications.models import Notification
from services.notifications.templates import render


def deliver(tx, recipients, kind: str, params: dict, event_id: str, link: str | None = None) -> int:
    """One notification per recipient for this event."""
    for recipient in recipients:
        tx.session.add(Notification(user_id=recipient["user_id"], kind=kind, params=params,
                                    link=link, event_id=event_id))
    return len(recipients)


def inbox_statement(caller: Caller, unread: bool = False):
    caller.require_authenticated()
    statement = select(Notification).where(Notification.user_id == caller.user_id)
    if unread:
        statement = statement.where(Notification.read_at.is_(None))
    return statement.order_by(Notification.created_at.desc(), Notification.id)


def unread_count(session, caller: Caller) -> int:
    return session.execute(select(func.count()).where(
        Notification.user_id == caller.user_id, Notification.read_at.is_(None))).scalar_one()


def mark_read(session, caller: Caller, notification_id: str) -> Notification:
    caller.require_authenticated()
    notification = session.get(Notification, notification_id)
    if notification is None or notification.user_id != caller.user_id:
        raise NotFound("No such notification.")
    if notification.read_at is None:
        notification.read_at = datetime.now(timezone.utc)
    return notification


def present(notification: Notification, language: str) -> dict:
    return {
        "id": notification.id,
        "kind": notification.kind,
        **render(notification.kind, notification.params, language),
        "link": notification.link,
        "created_at": notification.created_at,
        "read": notification.read_at is not None,
        "read_at": notification.read_at,
    }
