"""The partners' webhooks without a broker (webhooks.py, webhook_kinds.py, webhook_sending.py):
who may subscribe which URL, what each event owes to whom and carries, how a delivery is
signed, retried and, after its last attempt, disables its subscription with a notice."""
from datetime import datetime, timedelta, timezone
from types import SimpleNamespace

import pytest
from sqlalchemy import select
from standardwebhooks import Webhook

from services.common.config import DEVELOPMENT_DATA_KEY
from services.common.context import Caller
from services.common.database import Store
from services.common.errors import Conflict, Forbidden, Invalid, NotFound
from services.common.events import envelope
from services.common.sealing import Cipher
from services.notifications import webhook_sending, webhooks
from services.notifications.contract import WEBHOOK_EVENTS
from services.notifications.models import Base, WebhookDelivery, WebhookSubscription
from services.notifications.webhook_kinds import WEBHOOK_KINDS, organisations_of

NOW = datetime(2027, 3, 1, 9, 0, tzinfo=timezone.utc)
CIPHER = Cipher([DEVELOPMENT_DATA_KEY])
RULES = webhooks.WebhookRules(https_only=True, allow_private=True, max_attempts=3,
                              first_retry_seconds=10)
ADMIN_A = Caller(user_id="u-a", organization_id="org-a", roles=("partner", "partner_admin"))
ADMIN_B = Caller(user_id="u-b", organization_id="org-b", roles=("partner", "partner_admin"))
CITY = Caller(user_id="u-c", roles=("city",))
SENT = {"referral_id": "r-1", "code": "R-2027-0001", "status": "sent", "urgency": "high",
        "municipio": 8, "to_municipi": [], "from_organization_id": None, "from_user_id": "u-sw",
        "to_organization_id": "org-a", "to_service_id": "s-1"}


@pytest.fixture
def store(databases):
    store = Store(databases["notifications"], Base.metadata)
    yield store
    store.dispose()


def subscribe(store, caller, kinds=("referral_sent",), url="https://partner.example/hook",
              rules=RULES):
    return webhooks.create(store, caller, {"url": url, "kinds": list(kinds)}, CIPHER, rules, NOW)


def hear(store, event_type, payload, events=None):
    """What the notifications service's handler writes of one bus event for the webhooks."""
    event = envelope(event_type, payload)
    owe = webhooks.owed_of(store, events, event_type, event)
    with store.transaction() as tx:
        owe(tx)
    return event


def owed(store) -> list:
    with store.transaction() as tx:
        return [(row.subscription_id, row.kind, row.payload) for row in tx.session.execute(
            select(WebhookDelivery).order_by(WebhookDelivery.created_at)).scalars()]


def test_every_kind_the_contract_offers_is_heard():
    assert set(WEBHOOK_KINDS) == set(WEBHOOK_EVENTS)


def test_an_administrator_or_the_city_subscribes_and_sees_the_secret_once(store):
    made = subscribe(store, ADMIN_A)
    assert made["secret"].startswith("whsec_") and made["organization_id"] == "org-a"
    with store.transaction() as tx:
        listed = webhooks.listing(tx.session, ADMIN_A)
        kept = tx.session.get(WebhookSubscription, made["id"]).sealed_secret
        assert webhooks.listing(tx.session, ADMIN_B) == []
    assert [w["id"] for w in listed] == [made["id"]] and "secret" not in listed[0]
    assert made["secret"] not in kept and CIPHER.open_text(kept) == made["secret"]
    assert subscribe(store, CITY, kinds=("fund_request_approved",))["organization_id"] is None
    with pytest.raises(Invalid) as refused:  # the city sees no single referral
        subscribe(store, CITY, kinds=("fund_request_approved", "referral_sent"))
    assert refused.value.codes["kinds"][0][0] == "webhook_kind_not_for_city"
    with pytest.raises(Forbidden):
        subscribe(store, Caller(user_id="u-p", organization_id="org-a", roles=("partner",)))


