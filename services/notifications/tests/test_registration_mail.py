"""The email asking to confirm a registration to an event (registration_mail.py): to the address
sealed in the event, with its one-time link, in the registrant's language."""
from datetime import datetime, timezone

from cryptography.fernet import Fernet
from sqlalchemy import select

from services.common.database import Store
from services.common.events import envelope
from services.common.sealing import Cipher
from services.notifications import registration_mail
from services.notifications.models import Base, Delivery, Sms
from services.notifications.sms import SmsRules

CIPHER = Cipher([Fernet.generate_key()])
RULES = SmsRules(per_day=5, per_event=8, max_attempts=4, public_url="https://qubi.example")
NOW = datetime(2027, 12, 1, 9, 0, tzinfo=timezone.utc)


def requested(language, contact=None):
    return envelope("registration_requested", {
        "event_id": "e-1", "registration_id": "r-1", "municipio": 8, "adults": 1, "children": 2,
        "title": "Festa di Natale", "starts_at": "2027-12-20T15:00:00+01:00",
        "expires_at": "2027-12-02T10:00:00+00:00", "language": language,
        "sealed": CIPHER.seal_text({**(contact or {"email": "anna@example.org"}),
                                    "token": "tok-123", "name": "Famiglia Rossi"})})


def owed(databases, language, contact=None, what=Delivery):
    store = Store(databases["notifications"], Base.metadata)
    with store.transaction() as tx:
        registration_mail.owe(tx, requested(language, contact), CIPHER, "https://qubi.example",
                              RULES, NOW)
    with store.transaction() as tx:
        delivery = tx.session.execute(select(what)).scalar_one()
    store.dispose()
    return delivery


def test_a_registration_to_confirm_is_one_email_to_the_sealed_address_with_its_link(databases):
    assert "anna@example.org" not in str(requested("it")["payload"])  # nor the token: sealed
    delivery = owed(databases, "it")
    assert delivery.to_address == "anna@example.org" and delivery.one_time_link
    assert delivery.subject == "[Rete QuBì] Conferma la tua iscrizione"
    assert "Conferma la tua iscrizione, Famiglia Rossi" in delivery.text
    assert ("https://qubi.example/events/e-1/registrations/r-1/confirm?token=tok-123"
            in delivery.text)
    assert "Festa di Natale, il 20 dicembre 2027" in delivery.text
    assert "entro le 11:00 del 2 dicembre 2027" in delivery.text


def test_the_email_speaks_the_registrants_language(databases):
    delivery = owed(databases, "en")
    assert delivery.subject == "[Rete QuBì] Confirm your registration"
    assert "by 11:00\u202fAM on December 2, 2027" in delivery.text


def test_a_registration_by_phone_is_asked_by_sms_with_a_short_link(databases):
    sms = owed(databases, "it", {"phone": "+393331234567"}, Sms)
    assert (sms.to_number, sms.kind, sms.registration_id) == (
        "+393331234567", "registration_requested", "r-1")
    assert sms.text.startswith("Rete QuBì: conferma l'iscrizione a Festa di Natale (lun 20/12 "
                               "ore 15:00) entro gio 2/12 ore 11:00: https://qubi.example/s/")
    assert "tok-123" not in sms.text  # the token is behind the short link
