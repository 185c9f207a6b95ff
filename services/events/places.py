"""An event's places: who holds one, who waits, and moving the waiting list up.

A registration takes `adults + children` places. Whatever changes them runs with the event
locked (`lock`), so two registrations never take the same last place, and moves the event's
counts with the registration (`move`), so that lists and statistics read them without adding
up the registrations.
"""
from datetime import datetime

from sqlalchemy import and_, or_, select

from services.events.contract import CANCELLED, CONFIRMED, PENDING, WAITLISTED
from services.events.models import Event, Registration, locked


def lock(session, event_id: str) -> Event:
    """The event, locked until the transaction ends, with its places counted afresh."""
    return locked(session, Event, event_id)


def counts(event: Event) -> dict:
    """How many registered, without a name: people confirmed, waiting for their contact's answer
    and on the waiting list; households."""
    return {"confirmed_people": event.confirmed_people,
            "pending_people": event.pending_people + event.unplaced_pending_people,
            "waitlisted_people": event.waitlisted_people, "households": event.households}


# waiting for a place: on the waiting list, or pending without places kept for it
WAITING = or_(Registration.status == WAITLISTED,
              and_(Registration.status == PENDING, Registration.holds_place.is_(False)))


def holds_places(registration: Registration) -> bool:
    return registration.status == CONFIRMED or (registration.status == PENDING
                                                and registration.holds_place)


def move(event: Event, registration: Registration, status: str, holds_place: bool | None = None):
    """Gives a registration (new, or of the locked event) its status, and whether it holds its
    places, and moves the event's counts with it."""
    for counter, value in _counted(registration).items():
        setattr(event, counter, getattr(event, counter) - value)
    registration.status = status
    if holds_place is not None:
        registration.holds_place = holds_place
    for counter, value in _counted(registration).items():
        setattr(event, counter, getattr(event, counter) + value)


def attend(event: Event, registration: Registration, attended: bool | None):
    """Marks whether a registration (of the locked event) came, and counts its people among
    those who came to the event."""
    change = bool(attended) - bool(registration.attended)
    registration.attended = attended
    event.attended_people += change * registration.people


def _counted(registration: Registration) -> dict:
    """What a registration adds to its event's counts."""
    if registration.status in (None, CANCELLED):
        return {}
    people = {CONFIRMED: "confirmed_people", WAITLISTED: "waitlisted_people"}.get(
        registration.status,
        "pending_people" if registration.holds_place else "unplaced_pending_people")
    return {people: registration.people, "households": 1}


def someone_waits(event: Event) -> bool:
    return event.waitlisted_people + event.unplaced_pending_people > 0


def fill_places(tx, event: Event, now: datetime) -> list:
    """Gives the places left to those waiting, in order of arrival, each one whose party fits;
    a party too large for them keeps its turn for the next place freed. A waitlisted
    registration is confirmed; a pending one has its places kept until its contact confirms."""
    left = None if event.capacity is None else event.capacity - event.taken_people
    promoted = []
    waiting = tx.session.execute(select(Registration).where(
        Registration.event_id == event.id, WAITING).order_by(Registration.position)).scalars()
    for registration in waiting:
        if left is not None and registration.people > left:
            continue
        left = None if left is None else left - registration.people
        if registration.status == PENDING:
            move(event, registration, PENDING, holds_place=True)
            continue
        move(event, registration, CONFIRMED)
        registration.promoted_at = now
        tx.emit("registration_promoted", registration_event(event, registration))
        promoted.append(registration)
    return promoted


def registration_event(event: Event, registration: Registration) -> dict:
    """Ids and counts only: never a registrant's name or contact."""
    return {"event_id": event.id, "registration_id": registration.id,
            "municipio": event.municipio, "adults": registration.adults,
            "children": registration.children}
