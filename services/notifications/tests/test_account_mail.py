"""Emails about a person's own access (account_mail.py): to the address sealed in the event,
with the one-time link, in the inviter's language."""
from datetime import datetime, timezone

from cryptography.fernet import Fernet
from sqlalchemy import select

from services.common.database import Store
from services.common.events import envelope
from services.common.sealing import Cipher
from services.notifications import account_mail, mailer
from services.notifications.models import Base, Delivery

CIPHER = Cipher([Fernet.generate_key()])


def invitation_event():
    return envelope("invitation_sent", {
        "invitation_id": "i-1", "role": "partner_admin", "organization_name": "Ludoteca QT8",
        "inviter_name": "Coordinamento Municipio 8", "language": "it",
        "expires_at": "2030-01-08T10:00:00+00:00",
        "sealed": CIPHER.seal_text({"email": "anna@example.org", "token": "tok-123",
                                    "display_name": "Anna"})})


def test_an_invitation_is_one_email_to_the_sealed_address_with_its_link(databases):
    store = Store(databases["notifications"], Base.metadata)
    event = invitation_event()
    assert "anna@example.org" not in str(event["payload"])  # nor the token: sealed
    with store.transaction() as tx:
        account_mail.owe(tx, event, CIPHER, "https://qubi.example")
    with store.transaction() as tx:
        delivery = tx.session.execute(select(Delivery)).scalar_one()
    store.dispose()
    assert delivery.to_address == "anna@example.org" and delivery.status == "pending"
    assert delivery.subject == "[Rete QuBì] Sei invitato nella Rete QuBì"
    assert "https://qubi.example/invitations/accept?token=tok-123" in delivery.text
    assert "referente dell'ente (Ludoteca QT8)" in delivery.text
    assert "8 gennaio 2030" in delivery.text and "Coordinamento Municipio 8" in delivery.text


def test_the_link_is_dropped_from_the_database_once_the_email_is_sent(databases, tmp_path):
    store = Store(databases["notifications"], Base.metadata)
    with store.transaction() as tx:
        account_mail.owe(tx, invitation_event(), CIPHER, "https://qubi.example")
    settings = mailer.MailSettings.from_url((tmp_path / "mail").as_uri(), "qubi@example.org")
    assert mailer.send_due(store, settings, datetime.now(timezone.utc), 3)["sent"] == 1
    with store.transaction() as tx:
        delivery = tx.session.execute(select(Delivery)).scalar_one()
    store.dispose()
    assert "tok-123" not in delivery.text + delivery.html
    assert "tok-123" in (tmp_path / "mail" / f"{delivery.id}.eml").read_text()  # it went out
