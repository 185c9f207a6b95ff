"""An event's places: who holds one, who waits, and moving the waiting list up.

A registration takes `adults + children` places. Whatever changes them runs with the event
locked (`lock`), so two registrations never take the same last place.
"""
from datetime import datetime

from sqlalchemy import func, select

from services.events.contract import CANCELLED, CONFIRMED, WAITLISTED
from services.events.models import Event, Registration, locked


def lock(session, event_id: str) -> Event:
    """The event, locked until the transaction ends, with its places counted afresh."""
    return locked(session, Event, event_id)


def active_registrations(session, event_id: str) -> int:
    return session.execute(select(func.count()).where(
        Registration.event_id == event_id, Registration.status != CANCELLED)).scalar_one()


def someone_waits(session, event_id: str) -> bool:
    return session.execute(select(Registration.id).where(
        Registration.event_id == event_id, Registration.status == WAITLISTED,
    ).limit(1)).first() is not None


def fill_places(tx, event: Event, now: datetime) -> list:
    """Confirms waitlisted registrations in order of arrival, each one whose party fits in the
    places left; a party too large for them keeps its turn for the next place freed."""
    tx.session.flush()
    tx.session.refresh(event, ["confirmed_people"])
    left = None if event.capacity is None else event.capacity - event.confirmed_people
    promoted = []
    waiting = tx.session.execute(select(Registration).where(
        Registration.event_id == event.id, Registration.status == WAITLISTED,
    ).order_by(Registration.position)).scalars()
    for registration in waiting:
        if left is not None and registration.people > left:
            continue
        registration.status, registration.promoted_at = CONFIRMED, now
        left = None if left is None else left - registration.people
        tx.emit("registration_promoted", registration_event(event, registration))
        promoted.append(registration)
    return promoted


def registration_event(event: Event, registration: Registration) -> dict:
    """Ids and counts only: never a registrant's name or contact."""
    return {"event_id": event.id, "registration_id": registration.id,
            "municipio": event.municipio, "adults": registration.adults,
            "children": registration.children}
