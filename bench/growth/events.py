"""Events: five thousand over five years in the 9 municipi, two hundred thousand registrations.
An event's size does not grow with the years: each takes about forty households, and the busy
one, a Christmas party of partner8a's organisation in Municipio 8 still to come, a thousand
(or half of all the registrations at the smallest sizes)."""
import hashlib
import uuid
from datetime import datetime, timedelta, timezone

from sqlalchemy import insert, select

from bench.growth import Operation, at
from services.common.database import Store
from services.events.contract import (ACCEPTED, CANCELLED, CONFIRMED, DRAFT, PENDING, PUBLIC,
                                      PUBLISHED, WAITLISTED)
from services.events.models import Base, Event, EventOrganizer, MunicipioTotal, Registration

SERVICE = "events"
ORGANISER = "partner8a"
BUSY_REGISTRATIONS = 1_000
CHUNK = 10_000
NOW = datetime.now(timezone.utc)
FIVE_YEARS = timedelta(days=5 * 365)
TOKEN = hashlib.sha256(b"bench").hexdigest()
# of every 20 registrations: what became of them
COUNTS = ("confirmed_people", "pending_people", "unplaced_pending_people", "waitlisted_people",
          "households")
FATES = [CONFIRMED] * 14 + [CANCELLED] * 3 + [WAITLISTED] * 2 + [PENDING]


def seed(url: str, scale: float, demo) -> dict:
    total = at(scale, "registrations")
    busy_size = min(BUSY_REGISTRATIONS, total // 2)
    events = _events(at(scale, "events"), demo)
    busy = events[0]
    busy.update(municipio=8, organization_id=demo.users[ORGANISER]["organization_id"],
                title="Festa di Natale QuBì 8", capacity=None, status=PUBLISHED,
                visibility=PUBLIC, created_at=NOW - timedelta(days=30),
                starts_at=NOW + timedelta(days=20), ends_at=NOW + timedelta(days=20, hours=4))
    open_to = [event for event in events[1:] if event["status"] != DRAFT]  # drafts take none
    shares = iter(_shares(total - busy_size, len(open_to)))
    sizes = [busy_size] + [0 if event["status"] == DRAFT else next(shares)
                           for event in events[1:]]
    for event, size in zip(events, sizes):  # the counts each event keeps of its registrations
        for registration in _registrations(event, size):
            if registration["status"] == CANCELLED:
                continue
            counter = {CONFIRMED: "confirmed_people", WAITLISTED: "waitlisted_people"}.get(
                registration["status"],
                "pending_people" if registration["holds_place"] else "unplaced_pending_people")
            event[counter] += registration["adults"] + registration["children"]
            event["households"] += 1
    store = Store(url, Base.metadata)
    try:
        with store.transaction() as tx:
            tx.session.execute(insert(Event), [
                {key: value for key, value in event.items() if key != "organization_id"}
                for event in events])
            tx.session.execute(insert(EventOrganizer), [
                {"id": str(uuid.uuid4()), "event_id": event["id"], "position": 0,
                 "organization_id": event["organization_id"], "status": ACCEPTED}
                for event in events])
        with store.transaction() as tx:  # what the writes of these events would have moved
            _add_up(tx.session, events)
        rows = []
        for event, size in zip(events, sizes):
            rows += _registrations(event, size)
            if len(rows) >= CHUNK:
                _write(store, rows)
                rows = []
        _write(store, rows)
    finally:
        store.dispose()
    return {"busy_event": busy["id"]}


def operations(context: dict) -> list:
    # at 1x anyone sees four events of municipio 8: a page of four is full at every size
    return [Operation("events of a municipio", "/api/v1/events?municipio=8"),
            Operation("events of a municipio, 4 a page", "/api/v1/events?municipio=8&per_page=4"),
            Operation("registrations of a busy event (its organiser)",
                      f"/api/v1/events/{context['busy_event']}/registrations", ORGANISER)]


def _events(count: int, demo) -> list:
    """Spread over the municipi and five years up to a month ahead; one in 20 a draft, one in
    25 cancelled; some organised by the demo organisations of their municipio."""
    organizations = {}
    for organization in demo.organizations.values():
        organizations.setdefault(organization["municipio"], []).append(organization["id"])
    events = []
    for number in range(count):
        municipio = number % 9 + 1
        starts = NOW - FIVE_YEARS + (FIVE_YEARS + timedelta(days=30)) * number / count
        own = organizations.get(municipio, [])
        status = DRAFT if number % 20 == 7 else CANCELLED if number % 25 == 3 else PUBLISHED
        events.append({
            "id": str(uuid.uuid4()), "title": f"Laboratorio {number}", "programme": [],
            "starts_at": starts, "ends_at": starts + timedelta(hours=3), "municipio": municipio,
            "visibility": PUBLIC if number % 5 else "network", "capacity": 60,
            "registration_required": True, "status": status, "sequence": 1,
            "created_at": starts - timedelta(days=30), "updated_at": starts - timedelta(days=20),
            "published_at": None if status == DRAFT else starts - timedelta(days=20),
            "cancelled_at": starts - timedelta(days=2) if status == CANCELLED else None,
            "organization_id": own[number % len(own)] if own and number % 3 == 0
            else str(uuid.uuid4()),
            **dict.fromkeys(COUNTS, 0)})
    return events


def _shares(total: int, parts: int) -> list:
    return [total // parts + (1 if part < total % parts else 0) for part in range(parts)]


def _registrations(event: dict, size: int) -> list:
    rows = []
    for position in range(1, size + 1):
        status = FATES[position % len(FATES)]
        if status == PENDING and event["starts_at"] < NOW:
            status = CANCELLED  # it expired
        created = event["created_at"] + timedelta(minutes=position)
        rows.append({
            "id": str(uuid.uuid4()), "event_id": event["id"], "name": f"Famiglia {position}",
            "contact": f"famiglia{position}@example.org", "adults": 1 + position % 2,
            "children": position % 3, "status": status, "position": position,
            "cancel_token_hash": TOKEN, "holds_place": status == PENDING and position % 2 == 0,
            "expires_at": NOW + timedelta(hours=24) if status == PENDING else None,
            "confirmed_at": created if status in (CONFIRMED, WAITLISTED) else None,
            "created_at": created,
            "cancelled_at": created + timedelta(days=1) if status == CANCELLED else None})
    return rows


def _write(store: Store, registrations: list):
    if registrations:
        with store.transaction() as tx:
            tx.session.execute(insert(Registration), registrations)


def _add_up(session, events: list):
    """The municipi's totals with these events (a bulk insert moves none)."""
    totals = {row.municipio: row for row in session.execute(select(MunicipioTotal)).scalars()}
    for event in events:
        row = totals.get(event["municipio"])
        if row is None:
            row = totals[event["municipio"]] = MunicipioTotal(
                municipio=event["municipio"], published_events=0, confirmed_people=0, drives=0)
            session.add(row)
        row.published_events += event["status"] == PUBLISHED
        row.confirmed_people += event["confirmed_people"]
