"""Each person's inbox, and the emails it owes them."""
from datetime import datetime, timezone

from sqlalchemy import select, update

from services.common.context import Caller
from services.common.errors import NotFound
from services.notifications.kinds import MANDATORY
from services.notifications.mailer import next_allowed
from services.notifications.models import Delivery, Notification, Recipient
from services.notifications.preferences import channels_for
from services.notifications.templates import email, render

BATCH = 500


def deliver(tx, recipients: list, kind: str, params: dict, event_id: str, link: str | None,
            public_url: str, now: datetime | None = None, quiet_hours: str = "20:00-08:00",
            calendar: str | None = None) -> int:
    """Tells each recipient once, by the channel they chose for `kind`; in batches, so one
    event for a thousand people is a few inserts. `quiet_hours` ("20:00-08:00", or "" for
    none) is what a person has until they choose their own; `calendar`, an iCalendar text
    each email carries."""
    now = now or datetime.now(timezone.utc)
    people = _remember(tx.session, recipients, quiet_hours)
    channels = channels_for(tx.session, kind, recipients)
    told = 0
    for start in range(0, len(recipients), BATCH):
        rows = []
        for recipient in recipients[start:start + BATCH]:
            channel = channels[recipient["user_id"]]
            if channel == "off":
                if kind not in MANDATORY:
                    continue
                channel = "in_app"
            notification = Notification(user_id=recipient["user_id"], kind=kind, params=params,
                                        link=link, event_id=event_id, channel=channel,
                                        created_at=now)
            rows.append(notification)
            person = people[recipient["user_id"]]
            if channel == "email" and person.email:
                rows.append(Delivery(
                    notification=notification, user_id=person.user_id, to_address=person.email,
                    next_attempt_at=next_allowed(now, person.quiet_from, person.quiet_to),
                    calendar=calendar, **email(kind, params, person.language, link, public_url)))
        tx.session.add_all(rows)
        tx.session.flush()
        counted = [row.user_id for row in rows if isinstance(row, Notification)]
        tx.session.execute(update(Recipient).where(Recipient.user_id.in_(counted)).values(
            notifications=Recipient.notifications + 1, unread=Recipient.unread + 1),
            execution_options={"synchronize_session": False})
        told += len(counted)
    return told


def emails_owed(session, kind: str, recipients: list) -> bool:
    """Whether telling `recipients` of `kind` would owe any of them an email."""
    channels = channels_for(session, kind, recipients)
    return any(person.get("email") and channels[person["user_id"]] == "email"
               for person in recipients)


def _remember(session, recipients, quiet_hours: str) -> dict:
    """Keeps each person's address and language as the directory last said them."""
    quiet_from, _, quiet_to = quiet_hours.partition("-")
    ids = [r["user_id"] for r in recipients]
    known = {p.user_id: p for p in session.execute(
        select(Recipient).where(Recipient.user_id.in_(ids))).scalars()}
    for recipient in recipients:
        person = known.get(recipient["user_id"])
        if person is None:
            person = known[recipient["user_id"]] = Recipient(
                user_id=recipient["user_id"], quiet_from=quiet_from or None,
                quiet_to=quiet_to or None)
            session.add(person)
        person.email = recipient.get("email") or person.email
        person.language = recipient.get("language") or person.language or "it"
    return known


def inbox_page(session, caller: Caller, page: int, per_page: int, unread: bool = False) -> dict:
    """A page of the caller's notifications, newest first, with the counts kept with the person.
    A page past the middle is read from the oldest end, so that it costs what its page costs
    and not what the inbox holds (the last page as little as the first)."""
    caller.require_authenticated()
    told, not_read = session.execute(select(Recipient.notifications, Recipient.unread).where(
        Recipient.user_id == caller.user_id)).one_or_none() or (0, 0)
    total = not_read if unread else told
    statement = select(Notification).where(Notification.user_id == caller.user_id)
    if unread:
        statement = statement.where(Notification.read_at.is_(None))
    skipped = (page - 1) * per_page
    if skipped * 2 <= total:
        rows = session.execute(statement.order_by(
            Notification.created_at.desc(), Notification.id.desc())
            .limit(per_page).offset(skipped)).scalars().all()
    else:
        shown = max(0, min(per_page, total - skipped))
        rows = session.execute(statement.order_by(
            Notification.created_at, Notification.id)
            .limit(shown).offset(max(0, total - skipped - shown))).scalars().all()[::-1]
    return {"items": rows, "page": page, "per_page": per_page, "total": total,
            "unread": not_read}


def mark_read(session, caller: Caller, notification_id: str) -> Notification:
    caller.require_authenticated()
    notification = session.get(Notification, notification_id)
    if notification is None or notification.user_id != caller.user_id:
        raise NotFound("No such notification.", "notification_not_found")
    if notification.read_at is None:
        # only the transaction that marks it counts it, however many mark it at once
        marked = session.execute(update(Notification).where(
            Notification.id == notification.id, Notification.read_at.is_(None))
            .values(read_at=datetime.now(timezone.utc)),
            execution_options={"synchronize_session": False}).rowcount
        _read(session, caller, marked)
        session.refresh(notification)
    return notification


def mark_all_read(session, caller: Caller) -> int:
    caller.require_authenticated()
    marked = session.execute(update(Notification).where(
        Notification.user_id == caller.user_id, Notification.read_at.is_(None))
        .values(read_at=datetime.now(timezone.utc))).rowcount
    _read(session, caller, marked)
    return marked


def _read(session, caller: Caller, marked: int):
    if marked:
        session.execute(update(Recipient).where(Recipient.user_id == caller.user_id)
                        .values(unread=Recipient.unread - marked),
                        execution_options={"synchronize_session": False})


def email_statuses(session, notifications) -> dict:
    ids = [n.id for n in notifications]
    return dict(session.execute(select(Delivery.notification_id, Delivery.status).where(
        Delivery.notification_id.in_(ids))).all())


def present(notification: Notification, language: str, email_status: str | None = None) -> dict:
    if notification.channel == "digest":
        email_status = "sent" if notification.digest_id else "digest"
    return {
        "id": notification.id,
        "kind": notification.kind,
        **render(notification.kind, notification.params, language),
        "link": notification.link,
        "channel": notification.channel,
        "email_status": email_status,
        "created_at": notification.created_at,
        "read": notification.read_at is not None,
        "read_at": notification.read_at,
    }
