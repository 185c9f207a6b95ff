"""Email over SMTP: each owed email is a `Delivery` row, sent by a loop that retries with
backoff, marks `failed` after its last attempt, and `bounced` when the server refuses it.

SMTP_URL: `smtp://host:port` (plain), `smtp://user:password@host:587?starttls=1`, or
`smtps://user:password@host:465` (TLS from the start).
"""
import logging
import smtplib
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from urllib.parse import parse_qs, unquote, urlparse

from sqlalchemy import select

from services.common.schemas import local_time
from services.notifications.models import Delivery

log = logging.getLogger(__name__)
BACKOFF = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2),
           timedelta(hours=6))


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    tls: bool = False
    starttls: bool = False
    username: str | None = None
    password: str | None = None
    sender: str = "Rete QuBì <noreply@qubi.comune.milano.it>"
    timeout: float = 10.0

    @classmethod
    def from_url(cls, url: str, sender: str) -> "SmtpSettings":
        parts = urlparse(url)
        options = parse_qs(parts.query)
        return cls(host=parts.hostname or "localhost",
                   port=parts.port or (465 if parts.scheme == "smtps" else 25),
                   tls=parts.scheme == "smtps",
                   starttls=options.get("starttls", ["0"])[0].lower() in ("1", "true", "yes"),
                   username=unquote(parts.username) if parts.username else None,
                   password=unquote(parts.password) if parts.password else None, sender=sender)


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


def send_due(store, settings: SmtpSettings, now: datetime, max_attempts: int) -> dict:
    """Sends what is due; the SMTP conversation happens outside any database transaction."""
    counts = {"sent": 0, "retry": 0, "failed": 0, "bounced": 0}
    for delivery_id in due(store, now):
        with store.transaction() as tx:
            delivery = tx.session.get(Delivery, delivery_id)
            message = _message(delivery, settings.sender)
        outcome, error = _send(settings, message)
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
    return message


def _send(settings: SmtpSettings, message: EmailMessage):
    client_class = smtplib.SMTP_SSL if settings.tls else smtplib.SMTP
    try:
        with client_class(settings.host, settings.port, timeout=settings.timeout) as client:
            if settings.starttls:
                client.starttls()
            if settings.username:
                client.login(settings.username, settings.password or "")
            client.send_message(message)
        return "sent", None
    except smtplib.SMTPRecipientsRefused as error:
        return "bounced", str(error)[:500]
    except smtplib.SMTPResponseException as error:
        return ("bounced" if 500 <= error.smtp_code < 600 else "retry"), str(error)[:500]
    except (OSError, smtplib.SMTPException) as error:
        return "retry", f"{type(error).__name__}: {error}"[:500]
