"""Who may organise and change events and drives, and who sees which event.

Partners organise for their own organisation (it is always among the organisers), a
coordinator for its municipio, the city tier anywhere. Another organisation named among an
event's organisers is only invited until someone of it accepts. Afterwards only the organisers,
the municipio's coordinator and the city change them; the registrants' names and contacts are
for the event's organisers alone (the coordinator and the city see counts). A public event is
seen by everyone once published; a network event only by members whose municipi include its
municipio; a draft only by those who may change it and the organisations invited to it. What a
caller may not see does not exist for it (404).

Answers carry the caller's `actions` (`event_actions`, `drive_actions`), from these same rules.
"""
from datetime import date, datetime

from sqlalchemy import and_, false, or_, select, true

from services.common import checks
from services.common.context import CITY, COORDINATOR, PARTNER, Caller
from services.common.errors import Forbidden, Invalid
from services.common.schemas import local_time
from services.events.contract import CANCELLED, DRAFT, OPEN, ORGANIZERS, PUBLIC, PUBLISHED
from services.events.models import Drive, Event, EventOrganizer, Pledge


def organizer_ids(caller: Caller, wanted) -> list:
    """The organisers asked for, once each and in order; a partner's own organisation first."""
    ids = list(dict.fromkeys(wanted or []))
    if caller.has_role(PARTNER) and caller.organization_id and caller.organization_id not in ids:
        ids.insert(0, caller.organization_id)
    return ids


def default_municipio(caller: Caller, *candidates):
    """The first municipio given, else the caller's own when it has just one; else 422."""
    for municipio in (*candidates, caller.municipi[0] if len(caller.municipi) == 1 else None):
        if municipio is not None:
            return municipio
    raise Invalid({"municipio": [checks.reason("municipio_missing",
                                               "Say which municipio this is in.")]})


def may_manage(caller: Caller, municipio: int, organizers: list) -> bool:
    if not caller.authenticated:
        return False
    if caller.has_role(CITY):
        return True
    if caller.has_role(COORDINATOR) and municipio in caller.municipi:
        return True
    return caller.organization_id is not None and caller.organization_id in organizers


def require_organizer(caller: Caller, municipio: int, organizers: list):
    """For creating (and for what an edit leaves): the caller must be able to manage it."""
    caller.require_role(*ORGANIZERS)
    if not may_manage(caller, municipio, organizers):
        raise Forbidden(f"You organise only for your organisation or your municipio, "
                        f"not for municipio {municipio}.", "organizer_municipio_outside",
                        {"municipio": municipio})


def require_manage(caller: Caller, record):
    """`record` (an event or a drive) the caller can already see."""
    caller.require_authenticated()
    if not may_manage(caller, record.municipio, record.organizer_ids):
        raise Forbidden("Only its organisers and its municipio's coordinator change this.",
                        "organizers_only")


def organises(caller: Caller, event: Event) -> bool:
    """One of its organisations; an event no organisation organises (yet) is its municipio's
    coordinator's."""
    if not caller.authenticated:
        return False
    if event.organizer_ids:
        return caller.organization_id in event.organizer_ids
    return caller.has_role(COORDINATOR) and event.municipio in caller.municipi


def require_organises(caller: Caller, event: Event):
    """`event` the caller can already see: its registrants' names and contacts."""
    caller.require_authenticated()
    if not organises(caller, event):
        raise Forbidden("Only the event's organisers see who registered.",
                        "event_organizers_only")


def is_invited(caller: Caller, event: Event) -> bool:
    return caller.authenticated and caller.organization_id in event.invited_organizer_ids


def is_over(event: Event, now: datetime) -> bool:
    """An event that is over is read-only."""
    return event.ends_at <= now


def has_started(event: Event, now: datetime) -> bool:
    """Registrations close when the event starts."""
    return event.starts_at <= now


def today(now: datetime) -> date:
    return local_time(now).date()


def is_open(drive: Drive, now: datetime) -> bool:
    """Pledges are taken until the last day of the collection window, in Milan."""
    return drive.status == OPEN and today(now) <= drive.collect_to


def event_actions(caller: Caller, event: Event, now: datetime) -> list:
    """What the caller may do with an event it sees: edit, publish, cancel (its managers, while
    it is neither over nor cancelled; publish a draft), accept_invitation and
    decline_invitation (an organisation invited, meanwhile too), register (anyone, when it asks
    for registration and has not started), list_registrations, mark_attendance and check_in
    (its organisers)."""
    allowed = []
    changeable = not is_over(event, now) and event.status != CANCELLED
    if changeable and may_manage(caller, event.municipio, event.organizer_ids):
        allowed += ["edit", "publish", "cancel"] if event.status == DRAFT else ["edit", "cancel"]
    if changeable and is_invited(caller, event):
        allowed += ["accept_invitation", "decline_invitation"]
    if (event.status == PUBLISHED and not has_started(event, now)
            and (event.registration_required or event.capacity is not None)):
        allowed.append("register")
    if organises(caller, event):
        allowed += ["list_registrations", "mark_attendance", "check_in"]
    return allowed


def drive_actions(caller: Caller, drive: Drive, now: datetime) -> list:
    """pledge (anyone, while the drive is open), record_delivery and list_pledges (its
    managers, also after), close (its managers, while it is open: its window's end closes it
    by itself)."""
    allowed = ["pledge"] if is_open(drive, now) else []
    if may_manage(caller, drive.municipio, drive.organizer_ids):
        allowed += ["record_delivery", "list_pledges"]
        if is_open(drive, now):
            allowed.append("close")
    return allowed


def pledge_actions(caller: Caller, drive: Drive, pledge: Pledge) -> list:
    """cancel (the drive's managers, while the pledge stands): it frees its quantity."""
    if pledge.cancelled_at is None and may_manage(caller, drive.municipio, drive.organizer_ids):
        return ["cancel"]
    return []


def visible_events(caller: Caller):
    """The SQL condition for the events this caller may see."""
    if caller.has_role(CITY):
        return true()
    shown = Event.visibility == PUBLIC
    if caller.authenticated and caller.municipi:
        shown = or_(shown, Event.municipio.in_(caller.municipi))
    # published, or cancelled after it was: never drafts (those are the managers')
    return or_(and_(Event.published_at.is_not(None), shown), _managed_events(caller))


def _managed_events(caller: Caller):
    """`may_manage` as SQL, and the invitations, for the drafts a caller may see."""
    conditions = []
    if caller.has_role(COORDINATOR) and caller.municipi:
        conditions.append(Event.municipio.in_(caller.municipi))
    if caller.authenticated and caller.organization_id:
        conditions.append(Event.id.in_(select(EventOrganizer.event_id).where(
            EventOrganizer.organization_id == caller.organization_id)))
    return or_(false(), *conditions)
