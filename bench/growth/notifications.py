"""Notifications: a million over five years, a hundred thousand of them a busy person's
(partner8b, who receives referrals), a tenth of those unread."""
import uuid
from datetime import datetime, timedelta, timezone

from sqlalchemy import insert, select, update

from bench.growth import Operation, at
from services.common.database import Store
from services.notifications.models import Base, Notification, Recipient

SERVICE = "notifications"
BUSY = "partner8b"
OTHERS = 2_000  # people sharing the rest
CHUNK = 20_000
FIVE_YEARS_AGO = datetime.now(timezone.utc) - timedelta(days=5 * 365)


def seed(url: str, scale: float, demo) -> dict:
    everyone = at(scale, "notifications")
    busy = at(scale, "notifications_of_a_busy_person")
    busy_id = demo.users[BUSY]["id"]
    people = [busy_id] + [f"bench-person-{number}" for number in range(OTHERS)]
    counts = {person: [0, 0] for person in people}
    store = Store(url, Base.metadata)
    try:
        for start in range(0, everyone, CHUNK):
            rows = []
            for number in range(start, min(everyone, start + CHUNK)):
                person = busy_id if number < busy else people[1 + number % OTHERS]
                created = FIVE_YEARS_AGO + timedelta(minutes=number * 2.6 / scale / 100)
                unread = number % 10 == 0
                counts[person][0] += 1
                counts[person][1] += unread
                rows.append({"id": str(uuid.uuid4()), "user_id": person,
                             "kind": "referral_sent", "event_id": str(uuid.uuid4()),
                             "params": {"code": f"R-{number}", "sender": "APS",
                                        "receiver": "ETS", "urgency": "normal",
                                        "referral_id": str(uuid.uuid4())},
                             "link": "/referrals", "channel": "in_app", "created_at": created,
                             "read_at": None if unread else created})
            with store.transaction() as tx:
                tx.session.execute(insert(Notification), rows)
        with store.transaction() as tx:
            known = set(tx.session.execute(select(Recipient.user_id)).scalars())
            for person in known & set(counts):
                told, unread = counts.pop(person)
                tx.session.execute(update(Recipient).where(Recipient.user_id == person).values(
                    notifications=Recipient.notifications + told,
                    unread=Recipient.unread + unread))
            tx.session.execute(insert(Recipient), [
                {"user_id": person, "language": "it", "notifications": told, "unread": unread}
                for person, (told, unread) in counts.items() if told])
    finally:
        store.dispose()
    return {"busy": busy}


def operations(context: dict) -> list:
    last_page = -(-context["busy"] // 50)
    return [Operation("a busy person's notifications, page 1", "/api/v1/notifications", BUSY),
            Operation("a busy person's notifications, last page",
                      f"/api/v1/notifications?page={last_page}", BUSY),
            Operation("unread count of a busy person",
                      "/api/v1/notifications?unread=true&per_page=1", BUSY)]
