"""Registering as people do in the events service's tests: a registration is pending until its
contact opens the link emailed (its token, sealed in the event the service told) or, for a
phone, an organiser confirms it."""
from datetime import timedelta

from services.common.config import DEVELOPMENT_DATA_KEY
from services.common.context import Caller
from services.common.schemas import load
from services.common.sealing import Cipher
from services.events import registrations
from services.events.contract import RegistrationCreateSchema

CIPHER = Cipher([DEVELOPMENT_DATA_KEY])
CONFIRM_WITHIN = timedelta(hours=24)
ANONYMOUS = Caller()


def register_pending(store, event_id, contact, now, adults=1, children=0, caller=ANONYMOUS):
    """The pending registration, its cancel token and the events told."""
    data = load(RegistrationCreateSchema(), {"name": "Famiglia", "contact": contact,
                                             "adults": adults, "children": children})
    with store.transaction() as tx:
        registration, token = registrations.register(tx, caller, event_id, data, now,
                                                     CONFIRM_WITHIN, CIPHER)
    return registration, token, tx.events


def link_token(told) -> str:
    """The token of the confirmation link, as the notifications service opens it."""
    requested = [event for event in told if event["event_type"] == "registration_requested"]
    return CIPHER.open_text(requested[0]["payload"]["sealed"])["token"]


def confirm(store, event_id, registration_id, now, token=None, caller=ANONYMOUS):
    """The confirmed registration and the events told."""
    with store.transaction() as tx:
        registration = registrations.confirm(tx, caller, event_id, registration_id, token, now)
    return registration, tx.events
