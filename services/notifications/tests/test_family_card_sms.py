"""A family's card sent by SMS (family_card_sms.py), without a broker: one SMS to the phone sealed
in the event, once however often the event is told, saying its link and nothing of the family or
the organisations; the number's STOP and daily cap hold it, no event's cap does."""
from datetime import datetime, timezone

import pytest
from cryptography.fernet import Fernet
from nameko.testing.services import worker_factory
from sqlalchemy import select

from services.common.database import Store
from services.common.events import envelope
from services.common.sealing import Cipher
from services.notifications import family_card_sms, sms, sms_texts
from services.notifications.models import Base, Sms
from services.notifications.service import NotificationsService

CIPHER = Cipher([Fernet.generate_key()])
NOW = datetime(2027, 12, 1, 9, 0, tzinfo=timezone.utc)
CONFIG = {"PUBLIC_URL": "https://qubi.example", "QUIET_HOURS": "",
          "SMS_MAX_PER_PHONE_PER_DAY": 3, "SMS_MAX_PER_EVENT": 1}
RULES = sms.SmsRules.from_config(CONFIG)
PHONE = "+393331234567"


def card_event(phone="+39 333 123 4567", code="7K2MQ9TD4X", referral_id="r-1"):
    """As the referrals service tells it: the referral's ids and codes, the phone and the card's
    code sealed."""
    return envelope("referral_family_card", {
        "referral_id": referral_id, "code": "R-2027-0042", "status": "accepted",
        "urgency": "high", "municipio": 8, "to_municipi": [8], "from_organization_id": "o-1",
        "from_user_id": "p8", "to_organization_id": "o-2", "to_service_id": "s-2",
        "sealed": CIPHER.seal_text({"phone": phone, "code": code}),
        "expires_at": "2028-03-01T09:00:00+00:00"})


@pytest.fixture
def store(databases):
    store = Store(databases["notifications"], Base.metadata)
    yield store
    store.dispose()


def owed(store) -> list:
    with store.transaction() as tx:
        found = tx.session.execute(select(Sms).order_by(Sms.created_at)).scalars().all()
        tx.session.expunge_all()
        return found


def owe(store, event, now=NOW):
    with store.transaction() as tx:
        family_card_sms.owe(tx, event, CIPHER, RULES, now)


def test_the_card_is_one_sms_with_its_link_and_nothing_of_the_family_however_often_told(store):
    service = worker_factory(NotificationsService, db=store, cipher=CIPHER, config=CONFIG)
    event = card_event()
    assert "333" not in str(event["payload"]) and "7K2MQ9TD4X" not in str(event["payload"])
    service.on_referral_family_card(event)
    service.on_referral_family_card(event)  # told again: nothing more
    [card] = owed(store)
    assert (card.kind, card.to_number, card.status) == ("referral_family_card", PHONE, "pending")
    assert (card.referral_id, card.event_id, card.registration_id) == ("r-1", None, None)
    assert card.text.startswith(
        "Rete QuBì: qualcuno vi ha contattato? Rispondete qui / Has anyone contacted you? Reply "
        "here: https://qubi.example/f/7K2MQ9TD4X")
    for said_nothing_of in ("R-2027-0042", "o-1", "o-2", "s-2", "r-1", "333"):
        assert said_nothing_of not in card.text
    assert sms_texts.gsm_length(card.text) <= sms_texts.LIMIT


def test_a_card_sent_again_is_owed_again_under_the_daily_cap_and_no_events(store):
    for code in ("CODE000001", "CODE000002", "CODE000003", "CODE000004"):
        owe(store, card_event(code=code))  # the event cap (1) would have held the second
    assert [(s.status, s.reason) for s in owed(store)] == [("pending", None)] * 3 + [
        ("held", "daily_cap")]


def test_a_number_that_said_stop_is_sent_no_card(store):
    with store.transaction() as tx:
        assert sms.receive(tx.session, "3331234567", "STOP", NOW)
    owe(store, card_event())
    assert [(s.status, s.reason) for s in owed(store)] == [("held", "stop")]


def test_what_is_no_phone_number_is_sent_nothing(store):
    owe(store, card_event(phone="chiamare la nonna"))
    assert owed(store) == []
