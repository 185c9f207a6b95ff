"""A hand-over that continues, as its people meet it over HTTP on the whole platform: a receiver
with no room passes the family on, the social worker agrees, the new receiver takes the family
on, keeps it on its waiting list, makes the first contact and completes; the family says on its
card that they met; the first sender follows it to the end; the radar counts the missing place."""
from datetime import datetime, timedelta

import pytest
import requests

from services.common.periods import ROME
from tests.helpers import wait_for
from tests.platform import Client, forward_body, referral_body

pytestmark = pytest.mark.broker


def post(client, path, body=None):
    return requests.post(f"{client.base}{path}", json=body, headers=client.headers, timeout=15)


def test_a_family_forwarded_for_no_capacity_is_taken_in_and_says_so(platform):
    sender, receiver = Client(platform, "partner8a"), Client(platform, "partner8b")
    new_receiver, social_worker = Client(platform, "partner2"), Client(platform, "asc8")
    receiver_org = receiver.get("/me").json()["organization_id"]
    new_org = new_receiver.get("/me").json()["organization_id"]
    body = referral_body(receiver_org, needs=["educational", "sport"])
    referral = sender.post("/referrals", json=body).json()
    again = sender.post("/referrals", json=body)
    assert again.status_code == 409 and again.json()["code"] == "referral_duplicate"
    card = post(sender, f"/referrals/{referral['id']}/family-card", {"channel": "print"})
    assert card.status_code == 201 and card.json()["url"].endswith(f"/f/{card.json()['code']}")

    named_elsewhere = {**forward_body(new_org), "consent": {
        **forward_body(new_org)["consent"], "organization_id": receiver_org}}
    refused = post(receiver, f"/referrals/{referral['id']}/forward", named_elsewhere)
    assert refused.status_code == 422 and "consent.organization_id" in refused.json()["errors"]
    proposed = post(receiver, f"/referrals/{referral['id']}/forward", forward_body(new_org))
    assert proposed.status_code == 200, proposed.text
    assert proposed.json()["forward_proposal"]["to_organization_id"] == new_org
    assert post(receiver, f"/referrals/{referral['id']}/accept").status_code == 409
    assert wait_for(lambda: [n for n in social_worker.get("/notifications").json()["items"]
                             if n["kind"] == "referral_forward_proposed"
                             and referral["code"] in n["body"]])
    assert post(receiver, f"/referrals/{referral['id']}/forward/agree").status_code == 403
    agreed = post(social_worker, f"/referrals/{referral['id']}/forward/agree")
    assert agreed.status_code == 201, agreed.text
    new = agreed.json()
    assert new["status"] == "sent" and new["to_organization_id"] == new_org
    assert [link["code"] for link in new["chain"]] == [referral["code"], new["code"]]
    assert wait_for(lambda: [n for n in new_receiver.get("/notifications").json()["items"]
                             if n["kind"] == "referral_sent" and new["code"] in n["body"]])

    path = f"/referrals/{new['id']}"
    assert post(new_receiver, f"{path}/accept").json()["status"] == "accepted"
    until = (datetime.now(ROME) + timedelta(days=20)).date().isoformat()
    held = post(new_receiver, f"{path}/hold", {"until": until, "reason": "Posti da gennaio"})
    assert (held.json()["status"], held.json()["held_until"]) == ("on_hold", until)
    assert post(new_receiver, f"{path}/hold", {"until": until, "reason": "x"}).status_code == 409
    assert post(new_receiver, f"{path}/start").json()["status"] == "in_progress"
    completed = post(new_receiver, f"{path}/complete", {"outcome": "enrolled"})
    assert completed.json()["status"] == "completed"

    answered = requests.post(f"{platform.url}/api/v1/family-card/{card.json()['code']}",
                             json={"answer": "met"}, timeout=15)
    assert answered.status_code == 200 and answered.json()["answer"] == "met"
    seen = social_worker.get(path).json()
    assert seen["family_word"]["answer"] == "met" and seen["family_word"]["escalated"] is False
    unknown = requests.post(f"{platform.url}/api/v1/family-card/ZZZZZZZZZZ",
                            json={"answer": "met"}, timeout=15)
    assert unknown.status_code == 404
    first = sender.get(f"/referrals/{referral['id']}").json()
    assert [link["status"] for link in first["chain"]] == ["forwarded", "completed"]
    trail = social_worker.get(f"/referrals/{referral['id']}/audit").json()["items"]
    assert {"forward_proposed", "forwarded"} <= {entry["action"] for entry in trail}

    radar = Client(platform, "coord8").get("/reports/unmet-needs",
                                           params={"municipio": 8}).json()
    month = datetime.now(ROME).strftime("%Y-%m")
    rows = {(row["need"], row["zone"]): row for row in radar["items"] if row["month"] == month}
    assert rows["educational", "Gallaratese"]["no_capacity"] == "<5"
    assert rows["sport", "Gallaratese"]["on_hold"] == "<5"
    assert Client(platform, "coord3").get("/reports/unmet-needs",
                                          params={"municipio": 8}).status_code == 403