def test_another_organisations_webhook_is_not_found(store):
    made = subscribe(store, ADMIN_A)
    with store.transaction() as tx, pytest.raises(NotFound):
        webhooks.deliveries(tx.session, ADMIN_B, made["id"], 1, 50)
    with store.transaction() as tx, pytest.raises(NotFound):
        webhooks.remove(tx, CITY, made["id"])


@pytest.mark.parametrize("url, allow_private, code", [
    ("http://partner.example/hook", True, "webhook_url_not_https"),
    ("https://127.0.0.1/hook", False, "webhook_url_private"),
    ("https://10.1.2.3:8443/hook", False, "webhook_url_private"),
    ("https://[::1]/hook", False, "webhook_url_private"),
    ("https://no-such-host.invalid/hook", False, "webhook_url_unknown_host"),
    ("https://partner.example:99999/hook", False, "webhook_url_unknown_host"),
])
def test_a_url_that_is_not_https_or_leads_inside_is_refused(store, url, allow_private, code):
    rules = webhooks.WebhookRules(allow_private=allow_private)
    with pytest.raises(Invalid) as refused:
        subscribe(store, ADMIN_A, url=url, rules=rules)
    assert refused.value.codes["url"][0][0] == code


def test_an_event_is_owed_to_the_organisations_it_concerns_ids_only_and_to_the_city_its_kinds(
        store):
    mine, other = (subscribe(store, caller) for caller in (ADMIN_A, ADMIN_B))
    subscribe(store, CITY, kinds=("fund_request_approved",))  # hears no referral
    subscribe(store, ADMIN_A, kinds=("referral_accepted",))
    hear(store, "referral_sent", SENT)
    deliveries = owed(store)
    assert [row[0] for row in deliveries] == [mine["id"]]
    assert other["id"] not in {row[0] for row in deliveries}
    body = deliveries[0][2]
    assert body["type"] == "referral_sent" and body["timestamp"]
    assert body["data"] == {name: SENT[name] for name in (
        "referral_id", "code", "status", "urgency", "municipio", "from_organization_id",
        "to_organization_id", "to_service_id")}


def test_nobody_listening_asks_nothing_of_the_events_service(store):
    subscribe(store, ADMIN_A)
    hear(store, "registration_requested", {"event_id": "e-1"}, events=None)  # not asked
    events = SimpleNamespace(event_brief=lambda event_id: {"organizer_ids": ["org-a"]})
    subscribe(store, ADMIN_A, kinds=("registration_requested",))
    hear(store, "registration_requested", {
        "event_id": "e-1", "registration_id": "g-1", "municipio": 8, "adults": 1,
        "children": 2, "title": "Festa", "sealed": "secret"}, events=events)
    [(_, kind, body)] = owed(store)
    assert kind == "registration_requested" and "sealed" not in body["data"]
    assert body["data"] == {"event_id": "e-1", "registration_id": "g-1", "municipio": 8,
                            "adults": 1, "children": 2}


def test_a_fund_decision_goes_to_the_requesting_organisation_when_final():
    kind = WEBHOOK_KINDS["fund_request_approved"]
    assert not kind.heard({"final": False}) and kind.heard({"final": True})
    assert organisations_of(kind, None, {"organization_id": "org-a"}) == {"org-a"}
    assert organisations_of(kind, None, {"organization_id": None}) == set()


class Receiver:
    """Answers each post with the next status; keeps what it was sent."""

    def __init__(self, *statuses):
        self.statuses, self.posts = list(statuses), []

    def post(self, url, data, headers, **options):
        self.posts.append((url, data, headers, options))
        status = self.statuses.pop(0)
        if status is None:
            raise webhook_sending.requests.ConnectionError("refused")
        return Answer(status, b"ok" if status < 300 else b"down")


def receive_with(monkeypatch, post):
    """Every post the sender makes goes to `post(url, data, headers, **options)`."""
    monkeypatch.setattr(webhook_sending.requests.Session, "post",
                        lambda session, url, data, headers, **options: post(
                            url, data, headers, **options))


