"""Registrations to an event: pending until their contact confirms them, then confirmed while
places remain, else waitlisted in order.

A new registration is pending. Its contact is sent a one-time link to confirm it, by email or by
SMS (only the link token's digest is kept); a phone's may be confirmed by an organiser too, who
can call it. Meanwhile it keeps the places it found free (or its turn for them) until it expires
(REGISTRATION_CONFIRM_HOURS after, or at the event's start when sooner), when it is cancelled
and its places go to whoever waits: nobody holds places without answering.

Anyone who can see a published event registers until it starts, once per contact. The answer
carries a cancel token (only its hash is kept), with which the registrant cancels without an
account; organisers cancel too. A cancelled confirmed registration frees its places for the
waiting list. The event's organisers alone list and export the registrations and mark who
came.
"""
import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from sqlalchemy import func, select

from services.common.context import Caller
from services.common.errors import Conflict, Gone, NotFound
from services.common.schemas import local_time
from services.common.spreadsheets import Sheet
from services.events import agenda
from services.events.contract import BY_EMAIL, CANCELLED, CONFIRMED, PENDING, PUBLISHED, WAITLISTED
from services.events.models import Registration
from services.events.permissions import has_started
from services.events.places import (attend, fill_places, holds_places, lock, move,
                                    registration_event, someone_waits)

CSV_COLUMNS = ("Nome", "Contatto", "Adulti", "Bambini", "Stato", "Ordine di arrivo", "Presente",
               "Iscrizione")
STATUS_IT = {PENDING: "da confermare", CONFIRMED: "confermata",
             WAITLISTED: "in lista d'attesa", CANCELLED: "annullata"}
ATTENDED_IT = {True: "sì", False: "no", None: ""}


def register(tx, caller: Caller, event_id: str, data: dict, now: datetime,
             confirm_within: timedelta, cipher):
    """The new pending registration and its cancel token (given once, never stored); the
    contact and its confirmation link cross the bus sealed, for the notifications service."""
    event = lock(tx.session, agenda.get_visible(tx.session, caller, event_id).id)
    if event.status != PUBLISHED:
        raise Conflict("This event does not take registrations: it is not published.",
                       "event_not_published")
    if has_started(event, now):
        raise Conflict("Registrations closed when the event started.", "registrations_closed")
    if tx.session.execute(select(Registration.id).where(
            Registration.event_id == event.id, Registration.contact == data["contact"],
            Registration.status != CANCELLED)).first():
        raise Conflict("Someone with this contact is already registered.", "already_registered")
    people = data["adults"] + data["children"]
    fits = event.capacity is None or (not someone_waits(event)
                                      and event.taken_people + people <= event.capacity)
    token, confirm_token = secrets.token_urlsafe(24), secrets.token_urlsafe(24)
    registration = Registration(
        event_id=event.id, created_at=now,
        position=_last_position(tx.session, event.id) + 1, cancel_token_hash=_hash(token),
        confirm_token_hash=_hash(confirm_token),
        expires_at=min(now + confirm_within, event.starts_at), **data)
    move(event, registration, PENDING, holds_place=fits)
    tx.session.add(registration)
    tx.session.flush()
    # the link goes by email, or by SMS to a phone (an organiser may confirm that one too)
    channel = "email" if registration.confirmation == BY_EMAIL else "phone"
    tx.emit("registration_requested", {
        **registration_event(event, registration), "title": event.title,
        "starts_at": local_time(event.starts_at).isoformat(),
        "expires_at": registration.expires_at.isoformat(), "language": caller.language,
        "sealed": cipher.seal_text({channel: registration.contact, "token": confirm_token,
                                    "name": registration.name})})
    return registration, token


def confirm(tx, caller: Caller, event_id: str, registration_id: str, token: str | None,
            now: datetime) -> Registration:
    """By the link sent to the contact (once), or by an organiser: the pending registration
    takes the places kept for it, or its turn on the waiting list."""
    registration = tx.session.get(Registration, registration_id)
    if registration is None or registration.event_id != event_id:
        raise NotFound("No such registration.", "registration_not_found")
    if token is None:
        agenda.get_organised(tx.session, caller, event_id)
    event = lock(tx.session, event_id)
    tx.session.refresh(registration)  # as the previous holder of the lock left it
    if event.status != PUBLISHED:
        raise Conflict("This event does not take registrations: it is not published.",
                       "event_not_published")
    if token is not None and not (registration.confirm_token_hash and hmac.compare_digest(
            _hash(token), registration.confirm_token_hash)):
        raise Gone("This link was used, or has expired.", "link_gone")
    if registration.status != PENDING or registration.expires_at <= now:
        raise Conflict("This registration is not waiting to be confirmed.",
                       "registration_not_pending")
    move(event, registration, CONFIRMED if registration.holds_place else WAITLISTED)
    registration.confirm_token_hash, registration.confirmed_at = None, now
    tx.emit(f"registration_{registration.status}", registration_event(event, registration))
    return registration


