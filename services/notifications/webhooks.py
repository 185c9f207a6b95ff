"""The partners' webhooks: an organisation's administrator (or the city) subscribes a URL to
kinds of events (webhook_kinds.py); each event heard owes one delivery to each subscription it
concerns, written in the transaction that records the event as processed, so a redelivered
event owes nothing twice. webhook_sending.py posts them.

The URL is https outside development, and never an address of a private network (loopback,
link-local, the cluster's own) unless WEBHOOK_ALLOW_PRIVATE says so: a subscription must not
make the platform call its own insides.
"""
import base64
import ipaddress
import secrets
import socket
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from urllib.parse import urlsplit

from sqlalchemy import delete, or_, select

from services.common.checks import reason
from services.common.context import CITY, Caller
from services.common.database import find
from services.common.errors import Conflict, Invalid, NotFound
from services.common.schemas import paged
from services.notifications.contract import (ABILITIES, CITY_WEBHOOK_EVENTS,
                                             WebhookDeliverySchema, WebhookSchema)
from services.notifications.models import WebhookDelivery, WebhookSubscription
from services.notifications.webhook_kinds import WEBHOOK_KINDS, organisations_of, payload_of

ACTIVE, DISABLED = "active", "disabled"
KEPT = timedelta(days=30)
MOST = 10  # webhooks of one organisation (or of the city)
WEBHOOK = WebhookSchema()
DELIVERY = WebhookDeliverySchema()


@dataclass(frozen=True)
class WebhookRules:
    https_only: bool = True
    allow_private: bool = False
    ca_file: str = ""  # the CA bundle receivers are verified with; empty: the system's
    timeout: float = 10.0
    max_attempts: int = 8
    first_retry_seconds: float = 30.0

    @classmethod
    def from_config(cls, config) -> "WebhookRules":
        return cls(bool(config["WEBHOOK_HTTPS_ONLY"]), bool(config["WEBHOOK_ALLOW_PRIVATE"]),
                   config["WEBHOOK_CA_FILE"], float(config["WEBHOOK_TIMEOUT"]),
                   int(config["WEBHOOK_MAX_ATTEMPTS"]),
                   float(config["WEBHOOK_FIRST_RETRY_SECONDS"]))


def refusal_of_url(url: str, rules: WebhookRules):
    """Why the platform will not post to `url` (a coded reason), or None."""
    return checked_address(url, rules)[0]


def checked_address(url: str, rules: WebhookRules) -> tuple:
    """(why the platform will not post to `url`, or None; the address its name leads to, which
    a post must connect to, or None where private addresses are allowed)."""
    parts = urlsplit(url)
    if rules.https_only and parts.scheme != "https":
        return reason("webhook_url_not_https", "The URL must be https."), None
    if rules.allow_private:
        return None, None
    try:
        addresses = sorted({info[4][0] for info in socket.getaddrinfo(
            parts.hostname, parts.port or 443, type=socket.SOCK_STREAM)})
    except (socket.gaierror, UnicodeError, ValueError):  # ValueError: a port out of range
        return reason("webhook_url_unknown_host", "Its host name is not known."), None
    if any(not ipaddress.ip_address(address.split("%")[0]).is_global for address in addresses):
        return reason("webhook_url_private", "It leads to a private or local address."), None
    return None, addresses[0]


def _scope(caller: Caller) -> str | None:
    """The organisation whose subscriptions the caller manages; None: the city's."""
    caller.require_role(*ABILITIES["manage_webhooks"])
    return None if caller.has_role(CITY) else caller.organization_id


def create(db, caller: Caller, data: dict, cipher, rules: WebhookRules, now: datetime) -> dict:
    """The new subscription, with its signing secret: shown this once, kept sealed. Its URL's
    name is looked up before the transaction opens."""
    organization_id = _scope(caller)
    refused = refusal_of_url(data["url"], rules)
    if refused:
        raise Invalid({"url": [refused]})
    if organization_id is None and set(data["kinds"]) - set(CITY_WEBHOOK_EVENTS):
        raise Invalid({"kinds": [reason("webhook_kind_not_for_city",
                                        "The city hears fund decisions only: {kinds}.",
                                        kinds=", ".join(CITY_WEBHOOK_EVENTS))]})
    secret = "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()
    with db.transaction() as tx:
        if len(listing(tx.session, caller)) >= MOST:
            raise Conflict(f"At most {MOST} webhooks: delete one first.", "webhook_limit",
                           {"most": MOST})
        subscription = WebhookSubscription(
            organization_id=organization_id, url=data["url"], kinds=sorted(set(data["kinds"])),
            sealed_secret=cipher.seal_text(secret), created_by=caller.user_id, created_at=now)
        tx.session.add(subscription)
        tx.session.flush()
        return {**WEBHOOK.dump(subscription), "secret": secret}