class Answer:
    """What requests gives back for a post made with stream=True."""

    def __init__(self, status: int, words: bytes):
        self.status_code, self.words, self.closed = status, words, False
        self.raw = SimpleNamespace(read=lambda size, decode_content: self.words[:size])

    def close(self):
        self.closed = True


def test_a_delivery_is_signed_as_standard_webhooks_and_retried_until_taken(store, monkeypatch):
    made = subscribe(store, ADMIN_A)
    hear(store, "referral_sent", SENT)
    receiver = Receiver(None, 200)
    receive_with(monkeypatch, receiver.post)
    now = datetime.now(timezone.utc)  # the library checks that a signature is fresh
    assert webhook_sending.send_due(store, RULES, CIPHER, now)["retry"] == 1
    assert not any(webhook_sending.send_due(store, RULES, CIPHER,
                                            now + timedelta(seconds=9)).values())  # its backoff
    assert webhook_sending.send_due(store, RULES, CIPHER, now + timedelta(seconds=10)) == {
        "sent": 1, "retry": 0, "failed": 0, "gone": 0}
    (_, _, first_headers, _), (url, body, headers, options) = receiver.posts
    assert url == "https://partner.example/hook" and options["timeout"] == RULES.timeout
    assert headers["webhook-id"] == first_headers["webhook-id"]  # one message, tried again
    verified = Webhook(made["secret"]).verify(body, headers)
    assert verified["type"] == "referral_sent" and verified["data"]["code"] == SENT["code"]
    with store.transaction() as tx:
        page = webhooks.deliveries(tx.session, ADMIN_A, made["id"], 1, 50)
    [shown] = page["items"]
    assert (shown["status"], shown["attempts"], shown["last_status"], shown["last_answer"],
            shown["next_attempt_at"]) == ("sent", 2, 200, "ok", None)


def test_after_its_last_attempt_the_webhook_is_disabled_and_its_people_told(store, monkeypatch):
    made = subscribe(store, ADMIN_A)
    hear(store, "referral_sent", SENT)
    receive_with(monkeypatch, Receiver(500, 503, 500).post)
    moment = NOW
    for _ in range(3):
        webhook_sending.send_due(store, RULES, CIPHER, moment)
        moment += timedelta(hours=7)
    with store.transaction() as tx:
        subscription = tx.session.get(WebhookSubscription, made["id"])
        told = tx.session.execute(select(store.outbox)).mappings().all()
        delivery = tx.session.execute(select(WebhookDelivery)).scalar_one()
    assert subscription.status == "disabled" and delivery.status == "failed"
    assert [(row["event_type"], row["payload"]["webhook_id"]) for row in told] == [
        ("webhook_disabled", made["id"])]
    hear(store, "referral_sent", {**SENT, "referral_id": "r-2"})
    assert len(owed(store)) == 1  # a disabled webhook is owed nothing more


def test_the_secrets_are_sealed_again_with_the_newest_key(store):
    made = subscribe(store, ADMIN_A)
    newest = "bmV3ZXN0LWtleS1mb3ItdGhlLXdlYmhvb2tzLXRlc3Q="
    with store.transaction() as tx:
        assert webhooks.rotate_secrets(tx.session, Cipher([newest, DEVELOPMENT_DATA_KEY])) == 1
    with store.transaction() as tx:
        sealed = tx.session.get(WebhookSubscription, made["id"]).sealed_secret
    assert Cipher([newest]).open_text(sealed) == made["secret"]


def test_deliveries_done_are_forgotten_after_a_month_those_pending_never(store, monkeypatch):
    subscribe(store, ADMIN_A)
    hear(store, "referral_sent", SENT)
    hear(store, "referral_sent", {**SENT, "referral_id": "r-2"})
    receive_with(monkeypatch, Receiver(200, 500).post)
    webhook_sending.send_due(store, RULES, CIPHER, datetime.now(timezone.utc))
    with store.transaction() as tx:
        assert webhooks.forget_old(tx, datetime.now(timezone.utc) + timedelta(days=29)) == 0
    with store.transaction() as tx:
        assert webhooks.forget_old(tx, datetime.now(timezone.utc) + timedelta(days=31)) == 1
    assert [kind for _, kind, _ in owed(store)] == ["referral_sent"]  # the one still pending


