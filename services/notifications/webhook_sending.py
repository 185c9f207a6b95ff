"""Posting the webhook deliveries owed (webhooks.py): a loop that signs each one as Standard
Webhooks (`webhook-id`, `webhook-timestamp`, `webhook-signature`) and posts it with a timeout,
outside any database transaction; a receiver that does not answer 2xx is tried again with
growing delays, and when a delivery's last attempt fails its subscription is disabled and its
people are told (the `webhook_disabled` event, kinds.py)."""
import json
import logging
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from urllib.parse import urlsplit, urlunsplit

import eventlet
import requests
from requests.adapters import HTTPAdapter
from sqlalchemy import select, update
from standardwebhooks import Webhook

from services.notifications.models import WebhookDelivery, WebhookSubscription
from services.notifications.webhooks import ACTIVE, DISABLED, WebhookRules, checked_address

log = logging.getLogger(__name__)
CLAIM = timedelta(minutes=5)  # longer than a post may take: another replica leaves it alone
LONGEST_WAIT = timedelta(hours=6)
USER_AGENT = "Rete-QuBi-Webhooks/1"
AT_ONCE = 10  # posts in flight
ANSWER_KEPT = 500  # bytes of a receiver's answer read and logged


def retry_delay(rules: WebhookRules, attempts: int) -> timedelta:
    """After the first failed attempt FIRST_RETRY, then four times as long each time, at most
    LONGEST_WAIT: with the defaults a receiver may be down for most of a day."""
    return min(timedelta(seconds=rules.first_retry_seconds * 4 ** (attempts - 1)), LONGEST_WAIT)


def send_due(db, rules: WebhookRules, cipher, now: datetime, limit: int = 50) -> dict:
    """Posts what is due, each claimed first so that another replica's loop skips it."""
    counts = {"sent": 0, "retry": 0, "failed": 0, "gone": 0}
    with db.transaction() as tx:
        due = tx.session.execute(
            select(WebhookDelivery.id, WebhookDelivery.payload, WebhookSubscription.url,
                   WebhookSubscription.sealed_secret)
            .join(WebhookSubscription, WebhookSubscription.id == WebhookDelivery.subscription_id)
            .where(WebhookDelivery.status == "pending", WebhookDelivery.next_attempt_at <= now,
                   WebhookSubscription.status == ACTIVE)
            .order_by(WebhookDelivery.next_attempt_at).limit(limit)
            .with_for_update(skip_locked=True, of=WebhookDelivery)).all()
        if due:
            tx.session.execute(update(WebhookDelivery).where(
                WebhookDelivery.id.in_([row.id for row in due])).values(
                next_attempt_at=now + CLAIM))

    def deliver(row) -> str:
        status, answer = _post(rules, row, cipher.open_text(row.sealed_secret), now)
        with db.transaction() as tx:
            return _record(tx, rules, row.id, status, answer, now)

    if due:  # at once: a receiver that hangs until the timeout holds up no other
        with ThreadPoolExecutor(max_workers=min(len(due), AT_ONCE)) as pool:
            for outcome in pool.map(deliver, due):
                counts[outcome] += 1
    if any(counts.values()):
        log.info("webhooks: %s", ", ".join(f"{n} {what}" for what, n in counts.items() if n))
    return counts


def signed(delivery_id: str, payload: dict, secret: str, now: datetime) -> tuple:
    """The body and the headers of one attempt."""
    body = json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()
    return body, {"webhook-id": delivery_id, "webhook-timestamp": str(int(now.timestamp())),
                  "webhook-signature": Webhook(secret).sign(delivery_id, now, body),
                  "content-type": "application/json", "user-agent": USER_AGENT}


def _post(rules: WebhookRules, row, secret: str, now: datetime) -> tuple:
    """The receiver's HTTP status (None when not reached) and its words, or why not reached."""
    # its name may lead elsewhere since it was given: checked again, and the post goes to the
    # address checked, not to what a second look-up of the name might say
    refused, address = checked_address(row.url, rules)
    if refused:
        return None, str(refused)
    body, headers = signed(row.id, row.payload, secret, now)
    return sent(row.url, address, body, headers, rules)


def sent(url: str, address: str | None, body: bytes, headers: dict, rules: WebhookRules) -> tuple:
    """Posts to `url`, connected to `address` when given (TLS still names the URL's host), the
    whole post within twice the timeout (a receiver trickling bytes keeps no worker), and of the
    answer only what the log keeps. (status or None, its words or why not reached)"""
    parts = urlsplit(url)
    try:
        with eventlet.Timeout(2 * rules.timeout), requests.Session() as session:
            if address:
                session.mount("https://", _Pinned(parts.hostname))
                literal = f"[{address}]" if ":" in address else address
                url = urlunsplit((parts.scheme, f"{literal}:{parts.port or 443}", parts.path,
                                  parts.query, ""))
                headers = {**headers, "host": parts.netloc}
            answer = session.post(url, data=body, headers=headers, timeout=rules.timeout,
                                  verify=rules.ca_file or True, allow_redirects=False,
                                  stream=True)
            try:
                words = answer.raw.read(ANSWER_KEPT, decode_content=True)
            finally:
                answer.close()
    except (requests.RequestException, OSError, eventlet.Timeout) as error:
        return None, f"{type(error).__name__}: not reached"
    return answer.status_code, words.decode("utf-8", "replace").strip()[:ANSWER_KEPT] or None


class _Pinned(HTTPAdapter):
    """Connects where it is told while TLS (SNI and the certificate's name) speaks of `host`."""

    def __init__(self, host: str):
        self.host = host
        super().__init__()

    def init_poolmanager(self, *args, **pool_kwargs):
        super().init_poolmanager(*args, server_hostname=self.host, assert_hostname=self.host,
                                 **pool_kwargs)


def _record(tx, rules: WebhookRules, delivery_id: str, status: int | None, answer: str | None,
            now: datetime) -> str:
    delivery = tx.session.get(WebhookDelivery, delivery_id, with_for_update=True)
    if delivery is None:  # its webhook was deleted while it was on its way
        return "gone"
    delivery.attempts += 1
    delivery.last_status, delivery.last_answer = status, answer
    if status is not None and 200 <= status < 300:
        delivery.status, delivery.sent_at = "sent", now
        return "sent"
    if delivery.attempts < rules.max_attempts:
        delivery.next_attempt_at = now + retry_delay(rules, delivery.attempts)
        return "retry"
    delivery.status = "failed"
    subscription = tx.session.get(WebhookSubscription, delivery.subscription_id,
                                  with_for_update=True)
    if subscription.status == ACTIVE:
        subscription.status, subscription.disabled_at = DISABLED, now
        tx.session.execute(update(WebhookDelivery).where(  # none of its others will be sent
            WebhookDelivery.subscription_id == subscription.id,
            WebhookDelivery.status == "pending").values(status="failed"))
        tx.emit("webhook_disabled", {"webhook_id": subscription.id, "url": subscription.url,
                                     "organization_id": subscription.organization_id,
                                     "delivery_id": delivery.id, "kind": delivery.kind})
        log.warning("webhook %s disabled: %s", subscription.id, answer)
    return "failed"
