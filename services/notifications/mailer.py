"""Email: each owed email is a `Delivery` row, sent by a loop that retries with backoff, marks
`failed` after its last attempt, and `bounced` when the server refuses it.

Where it goes is SMTP_URL (services.common.config.MailTransport): a mail server, or for
development a directory where each email is kept as `<delivery id>.eml`.
"""
import logging
import smtplib
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from pathlib import Path

from icalendar import Calendar
from sqlalchemy import select

from services.common import files
from services.common.config import MailTransport
from services.common.schemas import local_time
from services.notifications.models import Delivery

log = logging.getLogger(__name__)
LINK_DROPPED = "(a one-time link: dropped once the email was sent or given up)"
INVITATION_FILE = "invito.ics"
BACKOFF = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2),
           timedelta(hours=6))


@dataclass(frozen=True)
class MailSettings:
    transport: MailTransport
    sender: str = "Rete QuBì <noreply@qubi.comune.milano.it>"
    timeout: float = 10.0

    @classmethod
    def from_url(cls, url: str, sender: str) -> "MailSettings":
        return cls(MailTransport.from_url(url), sender)


def next_allowed(now: datetime, quiet_from: str | None, quiet_to: str | None) -> datetime:
    """`now`, or the end of the person's quiet hours (Europe/Rome) when `now` falls in them."""
    if not quiet_from or not quiet_to:
        return now
    local = local_time(now)
    hhmm = local.strftime("%H:%M")
    overnight = quiet_from > quiet_to
    quiet = (hhmm >= quiet_from or hhmm < quiet_to) if overnight else quiet_from <= hhmm < quiet_to
    if not quiet:
        return now
    hour, minute = map(int, quiet_to.split(":"))
    end = local.replace(hour=hour, minute=minute, second=0, microsecond=0)
    return end + timedelta(days=1) if end <= local else end


def due(store, now: datetime, limit: int = 100) -> list:
    with store.transaction() as tx:
        return tx.session.execute(select(Delivery.id).where(
            Delivery.status == "pending", Delivery.next_attempt_at <= now)
            .order_by(Delivery.next_attempt_at).limit(limit)).scalars().all()


def send_due(store, settings: MailSettings, now: datetime, max_attempts: int) -> dict:
    """Sends what is due; the SMTP conversation happens outside any database transaction."""
    counts = {"sent": 0, "retry": 0, "failed": 0, "bounced": 0}
    for delivery_id in due(store, now):
        with store.transaction() as tx:
            delivery = tx.session.get(Delivery, delivery_id)
            message = _message(delivery, settings.sender)
        outcome, error = _deliver(settings, delivery_id, message)
        with store.transaction() as tx:
            delivery = tx.session.get(Delivery, delivery_id)
            delivery.attempts += 1
            delivery.last_error = error
            if outcome == "sent":
                delivery.status, delivery.sent_at = "sent", now
            elif outcome == "bounced":
                delivery.status = "bounced"
            elif delivery.attempts >= max_attempts:
                delivery.status = outcome = "failed"
            else:
                outcome = "retry"
                delivery.next_attempt_at = now + BACKOFF[min(delivery.attempts, len(BACKOFF)) - 1]
            if delivery.one_time_link and outcome != "retry":
                delivery.text = delivery.html = LINK_DROPPED
        counts[outcome] += 1
    if any(counts.values()):
        log.info("mail: %s", ", ".join(f"{n} {what}" for what, n in counts.items() if n))
    return counts


def _message(delivery: Delivery, sender: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = delivery.to_address
    message["Subject"] = delivery.subject
    # the same id on a resend lets mail servers drop a duplicate after a crash mid-send
    message["Message-ID"] = f"<{delivery.id}@rete-qubi>"
    message.set_content(delivery.text)
    message.add_alternative(delivery.html, subtype="html")
    if delivery.calendar:
        _attach_invitation(message, delivery.calendar)
    return message


def _attach_invitation(message: EmailMessage, calendar: str):
    """As calendar programs look for it to offer accept and decline: an alternative of the text
    with its METHOD, and the same as a file."""
    method = str(Calendar.from_ical(calendar).get("METHOD", "PUBLISH"))
    message.add_alternative(calendar, subtype="calendar", charset="utf-8",
                            params={"method": method})
    message.add_attachment(calendar.encode(), maintype="application", subtype="ics",
                           filename=INVITATION_FILE)


def _deliver(settings: MailSettings, delivery_id: str, message: EmailMessage):
    if settings.transport.directory:
        return _keep(settings.transport.directory, delivery_id, message)
    return _send(settings.transport, settings.timeout, message)


def _keep(directory: Path, delivery_id: str, message: EmailMessage):
    error = files.keep(directory, f"{delivery_id}.eml", bytes(message))
    return ("sent", None) if error is None else ("retry", error)


def _send(transport: MailTransport, timeout: float, message: EmailMessage):
    client_class = smtplib.SMTP_SSL if transport.tls else smtplib.SMTP
    try:
        with client_class(transport.host, transport.port, timeout=timeout) as client:
            if transport.starttls:
                client.starttls()
            if transport.username:
                client.login(transport.username, transport.password or "")
            client.send_message(message)
        return "sent", None
    except smtplib.SMTPRecipientsRefused as error:
        return "bounced", str(error)[:500]
    except smtplib.SMTPResponseException as error:
        return ("bounced" if 500 <= error.smtp_code < 600 else "retry"), str(error)[:500]
    except (OSError, smtplib.SMTPException) as error:
        return "retry", f"{type(error).__name__}: {error}"[:500]
