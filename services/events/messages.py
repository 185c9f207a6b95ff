"""What an event's registrants are told beyond its changes: a message its organisers write to
all of them, and a reminder the day before, sent once. Both go on the bus (`event_message`,
`event_reminder`); the notifications service reaches each registration by the contact it left.
The message's text is the organisers'; no registrant's name or contact is in either."""
from datetime import datetime, time, timedelta

from sqlalchemy import select

from services.common.context import Caller
from services.common.errors import Conflict
from services.common.schemas import ROME, local_time
from services.events import agenda
from services.events.contract import DRAFT, PUBLISHED
from services.events.models import Event, EventMessage

REMIND_FROM = time(10, 0)  # the day before, in Milan: not at night


def send(tx, caller: Caller, event_id: str, text: str, now: datetime) -> EventMessage:
    event = agenda.get_organised(tx.session, caller, event_id)
    if event.status == DRAFT:
        raise Conflict("A draft has nobody registered to write to.", "event_not_published")
    message = EventMessage(event_id=event.id, text=text, sent_by=caller.user_id, sent_at=now,
                           households=event.households)
    tx.session.add(message)
    tx.session.flush()
    tx.emit("event_message", {"event_id": event.id, "municipio": event.municipio,
                              "message_id": message.id, "text": text})
    return message


def sent_statement(session, caller: Caller, event_id: str):
    """The messages sent, newest first (its organisers only)."""
    agenda.get_organised(session, caller, event_id)
    return select(EventMessage).where(EventMessage.event_id == event_id).order_by(
        EventMessage.sent_at.desc(), EventMessage.id)


def remind_due(tx, now: datetime) -> int:
    """Reminds the registrants of each published event of tomorrow (Milan's days), once, from
    REMIND_FROM; returns how many events."""
    local = local_time(now)
    if local.time() < REMIND_FROM:
        return 0
    tomorrow = datetime.combine(local.date() + timedelta(days=1), time(0), tzinfo=ROME)
    due = tx.session.execute(select(Event).where(
        Event.status == PUBLISHED, Event.reminded_at.is_(None),
        Event.starts_at >= tomorrow, Event.starts_at < tomorrow + timedelta(days=1),
        Event.households > 0).with_for_update(skip_locked=True)).scalars().all()  # one worker
    for event in due:
        event.reminded_at = now
        tx.emit("event_reminder", {"event_id": event.id, "municipio": event.municipio})
    return len(due)
