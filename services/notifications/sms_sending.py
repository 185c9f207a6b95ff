"""Sending the SMS owed (sms.py): a loop that hands each one due to the SMS gateway, outside any
database transaction, and retries with backoff until SMS_MAX_ATTEMPTS.

The gateway is Kannel: its smsbox's sendsms interface (KANNEL_SENDSMS_URL), which calls back the
gateway's /api/v1/sms/delivery-reports/<id> (at SMS_REPORT_URL) with each delivery report.
Without it (development), each SMS is kept as a file, `<id>.txt` under SMS_DIRECTORY
(QUBI_VAR_DIR/sms), for a developer to read.
"""
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import requests
from sqlalchemy import select, update

from services.common import files
from services.notifications import sms, sms_texts
from services.notifications.models import Sms

log = logging.getLogger(__name__)
REPORT_PATH = "/api/v1/sms/delivery-reports/{id}?status=%d&token={token}"  # Kannel fills %d


@dataclass(frozen=True)
class SmsGateway:
    sendsms_url: str
    username: str
    password: str
    sender: str
    directory: Path
    report_url: str
    timeout: float = 10.0

    @classmethod
    def from_config(cls, config) -> "SmsGateway":
        return cls(config["KANNEL_SENDSMS_URL"], config["KANNEL_USERNAME"],
                   config["KANNEL_PASSWORD"], config["SMS_SENDER"],
                   Path(config["SMS_DIRECTORY"]), config["SMS_REPORT_URL"])


CLAIM = timedelta(minutes=5)


def send_due(store, gateway: SmsGateway, now: datetime, max_attempts: int,
             limit: int = 100) -> dict:
    """Sends the SMS due, each claimed for CLAIM first: another replica's loop skips them (an
    SMS costs, and counts against the family's caps), and takes them up after it if this
    process died before it said how the sending went."""
    counts = {"sent": 0, "retry": 0, "failed": 0}
    with store.transaction() as tx:
        due = tx.session.execute(select(Sms.id, Sms.to_number, Sms.text, Sms.report_token).where(
            Sms.status == sms.PENDING, Sms.next_attempt_at <= now)
            .order_by(Sms.next_attempt_at).limit(limit).with_for_update(skip_locked=True)).all()
        if due:
            tx.session.execute(update(Sms).where(Sms.id.in_([row.id for row in due]))
                               .values(next_attempt_at=now + CLAIM))
    for row in due:
        error = _deliver(gateway, row)
        with store.transaction() as tx:
            owed = tx.session.get(Sms, row.id, with_for_update=True)
            if owed.status not in (sms.PENDING, sms.DELIVERED):  # a STOP came meanwhile
                continue
            owed.attempts += 1
            owed.last_error = error
            if owed.status == sms.DELIVERED:  # its report came first
                owed.sent_at = now
            elif error is None:
                owed.status, owed.sent_at = sms.SENT, now
            else:
                sms.retry(owed, max_attempts, now)
            outcome = "sent" if error is None else ("retry" if owed.status == sms.PENDING
                                                   else "failed")
        counts[outcome] += 1
    if any(counts.values()):
        log.info("sms: %s", ", ".join(f"{n} {what}" for what, n in counts.items() if n))
    return counts


def _deliver(gateway: SmsGateway, row) -> str | None:
    """None when the gateway took it, else what went wrong."""
    if not gateway.sendsms_url:
        return _keep(gateway.directory, row)
    unicode = sms_texts.gsm_length(row.text) is None
    params = {"username": gateway.username, "password": gateway.password, "to": row.to_number,
              "text": row.text, "charset": "UTF-8",
              "dlr-mask": sms.REPORT_MASK,
              "dlr-url": gateway.report_url + REPORT_PATH.format(id=row.id,
                                                                 token=row.report_token)}
    if unicode:  # else Kannel writes the UTF-8 it is given in GSM's 7 bits
        params["coding"] = 2
    if gateway.sender:
        params["from"] = gateway.sender
    try:
        answer = requests.get(gateway.sendsms_url, params=params, timeout=gateway.timeout)
    except requests.RequestException as error:  # its words hold the address: password, number
        return f"{type(error).__name__}: Kannel not reached"
    if 200 <= answer.status_code < 300:
        return None
    return f"Kannel {answer.status_code}: {answer.text.strip()}"[:500]


def _keep(directory: Path, row) -> str | None:
    return files.keep(directory, f"{row.id}.txt", f"To: {row.to_number}\n\n{row.text}\n".encode())
