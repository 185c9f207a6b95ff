"""A meeting's invitation as an RFC 5546 (iTIP) calendar: METHOD:REQUEST while it stands,
METHOD:CANCEL once cancelled. The UID stays for life and the SEQUENCE rises with each change,
so a calendar program replaces the invitation it holds rather than adding a second one.
The organiser is the chair; the attendees are the invited people, each asked to answer."""
from datetime import timedelta, timezone

import icalendar

from services.common.schemas import local_time
from services.governance.contract import CANCELLED
from services.governance.models import Meeting

UID_DOMAIN = "governance.qubi.comune.milano.it"
# iTIP wants an organiser: a chair the directory has no email for organises from this one
NO_REPLY = "noreply@qubi.comune.milano.it"
PRODID = "-//Comune di Milano//Rete QuBì riunioni//IT"


def calendar(meeting: Meeting, organizer: dict, attendees: list) -> str:
    """`organizer` and each of `attendees` are `{"email", "name"}`."""
    cancelled = meeting.status == CANCELLED
    feed = icalendar.Calendar()
    feed.add("prodid", PRODID)
    feed.add("version", "2.0")
    feed.add("method", "CANCEL" if cancelled else "REQUEST")
    day = local_time(meeting.starts_at).date()
    feed.add_component(icalendar.Timezone.from_tzid(
        "Europe/Rome", first_date=day - timedelta(days=366), last_date=day + timedelta(days=366)))
    event = icalendar.Event()
    event.add("uid", f"{meeting.id}@{UID_DOMAIN}")
    event.add("sequence", meeting.sequence)
    event.add("dtstamp", meeting.updated_at.astimezone(timezone.utc))
    event.add("dtstart", local_time(meeting.starts_at))
    event.add("dtend", local_time(meeting.ends_at))
    event.add("summary", f"{meeting.title} ({meeting.body_name})")
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    if meeting.place:
        event.add("location", meeting.place)
    if meeting.online_url:
        event.add("url", meeting.online_url)
    agenda = [f"{index}. {item['title']}" for index, item in enumerate(meeting.agenda or [], 1)]
    description = "\n".join(filter(None, [
        "Ordine del giorno:" if agenda else None, *agenda,
        f"Collegamento: {meeting.online_url}" if meeting.online_url else None,
        f"Motivo dell'annullamento: {meeting.cancel_reason}" if cancelled and meeting.cancel_reason
        else None]))
    if description:
        event.add("description", description)
    event.add("organizer", _address({**organizer, "email": organizer.get("email") or NO_REPLY},
                                    {}))
    for attendee in (person for person in attendees if person.get("email")):
        event.add("attendee", _address(attendee, {
            "ROLE": "REQ-PARTICIPANT", "PARTSTAT": "NEEDS-ACTION", "RSVP": "TRUE",
            "CUTYPE": "INDIVIDUAL"}))
    feed.add_component(event)
    return feed.to_ical().decode()


def _address(person: dict, params: dict) -> icalendar.vCalAddress:
    address = icalendar.vCalAddress(f"mailto:{person['email']}")
    if person.get("name"):
        address.params["CN"] = icalendar.vText(person["name"])
    for name, value in params.items():
        address.params[name] = icalendar.vText(value)
    return address
