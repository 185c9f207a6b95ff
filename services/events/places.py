"""An event's places: who holds one, who waits, and moving the waiting list up.

A registration takes `adults + children` places. Whatever changes them runs with the event
locked (`lock`), so two registrations never take the same last place, and moves the event's
counts of people in places with the registration (`move`), so that lists and statistics read
them without adding up the registrations.
"""
from datetime import datetime

from sqlalchemy import and_, func, or_, select

from services.events.contract import CANCELLED, CONFIRMED, PENDING, WAITLISTED
from services.events.models import Event, Registration, locked


def lock(session, event_id: str) -> Event:
    """The event, locked until the transaction ends, with its places counted afresh."""
    return locked(session, Event, event_id)


def active_registrations(session, event_id: str) -> int:
    return session.execute(select(func.count()).where(
        Registration.event_id == event_id, Registration.status != CANCELLED)).scalar_one()


def counts(session, event_id: str) -> dict:
    """How many registered, without a name: people confirmed, waiting for their contact's answer
    and on the waiting list; households."""
    people = func.coalesce(func.sum(Registration.adults + Registration.children), 0)
    by_status = dict(session.execute(select(Registration.status, people).where(
        Registration.event_id == event_id).group_by(Registration.status)).all())
    return {"confirmed_people": int(by_status.get(CONFIRMED, 0)),
            "pending_people": int(by_status.get(PENDING, 0)),
            "waitlisted_people": int(by_status.get(WAITLISTED, 0)),
            "households": active_registrations(session, event_id)}


# waiting for a place: on the waiting list, or pending without places kept for it
WAITING = or_(Registration.status == WAITLISTED,
              and_(Registration.status == PENDING, Registration.holds_place.is_(False)))


def holds_places(registration: Registration) -> bool:
    return registration.status == CONFIRMED or (registration.status == PENDING
                                                and registration.holds_place)


def move(event: Event, registration: Registration, status: str, holds_place: bool | None = None):
    """Gives a registration (new, or of the locked event) its status, and whether it holds its
    places, and moves the event's counts of people with it."""
    confirmed, pending = _people_in_places(registration)
    registration.status = status
    if holds_place is not None:
        registration.holds_place = holds_place
    now_confirmed, now_pending = _people_in_places(registration)
    event.confirmed_people += now_confirmed - confirmed
    event.pending_people += now_pending - pending


def _people_in_places(registration: Registration) -> tuple:
    """(confirmed, pending) people in the places it holds"""
    if not holds_places(registration):
        return 0, 0
    return (registration.people, 0) if registration.status == CONFIRMED else (
        0, registration.people)


def someone_waits(session, event_id: str) -> bool:
    return session.execute(select(Registration.id).where(
        Registration.event_id == event_id, WAITING).limit(1)).first() is not None


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
