"""The message that asks whoever registered to an event to confirm it, with a one-time link: an
email to the address given, or an SMS to the phone given (with a short link to the same page).
Nobody answering it, the registration lapses and frees its places.

The address or phone, the name and the link's token come sealed in the event
(services/common/sealing.py) and are opened only here, as for the emails about access
(account_mail.py).
"""
from datetime import datetime

from services.common.schemas import local_time
from services.notifications import sms, words
from services.notifications.models import Delivery
from services.notifications.templates import compose

KIND = "registration_requested"
LINK = "/events/{event_id}/registrations/{registration_id}/confirm?token={token}"


def owe(tx, event: dict, cipher, public_url: str, sms_rules: sms.SmsRules, now: datetime):
    """One email owed for a registration to confirm (a `Delivery`, sent by the mail loop), or
    one SMS (an `Sms`, sent by the SMS loop)."""
    payload = event["payload"]
    opened = cipher.open_text(payload["sealed"])
    link = LINK.format(event_id=payload["event_id"], registration_id=payload["registration_id"],
                       token=opened["token"])
    if "phone" in opened:
        expires_at = datetime.fromisoformat(payload["expires_at"])
        sms.owe(tx, sms_rules, KIND, {**payload, "until": local_time(expires_at).isoformat()},
                opened["phone"], now, link, expires_at)
        return
    language = words.language_of(payload.get("language"))
    expires = local_time(datetime.fromisoformat(payload["expires_at"]))
    subject = words.said(f"{KIND}.subject", language)
    body = words.said(f"{KIND}.body", language).format(
        title=payload["title"], starts_at=words.moment(payload["starts_at"], language),
        expires=words.said(f"{KIND}.expires", language).format(
            time=words.time_of_day(expires, language), day=words.day(expires, language)))
    mail = compose(subject, [(f"{subject}, {opened['name']}", body, link)], None, language,
                   public_url, "account.footer")
    tx.session.add(Delivery(user_id=f"registration:{payload['registration_id']}",
                            to_address=opened["email"], one_time_link=True, **mail))
