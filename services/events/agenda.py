"""Events of the networks: created as drafts, published, changed, cancelled.

A published event that changes says so on the bus (`event_updated`), so that its registrants
can be told. An event that is over is read-only. Every change raises its `sequence`, which
subscribed calendars use to know the event changed. An organisation named among the organisers
other than the caller's own is invited (`event_organizer_invited`) and organises only once
someone of it accepts; declining takes it off the event.
"""
from datetime import datetime

from sqlalchemy import or_, select

from services.common import checks
from services.common.context import Caller
from services.common.errors import Conflict, Forbidden, Invalid, NotFound
from services.events.contract import (ACCEPTED, AGES_REVERSED, CANCELLED, DRAFT,
                                       ENDS_AFTER_START, INVITED, PUBLISHED)
from services.events.models import Event, EventOrganizer
from services.events.permissions import (default_municipio, is_invited, is_over, may_manage,
                                         organizer_ids, require_manage, require_organises,
                                         require_organizer, visible_events)
from services.events.places import counts, fill_places, lock

LOCATION = {"id": "location_id", "name": "place", "address": "address", "zone": "zone"}


def get_visible(session, caller: Caller, event_id: str) -> Event:
    event = session.execute(select(Event).where(Event.id == event_id,
                                                visible_events(caller))).scalar()
    if event is None:
        raise NotFound("No such event.", "event_not_found")
    return event


def get_managed(session, caller: Caller, event_id: str) -> Event:
    event = get_visible(session, caller, event_id)
    require_manage(caller, event)
    return event


def get_organised(session, caller: Caller, event_id: str) -> Event:
    """For its registrants' names and contacts."""
    event = get_visible(session, caller, event_id)
    require_organises(caller, event)
    return event


def search_statement(caller: Caller, municipio=None, from_=None, to=None, age=None,
                     organization_id=None, status=None):
    statement = select(Event).where(visible_events(caller)).order_by(Event.starts_at, Event.id)
    if status is not None:
        statement = statement.where(Event.status == status)
    if municipio is not None:
        statement = statement.where(Event.municipio == municipio)
    if from_ is not None:
        statement = statement.where(Event.ends_at > from_)
    if to is not None:
        statement = statement.where(Event.starts_at < to)
    if age is not None:
        statement = statement.where(or_(Event.min_age.is_(None), Event.min_age <= age),
                                    or_(Event.max_age.is_(None), Event.max_age >= age))
    if organization_id is not None:
        statement = statement.where(Event.id.in_(select(EventOrganizer.event_id).where(
            EventOrganizer.organization_id == organization_id,
            EventOrganizer.status == ACCEPTED)))
    return statement


def invitations_statement(caller: Caller):
    """The events the caller's organisation is invited to organise, the soonest first."""
    return select(Event).where(Event.id.in_(select(EventOrganizer.event_id).where(
        EventOrganizer.organization_id == caller.organization_id,
        EventOrganizer.status == INVITED))).order_by(Event.starts_at, Event.id)


def feed_statement(municipio=None, organization_id=None):
    """What a calendar shows: what anyone sees, the public events published (or cancelled
    after they were)."""
    return search_statement(Caller(), municipio=municipio, organization_id=organization_id)


def create(tx, caller: Caller, data: dict, now: datetime) -> Event:
    location = data.pop("location", None) or {}
    municipio = default_municipio(caller, data.pop("municipio", None), location.get("municipio"))
    organizers = organizer_ids(caller, data.pop("organizer_ids", None))
    require_organizer(caller, municipio, organizers)
    if data["ends_at"] <= now:
        raise Invalid({"ends_at": [checks.reason("moment_past", "This moment is already past.")]})
    event = Event(municipio=municipio, status=DRAFT, sequence=0, created_at=now, updated_at=now,
                  organizers=_organizers(caller, [], organizers), **_columns(data, location))
    tx.session.add(event)
    tx.session.flush()
    _invite(tx, caller, event, [])
    return event


def update(tx, caller: Caller, event_id: str, data: dict, now: datetime) -> Event:
    event = _changeable(tx.session, caller, event_id, now)
    before = _snapshot(event)
    location = (data.pop("location") or {}) if "location" in data else None  # None: unchanged
    municipio = data.pop("municipio", None) or (location or {}).get("municipio")
    if municipio:
        event.municipio = municipio
    named_before = [organizer.organization_id for organizer in event.organizers]
    if "organizer_ids" in data:
        event.organizers = _organizers(caller, event.organizers,
                                       organizer_ids(caller, data.pop("organizer_ids")))
    for column, value in _columns(data, location).items():
        setattr(event, column, value)
    if event.ends_at <= event.starts_at:
        raise Invalid({"ends_at": [ENDS_AFTER_START]})
    if (event.min_age is not None and event.max_age is not None
            and event.min_age > event.max_age):
        raise Invalid({"max_age": [AGES_REVERSED]})
    require_organizer(caller, event.municipio, event.organizer_ids)  # what the edit leaves
    _invite(tx, caller, event, named_before)
    changed = sorted(name for name, value in _snapshot(event).items() if before[name] != value)
    if not changed:
        return event
    if "starts_at" in changed:
        event.reminded_at = None  # the day before the new day
    if "capacity" in changed:
        _fit_capacity(tx, event, now)
    _touch(event, now)
    if event.status == PUBLISHED:
        tx.emit("event_updated", {**_event(event), "changed": changed,
                                  "registrations": event.households})
    return event


