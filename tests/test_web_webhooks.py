"""The webhooks page of an organisation's administrator, without a browser or the platform: the
secret shown once after subscribing, the service's refusals next to their inputs with what was
typed kept, the deliveries with their attempts and last answer, and no page (nor menu entry) for
one without the ability."""
import re

from gateway.auth import issue_token
from services.common.errors import Conflict, Invalid
from tests.test_web_pages import csrf_of, web  # noqa: F401
from tests.test_web_governance import refusing

SECRET = "a-test-secret-that-is-long-enough-for-hs256"
HTTPS = {"base_url": "https://localhost"}
WEBHOOK = {"id": "w-1", "url": "https://gestionale.example.org/qubi", "status": "disabled",
           "kinds": ["referral_sent", "registration_requested"], "organization_id": "o-1",
           "created_at": "2027-01-10T10:00:00+01:00", "disabled_at": "2027-01-12T10:00:00+01:00"}


def log_in(web, roles):
    token = issue_token({"user_id": "u-p", "username": "partner8a", "roles": roles,
                         "municipi": [8], "organization_id": "o-1", "session_id": "s-1"},
                        SECRET, 60)["access_token"]
    web.set_cookie("qubi_access", token, domain="localhost")


def test_an_administrator_subscribes_a_url_and_sees_its_secret_once(web):
    log_in(web, ["partner", "partner_admin"])
    web.services.answers.update(list_webhooks=[WEBHOOK], create_webhook={
        **WEBHOOK, "id": "w-2", "status": "active", "secret": "whsec_c2VncmV0bw=="})
    page = web.get("/webhooks", **HTTPS)
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and 'href="/webhooks" aria-current="page"' in text
    assert "Invio ricevuto, Iscrizione a un evento" in text and "Disattivato" in text
    assert "whsec_" not in text
    sent = web.post("/webhooks", data={"csrf_token": csrf_of(page), "url": WEBHOOK["url"],
                                       "kinds": ["referral_sent", "fund_request_approved"]},
                    **HTTPS)
    assert sent.status_code == 200 and "whsec_c2VncmV0bw==" in sent.get_data(as_text=True)
    assert sent.headers["Cache-Control"] == "no-store"
    [(_, _, (values,), _)] = [c for c in web.services.calls if c[1] == "create_webhook"]
    assert values == {"url": WEBHOOK["url"], "kinds": ["referral_sent", "fund_request_approved"]}


def test_a_refused_url_is_said_next_to_its_input_with_what_was_typed(web):
    log_in(web, ["partner", "partner_admin"])
    web.services.answers.update(list_webhooks=[])
    token = csrf_of(web.get("/webhooks", **HTTPS))
    refusing(web, "create_webhook", Invalid(
        {"url": ["It leads to a private or local address."]},
        codes={"url": [["webhook_url_private", {}]]}))
    sent = web.post("/webhooks", data={"csrf_token": token, "url": "https://10.0.0.1/x",
                                       "kinds": ["referral_sent"]}, **HTTPS)
    text = sent.get_data(as_text=True)
    assert sent.status_code == 422
    assert "Questo indirizzo porta a una rete privata o locale." in text
    assert 'value="https://10.0.0.1/x"' in text
    assert re.search(r'id="kind-referral_sent"[^>]* checked', text)


def test_one_too_many_is_said_on_the_form(web):
    log_in(web, ["partner", "partner_admin"])
    web.services.answers.update(list_webhooks=[WEBHOOK])
    token = csrf_of(web.get("/webhooks", **HTTPS))
    refusing(web, "create_webhook", Conflict("At most 10 webhooks: delete one first.",
                                             "webhook_limit", {"most": 10}))
    sent = web.post("/webhooks", data={"csrf_token": token, "url": WEBHOOK["url"],
                                       "kinds": ["referral_sent"]}, **HTTPS)
    assert sent.status_code == 409
    assert "Al massimo 10 webhook: eliminatene uno prima." in sent.get_data(as_text=True)


def test_the_deliveries_say_status_attempts_and_last_answer(web):
    log_in(web, ["partner", "partner_admin"])
    web.services.answers.update(list_webhooks=[WEBHOOK], webhook_deliveries={
        "items": [{"id": "d-1", "event_id": "e-1", "kind": "referral_sent", "status": "pending",
                   "attempts": 2, "last_status": 503, "last_answer": "down for maintenance",
                   "next_attempt_at": "2027-01-12T10:05:00+01:00",
                   "created_at": "2027-01-12T10:00:00+01:00", "sent_at": None}],
        "page": 1, "per_page": 30, "total": 1})
    text = web.get("/webhooks/w-1", **HTTPS).get_data(as_text=True)
    assert "Da consegnare" in text and "HTTP 503 down for maintenance" in text
    assert "prossimo tentativo" in text and WEBHOOK["url"] in text


def test_a_partner_without_the_ability_has_no_webhooks_page(web):
    log_in(web, ["partner"])
    assert web.get("/webhooks", **HTTPS).status_code == 403
    assert 'href="/webhooks"' not in web.get("/notifications", **HTTPS).get_data(as_text=True)
