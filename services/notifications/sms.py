"""SMS to families who registered to an event with a phone, or whose card (referrals' family
cards) is sent to the phone they gave: what is owed, what is held back, and what the gateway
reports back.

A number is used only for what it was given for: each `Sms` names that event and that
registration, or that referral, and its number comes from them alone (sealed on the bus, as the
email's address is). Before one is owed, the number's STOP and the caps are read: at most
SMS_MAX_PER_PHONE_PER_DAY to one number a day (Milan's day) and SMS_MAX_PER_EVENT about one
event; one over them is kept `held`, with the reason, and never sent.
"""
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import phonenumbers
from sqlalchemy import func, select, update

from services.common import checks
from services.common.config import Settings
from services.common.errors import Forbidden, NotFound
from services.common.schemas import local_time
from services.notifications import sms_texts
from services.notifications.models import ShortLink, Sms, SmsOptOut

PENDING, SENT, DELIVERED, FAILED, HELD = "pending", "sent", "delivered", "failed", "held"
STOPPED, DAY_CAP, EVENT_CAP = "stop", "daily_cap", "event_cap"  # why held
STOP_WORDS = frozenset({"STOP", "STOP ALL", "ARRESTA", "CANCELLA"})
# Kannel's delivery report statuses (its dlr-mask bits)
REPORT_DELIVERED, REPORT_UNDELIVERED, REPORT_SMSC_REJECTED = 1, 2, 16
REPORT_MASK = 1 | 2 | 8 | 16  # delivered, not delivered, taken and refused by the SMSC
BACKOFF = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2))
LINK_PATH = "/s/{code}"


@dataclass(frozen=True)
class SmsRules:
    per_day: int
    per_event: int
    max_attempts: int
    public_url: str

    @classmethod
    def from_config(cls, config) -> "SmsRules":
        """The service's config, or the settings' defaults where it has none."""
        def setting(name):
            return int(config.get(name.upper(), getattr(Settings, name)))

        return cls(setting("sms_max_per_phone_per_day"), setting("sms_max_per_event"),
                   setting("sms_max_attempts"), config["PUBLIC_URL"])


def owe(tx, rules: SmsRules, kind: str, about: dict, phone: str, now: datetime,
        link: str | None = None, link_expires: datetime | None = None) -> Sms:
    """One SMS of `kind` to `phone` (E.164) about the event `about` (`event_id`,
    `registration_id`, `title`, `starts_at`, and `until` for a confirmation) or the referral
    `about` (`referral_id`), linking to the page `link`: through a short link that lasts until
    `link_expires`, or as it is when it has no end (an address short already). Held instead
    when it may not go."""
    reason = _held_because(tx.session, rules, phone, about.get("event_id"), now)
    url = None
    if link and reason is None:
        url = rules.public_url + (LINK_PATH.format(code=_short_link(tx.session, link,
                                                                    link_expires))
                                  if link_expires else link)
    sms = Sms(kind=kind, event_id=about.get("event_id"),
              registration_id=about.get("registration_id"), referral_id=about.get("referral_id"),
              to_number=phone, status=HELD if reason else PENDING, reason=reason,
              text=sms_texts.text(kind, about.get("title", ""), about.get("starts_at"), url,
                                  about.get("until")),
              report_token=secrets.token_urlsafe(24), created_at=now, next_attempt_at=now)
    tx.session.add(sms)
    tx.session.flush()
    return sms


def owe_to_registrants(tx, rules: SmsRules, kind: str, event_id: str, recipients: list,
                       params: dict, link: str | None, now: datetime) -> list:
    """The SMS of `kind` to each registrant of the event who gave a phone; a link to the
    event's page where the text has one (it lasts until a day after the event starts)."""
    if kind not in sms_texts.TEXTS:
        return []
    with_link = "{link}" in sms_texts.TEXTS[kind]
    link_expires = datetime.fromisoformat(params["starts_at"]) + timedelta(days=1)
    return [owe(tx, rules, kind, {"event_id": event_id,
                                  "registration_id": person["registration_id"],
                                  "title": params["title"], "starts_at": params["starts_at"]},
                person["phone"], now, link if with_link else None, link_expires)
            for person in recipients if person.get("phone")]


