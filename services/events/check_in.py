"""Check-in at the door. Each registration has a short code, shown to the registrant as a QR
code once its places are confirmed; an organiser's phone reads it (or the code is typed) and
the registration is marked as come. A code names one registration of one event: read at
another event's door it is unknown there."""
from datetime import datetime
from urllib.parse import parse_qs, urlsplit

from sqlalchemy import select

from services.common.codes import typed
from services.common.context import Caller
from services.common.errors import Conflict, NotFound
from services.events import agenda
from services.events.contract import CONFIRMED
from services.events.models import Registration
from services.events.places import attend, lock

def normalised(given: str) -> str:
    """The code as typed ("abcd-efgh", O for 0) or as read from the QR code (the check-in
    page's address, which carries it as `code`)."""
    text = given.strip()
    if "code=" in text:
        text = parse_qs(urlsplit(text).query).get("code", [""])[0]
    return typed(text)


def by_code(session, event_id: str, registration_id: str, code: str) -> Registration:
    """A confirmed registration shown as its pass, to whoever holds its code (the link sent to
    the family carries it): its status and party, never its name or contact."""
    registration = session.get(Registration, registration_id)
    if (registration is None or registration.event_id != event_id
            or registration.check_in_code != normalised(code)
            or registration.status != CONFIRMED):
        raise NotFound("No such pass.", "registration_not_found")
    return registration


def code_of(session, event_id: str, registration_id: str) -> str | None:
    """Internal, for the message that confirms a registration: the code of its pass."""
    registration = session.get(Registration, registration_id)
    if registration is None or registration.event_id != event_id:
        return None
    return registration.check_in_code if registration.status == CONFIRMED else None


def check_in(tx, caller: Caller, event_id: str, code: str, now: datetime) -> tuple:
    """(the registration, whether it came in now): a second reading of the same code answers
    when it first came in, and changes nothing."""
    agenda.get_organised(tx.session, caller, event_id)
    event = lock(tx.session, event_id)  # two phones at one door read each family once
    registration = tx.session.execute(select(Registration).where(
        Registration.event_id == event_id, Registration.check_in_code == code)
        .execution_options(populate_existing=True)).scalar()
    if registration is None:
        raise NotFound("No registration of this event has this code.", "check_in_code_unknown")
    if registration.status != CONFIRMED:
        raise Conflict(f"This registration is {registration.status}, not confirmed.",
                       "registration_not_confirmed", {"status": registration.status})
    first = registration.checked_in_at is None or not registration.attended
    if first:
        registration.checked_in_at = now
        attend(event, registration, True)
    return registration, first