def listing(session, caller: Caller) -> list:
    organization_id = _scope(caller)
    return [WEBHOOK.dump(subscription) for subscription in session.execute(
        select(WebhookSubscription).where(WebhookSubscription.organization_id.is_(None)
                                          if organization_id is None else
                                          WebhookSubscription.organization_id == organization_id)
        .order_by(WebhookSubscription.created_at)).scalars()]


def own(session, caller: Caller, subscription_id: str) -> WebhookSubscription:
    organization_id = _scope(caller)
    subscription = find(session, WebhookSubscription, subscription_id)
    if subscription is None or subscription.organization_id != organization_id:
        raise NotFound("No such webhook.", "webhook_not_found")
    return subscription


def remove(tx, caller: Caller, subscription_id: str):
    subscription = own(tx.session, caller, subscription_id)
    tx.session.execute(delete(WebhookDelivery).where(
        WebhookDelivery.subscription_id == subscription.id))
    tx.session.delete(subscription)


def deliveries(session, caller: Caller, subscription_id: str, page: int, per_page: int) -> dict:
    """Its deliveries, newest first: the log a partner reads when its system heard nothing."""
    subscription = own(session, caller, subscription_id)
    return paged(session, select(WebhookDelivery).where(
        WebhookDelivery.subscription_id == subscription.id)
        .order_by(WebhookDelivery.created_at.desc(), WebhookDelivery.id.desc()),
        page, per_page, _present_delivery)


def _present_delivery(delivery: WebhookDelivery) -> dict:
    shown = DELIVERY.dump(delivery)
    if delivery.status != "pending":
        shown["next_attempt_at"] = None
    return shown


def forget_old(tx, now: datetime) -> int:
    """Drops the deliveries done (sent, or failed) more than KEPT ago: the log a partner reads
    is of the recent weeks."""
    return tx.session.execute(delete(WebhookDelivery).where(
        WebhookDelivery.status != "pending", WebhookDelivery.created_at < now - KEPT)).rowcount


def rotate_secrets(session, cipher) -> int:
    """Rewrites every sealed signing secret with the newest data key (qubi-admin rotate-keys)."""
    subscriptions = session.execute(select(WebhookSubscription)).scalars().all()
    for subscription in subscriptions:
        subscription.sealed_secret = cipher.rotate(subscription.sealed_secret.encode()).decode()
    return len(subscriptions)


def owed_of(db, events, event_type: str, event: dict):
    """What the webhooks are owed of a bus event, as a write of its handler's transaction
    (`owe`); the organisations it concerns asked first, and only when a subscription listens."""
    kind = WEBHOOK_KINDS.get(event_type)
    if kind is None or not kind.heard(event["payload"]):
        return lambda tx: None
    with db.transaction() as tx:
        listening = any(event_type in kinds for kinds in tx.session.execute(
            select(WebhookSubscription.kinds).where(WebhookSubscription.status == ACTIVE))
            .scalars())
    if not listening:
        return lambda tx: None
    organisations = organisations_of(kind, events, event["payload"])
    return lambda tx: owe(tx, kind, event, organisations, datetime.now(timezone.utc))


def owe(tx, kind, event: dict, organisations: set, now: datetime) -> int:
    """One delivery of `event` to each active subscription to its kind of the organisations it
    concerns, and of the city's. How many are owed."""
    heard_by = WebhookSubscription.organization_id.in_(sorted(organisations))
    if kind.event_type in CITY_WEBHOOK_EVENTS:
        heard_by = or_(heard_by, WebhookSubscription.organization_id.is_(None))
    subscriptions = tx.session.execute(select(WebhookSubscription).where(
        WebhookSubscription.status == ACTIVE, heard_by)).scalars()
    body = {"type": kind.event_type, "timestamp": event["occurred_at"],
            "data": payload_of(kind, event["payload"])}
    owed = [WebhookDelivery(subscription_id=subscription.id, event_id=event["event_id"],
                            kind=kind.event_type, payload=body, next_attempt_at=now,
                            created_at=now)
            for subscription in subscriptions if kind.event_type in subscription.kinds]
    tx.session.add_all(owed)
    return len(owed)