def _held_because(session, rules: SmsRules, phone: str, event_id: str | None, now: datetime):
    if session.get(SmsOptOut, phone) is not None:
        return STOPPED
    counted = select(func.count(Sms.id)).where(Sms.to_number == phone, Sms.status != HELD)
    day_start = local_time(now).replace(hour=0, minute=0, second=0, microsecond=0)
    if session.execute(counted.where(Sms.created_at >= day_start)).scalar_one() >= rules.per_day:
        return DAY_CAP
    if event_id is not None and session.execute(
            counted.where(Sms.event_id == event_id)).scalar_one() >= rules.per_event:
        return EVENT_CAP
    return None


def _short_link(session, target: str, expires_at: datetime) -> str:
    code = secrets.token_urlsafe(6)  # 8 characters, 48 bits
    session.add(ShortLink(code=code, target=target, expires_at=expires_at))
    return code


def follow(session, code: str, now: datetime) -> str:
    """The page a short link leads to, while it lasts."""
    link = session.get(ShortLink, code)
    if link is None or link.expires_at <= now:
        raise NotFound("No such link, or it has expired.", "link_not_found")
    return link.target


def record_report(session, rules: SmsRules, sms_id: str, token: str, status: int,
                  now: datetime) -> Sms:
    """A delivery report from the gateway: kept on the SMS; delivered, or sent again later
    when the phone or the SMSC refused it, until its last attempt."""
    sms = session.get(Sms, sms_id, with_for_update=True)
    if sms is None or not hmac.compare_digest(token, sms.report_token):
        raise NotFound("No such SMS.", "sms_not_found")
    if sms.status not in (PENDING, SENT):  # settled: a late or repeated report changes nothing
        return sms
    # reports come in any order, and may come before the loop has written that it sent it
    # (pending): delivered settles it then too; a failure is for one known to be sent
    sms.report_status, sms.reported_at = status, now
    if status & REPORT_DELIVERED:
        sms.status, sms.delivered_at = DELIVERED, now
    elif status & (REPORT_UNDELIVERED | REPORT_SMSC_REJECTED) and sms.status == SENT:
        sms.last_error = f"delivery report {status}"
        retry(sms, rules.max_attempts, now)
    return sms


def retry(sms: Sms, max_attempts: int, now: datetime):
    """Pending again after a backoff, or failed after its last attempt."""
    if sms.attempts >= max_attempts:
        sms.status = FAILED
    else:
        sms.status = PENDING
        sms.next_attempt_at = now + BACKOFF[min(sms.attempts, len(BACKOFF)) - 1]


def receive(session, sender: str, text: str, now: datetime) -> bool:
    """An SMS a family sent: STOP (or ARRESTA, CANCELLA) opts its number out, and whatever was
    still to go to it is held. Whether it did."""
    phone = e164(sender or "")
    if phone is None or " ".join((text or "").upper().split()) not in STOP_WORDS:
        return False
    if session.get(SmsOptOut, phone) is None:
        session.add(SmsOptOut(to_number=phone, opted_out_at=now))
    session.execute(update(Sms).where(Sms.to_number == phone, Sms.status == PENDING)
                    .values(status=HELD, reason=STOPPED),
                    execution_options={"synchronize_session": False})
    return True


def e164(text: str) -> str | None:
    """A phone number as people write it ("333 123 4567", "+39 333 1234567") as the SMS are
    sent and STOP is kept: "+393331234567"; None when it is no number."""
    number = checks.phone_number(text)
    return None if number is None else phonenumbers.format_number(
        number, phonenumbers.PhoneNumberFormat.E164)


def require_token(expected: str, given: str):
    """The SMS gateway's own calls carry the token it was configured with; none configured,
    none is taken."""
    if not expected or not hmac.compare_digest(expected.encode(), (given or "").encode()):
        raise Forbidden("Only the SMS gateway sends this.", "sms_gateway_only")