def test_a_delivery_whose_webhook_is_deleted_on_its_way_is_let_go(store, monkeypatch):
    made = subscribe(store, ADMIN_A)
    hear(store, "referral_sent", SENT)

    def deleted_meanwhile(url, data, headers, **options):
        with store.transaction() as tx:
            webhooks.remove(tx, ADMIN_A, made["id"])
        return Answer(200, b"")

    receive_with(monkeypatch, deleted_meanwhile)
    assert webhook_sending.send_due(store, RULES, CIPHER, NOW)["gone"] == 1


def test_an_organisation_has_at_most_ten_webhooks(store):
    for _ in range(webhooks.MOST):
        subscribe(store, ADMIN_A)
    with pytest.raises(Conflict) as refused:
        subscribe(store, ADMIN_A)
    assert refused.value.code == "webhook_limit"
    assert subscribe(store, ADMIN_B)["organization_id"] == "org-b"


def test_the_city_hears_every_organisations_fund_decisions(store):
    city = subscribe(store, CITY, kinds=("fund_request_approved",))
    hear(store, "fund_request_approved", {"request_id": "f-1", "organization_id": "org-b",
                                          "final": True, "status": "approved"})
    assert [row[0] for row in owed(store)] == [city["id"]]


def test_of_a_receivers_answer_only_what_the_log_keeps_is_read(store, monkeypatch):
    subscribe(store, ADMIN_A)
    hear(store, "referral_sent", SENT)
    answers = []

    def post(url, data, headers, **options):
        answers.append(Answer(500, b"x" * 10_000_000))
        assert options["stream"] is True
        return answers[-1]

    receive_with(monkeypatch, post)
    webhook_sending.send_due(store, RULES, CIPHER, datetime.now(timezone.utc))
    with store.transaction() as tx:
        delivery = tx.session.execute(select(WebhookDelivery)).scalar_one()
    assert len(delivery.last_answer) == webhook_sending.ANSWER_KEPT and answers[0].closed


PINNED_POST = """
import json, sys, trustme
from services.notifications import webhook_sending, webhooks
from tests.webhook_receiver import WebhookReceiver

ca = trustme.CA()
ca.cert_pem.write_to_path(sys.argv[1])
receiver = WebhookReceiver(ca).start()
rules = webhooks.WebhookRules(ca_file=sys.argv[1], timeout=5)
try:
    status, _ = webhook_sending.sent(receiver.url, "127.0.0.1", b"{}", {}, rules)
    elsewhere = receiver.url.replace("localhost", "partner.example")
    refused, why = webhook_sending.sent(elsewhere, "127.0.0.1", b"{}", {}, rules)
finally:
    receiver.stop()
print(json.dumps({"status": status, "refused": refused, "why": why,
                  "hosts": [headers["host"] for headers, _ in receiver.posts],
                  "port": receiver.port}))
"""


def test_a_post_goes_to_the_address_checked_with_tls_naming_the_urls_host(tmp_path):
    """The name is looked up once, when checked; the post connects to that address while the
    certificate is verified for the URL's host, and a certificate of another name is refused.
    In a process of its own: this one's ssl was imported before eventlet could make it green."""
    import json
    import subprocess
    import sys

    ran = subprocess.run([sys.executable, "-c", PINNED_POST, str(tmp_path / "ca.pem")],
                         capture_output=True, text=True, timeout=60, check=True)
    seen = json.loads(ran.stdout.strip().splitlines()[-1])
    assert (seen["status"], seen["refused"]) == (204, None) and "not reached" in seen["why"]
    assert seen["hosts"] == [f"localhost:{seen['port']}"]
