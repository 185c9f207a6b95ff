"""Webhooks for partner systems, on the session's platform: a partner's administrator subscribes
its system's HTTPS receiver (certified by the tests' CA, which the platform trusts), which
verifies every post with the Standard Webhooks library, hears each event once however often the
bus redelivers it, and hears what it missed once it is up again."""
import json

import pytest
from standardwebhooks import Webhook

from services.common.config import load_settings
from tests.helpers import listening, publish_event, received, wait_for
from tests.platform import Client, referral_body
from tests.webhook_receiver import WebhookReceiver

pytestmark = pytest.mark.broker


def about(receiver, secret, referral_id) -> list:
    """The types of the verified posts about one referral, in the order they came."""
    verified = [Webhook(secret).verify(body, headers) for headers, body in receiver.posts]
    return [post["type"] for post in verified if post["data"]["referral_id"] == referral_id]


def test_a_partner_system_hears_each_event_once_signed_and_after_it_was_down(platform):
    admin, sender = Client(platform, "partner8a"), Client(platform, "partner8b")
    organization = admin.get("/me").json()["organization_id"]
    receiver = WebhookReceiver(platform.webhook_ca).start()
    made = admin.post("/webhooks", json={"url": receiver.url,
                                         "kinds": ["referral_sent", "referral_accepted"]})
    assert made.status_code == 201, made.text
    webhook, secret = made.json(), made.json()["secret"]
    assert "secret" not in admin.get("/webhooks").json()[0]
    config = load_settings(platform.env).nameko_config()
    try:
        with listening(config, "referrals") as heard:
            first = sender.post("/referrals", json=referral_body(organization)).json()
            assert wait_for(lambda: about(receiver, secret, first["id"])) == ["referral_sent"]
            sent = next(event for event in received(heard)
                        if event["event_type"] == "referral_sent"
                        and event["payload"]["referral_id"] == first["id"])
        for _ in range(2):  # the bus hands the same event again
            publish_event(config, "referrals", sent)
        second = sender.post("/referrals", json=referral_body(organization)).json()
        assert wait_for(lambda: about(receiver, secret, second["id"])) == ["referral_sent"]
        assert about(receiver, secret, first["id"]) == ["referral_sent"]
        body = json.loads(receiver.posts[0][1])
        assert "family" not in body["data"] and body["data"]["code"] == first["code"]

        receiver.stop()
        assert admin.post(f"/referrals/{first['id']}/accept", json={}).status_code == 200
        missed = wait_for(lambda: [d for d in admin.get(
            f"/webhooks/{webhook['id']}/deliveries").json()["items"]
            if d["kind"] == "referral_accepted" and d["attempts"] >= 1])
        assert missed[0]["status"] == "pending" and missed[0]["last_status"] is None
        receiver.start()
        assert wait_for(lambda: "referral_accepted" in about(receiver, secret, first["id"]))
        assert about(receiver, secret, first["id"]) == ["referral_sent", "referral_accepted"]
        shown = admin.get(f"/webhooks/{webhook['id']}/deliveries").json()["items"]
        accepted = next(d for d in shown if d["kind"] == "referral_accepted")
        assert (accepted["status"], accepted["last_status"]) == ("sent", 204)
        assert accepted["attempts"] >= 2
        assert Client(platform, "partner8b").get(
            f"/webhooks/{webhook['id']}/deliveries").status_code == 403
    finally:
        assert admin.delete(f"/webhooks/{webhook['id']}").status_code == 204
        receiver.stop()