def publish(tx, caller: Caller, event_id: str, now: datetime) -> Event:
    event = _changeable(tx.session, caller, event_id, now)
    if event.status != DRAFT:
        raise Conflict("Only a draft is published.", "event_not_draft")
    event.status, event.published_at = PUBLISHED, now
    _touch(event, now)
    tx.emit("event_published", _event(event))
    return event


def cancel(tx, caller: Caller, event_id: str, now: datetime) -> Event:
    event = _changeable(tx.session, caller, event_id, now)
    event.status, event.cancelled_at = CANCELLED, now
    _touch(event, now)
    if event.published_at is not None:  # a draft was never announced
        tx.emit("event_cancelled", {**_event(event),
                                    "registrations": event.households})
    return event


def answer_invitation(tx, caller: Caller, event_id: str, accept: bool, now: datetime) -> Event:
    """Someone of the organisation invited accepts (it then organises the event) or declines
    (it is no longer named)."""
    event = get_visible(tx.session, caller, event_id)
    if not is_invited(caller, event):
        raise Forbidden("Only an organisation invited to organise this event answers.",
                        "event_invitation_missing")
    _require_changeable(event, now)
    event = lock(tx.session, event.id)
    invitation = next(o for o in event.organizers if o.organization_id == caller.organization_id)
    if accept:
        invitation.status = ACCEPTED
    else:
        event.organizers.remove(invitation)
    tx.emit(f"event_organizer_{'accepted' if accept else 'declined'}",
            {**_event(event), "organization_id": caller.organization_id})
    return event


def shown_to(caller: Caller, event: Event) -> dict:
    """What of an event only some see: the organisations invited (its managers and the invited
    themselves) and the registrations' counts (its managers)."""
    manages = may_manage(caller, event.municipio, event.organizer_ids)
    return {"invited_organizer_ids": event.invited_organizer_ids
            if manages or is_invited(caller, event) else [],
            "registrations": counts(event) if manages else None}


def _changeable(session, caller, event_id, now) -> Event:
    event = get_managed(session, caller, event_id)
    _require_changeable(event, now)
    return lock(session, event.id)


def _require_changeable(event: Event, now: datetime):
    if is_over(event, now):
        raise Conflict("This event is over: it can no longer change.", "event_over")
    if event.status == CANCELLED:
        raise Conflict("This event is cancelled: it can no longer change.",
                       "event_cancelled")


def _fit_capacity(tx, event: Event, now: datetime):
    if event.capacity is not None and event.capacity < event.taken_people:
        raise Invalid({"capacity": [checks.reason(
            "capacity_below_taken", "{taken} people are already confirmed or hold their "
                                    "places.", taken=event.taken_people)]})
    fill_places(tx, event, now)


def _organizers(caller: Caller, current: list, wanted: list) -> list:
    """The organiser rows for `wanted`, keeping those already there (one row per organisation);
    a new one is invited unless it is the caller's own organisation."""
    kept = {organizer.organization_id: organizer for organizer in current}
    return [kept.get(o) or EventOrganizer(
        organization_id=o, status=ACCEPTED if o == caller.organization_id else INVITED)
        for o in wanted]


def _invite(tx, caller: Caller, event: Event, named_before: list):
    """Tells each organisation newly invited."""
    for organization_id in event.invited_organizer_ids:
        if organization_id not in named_before:
            tx.emit("event_organizer_invited", {
                **_event(event), "organization_id": organization_id,
                "invited_by_organization_id": caller.organization_id})


def _columns(data: dict, location: dict | None) -> dict:
    columns = dict(data)
    if location is not None:
        columns.update({column: location.get(key) for key, column in LOCATION.items()})
    return columns


def _snapshot(event: Event) -> dict:
    values = {column.key: getattr(event, column.key) for column in Event.__table__.columns
              if column.key not in ("id", "status", "sequence", "created_at", "updated_at",
                                    "published_at", "cancelled_at", "reminded_at")}
    values["organizer_ids"] = event.organizer_ids
    return values


def _touch(event: Event, now: datetime):
    event.sequence += 1
    event.updated_at = now


def _event(event: Event) -> dict:
    return {"event_id": event.id, "municipio": event.municipio, "visibility": event.visibility,
            "organizer_ids": event.organizer_ids, "category": event.category,
            "sequence": event.sequence}
