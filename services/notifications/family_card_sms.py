"""The SMS that brings a family its card (the referrals service's family cards): the link of the
public page where the family says whether anyone has contacted it, and nothing else. Whoever
reads the phone may not know of the referral: no name, no organisation, no service.

The phone and the card's code come sealed in the event and are opened only here, as a
registration's contact is (registration_mail.py). The SMS keeps the number's STOP and daily
cap; it is about no event, so no event's cap.
"""
import logging
from datetime import datetime

from services.notifications import sms

log = logging.getLogger(__name__)
KIND = "referral_family_card"
LINK = "/f/{code}"  # the card's page: short already, and it lasts as long as the card


def owe(tx, event: dict, cipher, sms_rules: sms.SmsRules, now: datetime):
    """One SMS owed to the family's phone (an `Sms`, sent by the SMS loop); none to what is no
    phone number."""
    payload = event["payload"]
    opened = cipher.open_text(payload["sealed"])
    phone = sms.e164(opened["phone"])
    if phone is None:
        log.warning("referral %s: its family's card was not sent, the number is not one",
                    payload["referral_id"])
        return
    sms.owe(tx, sms_rules, KIND, {"referral_id": payload["referral_id"]}, phone, now,
            LINK.format(code=opened["code"]))
