"""The daily digest: once a day, at DIGEST_HOUR in Milan, one email per person gathering what
their preferences put in `digest` since the last one."""
from collections import defaultdict
from datetime import datetime

from sqlalchemy import select

from services.common.schemas import local_time
from services.notifications.models import Delivery, Notification, Recipient
from services.notifications.templates import digest_email


def build_due(tx, now: datetime, digest_hour: int, public_url: str) -> int:
    local = local_time(now)
    if local.hour < digest_hour:
        return 0
    cutoff = local.replace(hour=digest_hour, minute=0, second=0, microsecond=0)
    waiting = tx.session.execute(select(Notification).where(
        Notification.channel == "digest", Notification.digest_id.is_(None),
        Notification.created_at < cutoff).order_by(Notification.created_at)).scalars()
    by_person = defaultdict(list)
    for notification in waiting:
        by_person[notification.user_id].append(notification)
    built = 0
    for user_id, items in by_person.items():
        person = tx.session.get(Recipient, user_id)
        if person is None or not person.email or _has_digest(tx.session, user_id, local.date()):
            continue
        delivery = Delivery(user_id=user_id, to_address=person.email, digest_day=local.date(),
                            next_attempt_at=now, **digest_email(
                                [(n.kind, n.params, n.link) for n in items], person.language,
                                local.date(), public_url))
        tx.session.add(delivery)
        tx.session.flush()
        for notification in items:
            notification.digest_id = delivery.id
        built += 1
    return built


def _has_digest(session, user_id, day) -> bool:
    return session.execute(select(Delivery.id).where(
        Delivery.user_id == user_id, Delivery.digest_day == day)).first() is not None
