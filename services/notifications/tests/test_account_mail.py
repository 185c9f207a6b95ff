"""Emails about a person's own access (account_mail.py): to the address sealed in the event,
with the one-time link, in the inviter's language."""
from cryptography.fernet import Fernet
from sqlalchemy import select

from services.common.database import Store
from services.common.events import envelope
from services.common.sealing import Cipher
from services.notifications import account_mail
from services.notifications.models import Base, Delivery

CIPHER = Cipher([Fernet.generate_key()])


def test_an_invitation_is_one_email_to_the_sealed_address_with_its_link(databases):
    store = Store(databases["notifications"], Base.metadata)
    event = envelope("invitation_sent", {
        "invitation_id": "i-1", "role": "partner_admin", "organization_name": "Ludoteca QT8",
        "inviter_name": "Coordinamento Municipio 8", "language": "it",
        "expires_at": "2030-01-08T10:00:00+00:00",
        "sealed": CIPHER.seal_text({"email": "anna@example.org", "token": "tok-123",
                                    "display_name": "Anna"})})
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
    assert "08/01/2030" in delivery.text and "Coordinamento Municipio 8" in delivery.text