def expire_due(tx, now: datetime) -> int:
    """Cancels the pending registrations whose time is up, and gives their places to whoever
    waits. How many expired."""
    lapsed = Registration.status == PENDING, Registration.expires_at <= now
    event_ids = tx.session.execute(select(Registration.event_id).where(*lapsed).distinct())
    expired = 0
    for event_id in sorted(event_ids.scalars()):
        event = lock(tx.session, event_id)
        due = tx.session.execute(select(Registration).where(
            Registration.event_id == event_id, *lapsed)).scalars().all()
        held = any(holds_places(registration) for registration in due)
        for registration in due:
            move(event, registration, CANCELLED)
            registration.cancelled_at, registration.confirm_token_hash = now, None
        if held:
            fill_places(tx, event, now)
        expired += len(due)
    return expired


def cancel(tx, caller: Caller, event_id: str, registration_id: str, token: str | None,
           now: datetime) -> Registration:
    """By the registrant's token, or by an organiser. Cancelling twice changes nothing."""
    registration = tx.session.get(Registration, registration_id)
    if registration is None or registration.event_id != event_id:
        raise NotFound("No such registration.", "registration_not_found")
    if token is not None:
        own(tx.session, event_id, registration_id, token)
    else:
        agenda.get_organised(tx.session, caller, event_id)
    event = lock(tx.session, event_id)
    tx.session.refresh(registration)  # as the previous holder of the lock left it
    if registration.status == CANCELLED:
        return registration
    if has_started(event, now):
        raise Conflict("The event has started: its registrations no longer change.",
                       "event_started")
    held = holds_places(registration)
    attend(event, registration, None)  # who cancels has not come
    move(event, registration, CANCELLED)
    registration.cancelled_at, registration.confirm_token_hash = now, None
    if held:
        fill_places(tx, event, now)
    return registration


def own(session, event_id: str, registration_id: str, token: str) -> Registration:
    """The registration as its registrant reads it, with the token given when it registered."""
    registration = session.get(Registration, registration_id)
    if (registration is None or registration.event_id != event_id
            or not hmac.compare_digest(_hash(token), registration.cancel_token_hash)):
        raise NotFound("No such registration.", "registration_not_found")
    return registration


def search_statement(session, caller: Caller, event_id: str, status: str | None = None):
    agenda.get_organised(session, caller, event_id)
    statement = select(Registration).where(Registration.event_id == event_id)
    if status:
        statement = statement.where(Registration.status == status)
    return statement.order_by(Registration.position)


def export_csv(session, caller: Caller, event_id: str) -> str:
    """Every registration in order of arrival, as Excel set to Italian opens it (Italian
    headings, ";" between cells)."""
    return Sheet("it").text(CSV_COLUMNS, (
        [registration.name, registration.contact, registration.adults, registration.children,
         STATUS_IT[registration.status], registration.position,
         ATTENDED_IT[registration.attended],
         local_time(registration.created_at).strftime("%d/%m/%Y %H:%M")]
        for registration in session.execute(search_statement(session, caller, event_id))
        .scalars()))


def mark_attendance(tx, caller: Caller, event_id: str, registration_id: str,
                    attended: bool) -> Registration:
    agenda.get_organised(tx.session, caller, event_id)
    event = lock(tx.session, event_id)
    registration = tx.session.get(Registration, registration_id, populate_existing=True)
    if registration is None or registration.event_id != event_id:
        raise NotFound("No such registration.", "registration_not_found")
    if registration.status == CANCELLED:
        raise Conflict("This registration was cancelled.", "registration_cancelled")
    attend(event, registration, attended)
    return registration


def registrants(session, event_id: str) -> list:
    """Internal, for notifications: the registrations standing that their contact confirmed
    (no message goes to a contact nobody answered for)."""
    return session.execute(select(Registration).where(
        Registration.event_id == event_id, Registration.status.in_((CONFIRMED, WAITLISTED)),
    ).order_by(Registration.position)).scalars().all()


def _last_position(session, event_id: str) -> int:
    return session.execute(select(func.coalesce(func.max(Registration.position), 0)).where(
        Registration.event_id == event_id)).scalar_one()


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
