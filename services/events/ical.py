"""Events as RFC 5545 calendars, for phones and calendar programs to subscribe to.

Each event keeps its UID for life and raises its SEQUENCE on every change, times are in
Europe/Rome with the zone's VTIMEZONE, and a cancelled event stays in the feed with
STATUS:CANCELLED, so a subscribed calendar removes it by itself. A feed without events still
has the VTIMEZONE: RFC 5545 wants at least one component.
"""
from datetime import datetime, timedelta, timezone

import icalendar

from services.common.schemas import ROME, local_time
from services.events.contract import CANCELLED
from services.events.models import Event

UID_DOMAIN = "qubi.comune.milano.it"
PRODID = "-//Comune di Milano//Rete QuBì//IT"


def calendar(events, name: str) -> str:
    feed = icalendar.Calendar()
    feed.add("prodid", PRODID)
    feed.add("version", "2.0")
    feed.add("calscale", "GREGORIAN")
    feed.add("x-wr-calname", name)
    feed.add("x-wr-timezone", "Europe/Rome")
    days = [local_time(event.starts_at).date() for event in events] or [datetime.now(ROME).date()]
    # the zone's rules over the years the events span, not since 1970
    feed.add_component(icalendar.Timezone.from_tzid(
        "Europe/Rome", first_date=min(days) - timedelta(days=366),
        last_date=max(days) + timedelta(days=366)))
    for event in events:
        feed.add_component(_vevent(event))
    return feed.to_ical().decode()


def uid(event: Event) -> str:
    return f"{event.id}@{UID_DOMAIN}"


def _vevent(event: Event) -> icalendar.Event:
    component = icalendar.Event()
    component.add("uid", uid(event))
    component.add("dtstamp", event.updated_at.astimezone(timezone.utc))
    component.add("created", event.created_at.astimezone(timezone.utc))
    component.add("last-modified", event.updated_at.astimezone(timezone.utc))
    component.add("sequence", event.sequence)
    component.add("dtstart", local_time(event.starts_at))
    component.add("dtend", local_time(event.ends_at))
    component.add("summary", event.title)
    component.add("status", "CANCELLED" if event.status == CANCELLED else "CONFIRMED")
    place = ", ".join(part for part in (event.place, event.address, event.zone) if part)
    if place:
        component.add("location", f"{place} (Municipio {event.municipio})")
    description = _description(event)
    if description:
        component.add("description", description)
    return component


def _description(event: Event) -> str:
    lines = [event.description] if event.description else []
    lines += [f"{item['time']} {item['activity']}" for item in event.programme or []]
    for label, value in (("Ingresso", event.price_note),
                         ("Raccolta fondi", event.fundraising_purpose),
                         ("Accessibilità", event.accessibility)):
        if value:
            lines.append(f"{label}: {value}")
    return "\n".join(lines)
