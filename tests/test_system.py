"""The whole platform as a user meets it: six service processes and the gateway under
gunicorn, over HTTP, on the real RabbitMQ (and PostgreSQL when TEST_DATABASE_URL says so)."""
import time
from datetime import datetime

import pytest
import requests

from services.common.periods import ROME
from tests.helpers import wait_for
from tests.platform import Client, referral_body
from tests.smtp import text_of

pytestmark = pytest.mark.broker


def notifications_about(client, name):
    items = client.get("/notifications").json()["items"]
    return [item for item in items if name in item["body"]]


def test_anyone_sees_the_nine_networks(platform):
    answer = Client(platform).get("/networks")
    assert answer.status_code == 200
    networks = answer.json()["items"]
    assert [n["municipio"] for n in networks] == list(range(1, 10))
    assert {"Quarto Oggiaro", "Gallaratese", "Villapizzone"} <= set(networks[7]["zones"])


def test_demo_users_log_in_and_see_who_they_are(platform):
    me = Client(platform, "coord8").get("/me").json()
    assert (me["username"], me["roles"], me["municipi"], me["tier"]) == (
        "coord8", ["coordinator"], [8], "municipal")
    wrong = requests.post(f"{platform.url}/api/v1/auth/token",
                          json={"username": "coord8", "password": "nope"}, timeout=10)
    assert wrong.status_code == 401


def test_a_new_organisation_reaches_the_coordinators_inbox(platform):
    coordinator = Client(platform, "coord8")
    created = coordinator.post("/organizations", json={"name": "Ludoteca QT8", "municipi": [8]})
    assert created.status_code == 201, created.text
    assert created.json()["municipi"] == [8]
    assert Client(platform).get(f"/organizations/{created.json()['id']}").json()["name"] == "Ludoteca QT8"
    found = wait_for(lambda: notifications_about(coordinator, "Ludoteca QT8"))
    assert found[0]["title"] == "Nuova organizzazione nella rete" and not found[0]["read"]
    assert notifications_about(Client(platform, "coord3"), "Ludoteca QT8") == []


def test_bad_input_is_422_naming_each_field_and_writes_nothing(platform):
    city = Client(platform, "citta")
    before = city.get("/organizations").json()["total"]
    for body, fields in [({}, {"name"}), ({"name": 42, "level": "x"}, {"name", "level"}),
                         ({"name": "Dodici", "municipi": [12]}, {"municipi.0"})]:
        answer = city.post("/organizations", json=body)
        assert answer.status_code == 422
        assert answer.headers["Content-Type"] == "application/problem+json"
        assert set(answer.json()["errors"]) == fields
    assert city.get("/organizations").json()["total"] == before


def test_no_token_is_401_and_a_partner_is_403(platform):
    body = {"name": "APS senza permesso", "municipi": [8]}
    assert Client(platform).post("/organizations", json=body).status_code == 401
    assert Client(platform, "partner8a").post("/organizations", json=body).status_code == 403
    assert Client(platform, "coord3").post("/organizations", json=body).status_code == 403


def test_notifications_owed_while_the_service_was_down_arrive_when_it_returns(platform):
    coordinator = Client(platform, "coord8")
    platform.stop("notifications")
    try:
        started = time.monotonic()
        down = coordinator.get("/notifications")
        assert down.status_code == 503 and down.headers["Retry-After"]
        assert time.monotonic() - started < 5
        created = Client(platform, "citta").post(
            "/organizations", json={"name": "Doposcuola Villapizzone", "municipi": [8]})
        assert created.status_code == 201
    finally:
        platform.start_service("notifications")
    assert wait_for(lambda: coordinator.get("/notifications").status_code == 200, timeout=30)
    assert wait_for(lambda: notifications_about(coordinator, "Doposcuola Villapizzone"), timeout=30)


def test_a_family_finds_the_gallaratese_desk_by_age_and_day(platform):
    public = Client(platform)
    found = public.get("/services", params={"age": 3, "open_at": "2026-11-25T15:00",
                                             "zone": "gallaratese"}).json()
    assert [s["name"] for s in found["items"]] == ["Sportello QuBì Gallaratese"]
    desk = found["items"][0]
    assert desk["phones"][0]["number"] == "+39 345 155 2523"
    assert desk["schedules"] == [{"weekday": 3, "opens_at": "14:00", "closes_at": "17:00",
                                  "valid_from": None, "valid_to": None}]
    assert public.get("/services", params={"open_at": "2026-11-25T10:00", "municipio": 8}).json()["total"] == 0
    assert public.get(f"/services/{desk['id']}").json()["name"] == desk["name"]


def test_partners_manage_their_own_services_only(platform):
    partner = Client(platform, "partner8b")
    me = partner.get("/me").json()
    body = {"organization_id": me["organization_id"], "name": "Spazio compiti Gallaratese",
            "category": "proximity", "dimension": "educational", "min_age": 6, "max_age": 13,
            "location": {"zone": "Gallaratese", "municipio": 8},
            "schedules": [{"weekday": 1, "opens_at": "15:00", "closes_at": "18:00"}]}
    created = partner.post("/services", json=body)
    assert created.status_code == 201, created.text
    service_id = created.json()["id"]

    other = Client(platform, "partner8a")
    assert requests.patch(f"{other.base}/services/{service_id}", json={"name": "Mio"},
                          headers=other.headers, timeout=10).status_code == 404
    assert requests.delete(f"{other.base}/services/{service_id}", headers=other.headers,
                           timeout=10).status_code == 404
    coord3 = Client(platform, "coord3")
    assert requests.patch(f"{coord3.base}/services/{service_id}", json={"name": "Mio"},
                          headers=coord3.headers, timeout=10).status_code == 403
    bad = partner.post("/services", json={**body, "min_age": 10, "max_age": 4,
                                          "schedules": [{"weekday": 9, "opens_at": "25:00",
                                                         "closes_at": "18:00"}]})
    assert bad.status_code == 422
    assert {"max_age", "schedules.0.weekday", "schedules.0.opens_at"} <= set(bad.json()["errors"])
    half = requests.patch(f"{partner.base}/services/{service_id}", headers=partner.headers,
                          timeout=10, json={"phones": [{"number": "02 1234567"},
                                                       {"description": "segreteria"}]})
    assert half.status_code == 422 and set(half.json()["errors"]) == {"phones.1.number"}
    assert Client(platform).get(f"/services/{service_id}").json()["phones"] == []

    assert requests.delete(f"{partner.base}/services/{service_id}", headers=partner.headers,
                           timeout=10).status_code == 204
    assert Client(platform).get(f"/services/{service_id}").status_code == 404


def test_hsds_endpoints_answer_valid_hsds(platform):
    """A few through the directory's process (tests/test_hsds_api.py walks them all)."""
    from services.directory.tests.hsds_validators import (ORGANIZATION, ORGANIZATION_PAGE,
                                                          SERVICE_AT_LOCATION_PAGE, SERVICE_PAGE,
                                                          assert_service_valid, assert_valid)
    public = Client(platform)
    page = public.get("/hsds/services", params={"per_page": 2}).json()
    assert_valid(SERVICE_PAGE, page)
    assert page["size"] == 2 and page["total_items"] >= 4
    assert_service_valid(public.get(f"/hsds/services/{page['contents'][0]['id']}").json())
    organizations = public.get("/hsds/organizations", params={"municipio": 8}).json()
    assert_valid(ORGANIZATION_PAGE, organizations)
    assert_valid(ORGANIZATION, public.get(
        f"/hsds/organizations/{organizations['contents'][0]['id']}").json())
    assert public.get("/hsds/services/00000000-0000-0000-0000-000000000000").status_code == 404
    unknown_taxonomy = public.get("/hsds/service_at_locations", params={
        "taxonomy_id": "00000000-0000-0000-0000-000000000000"})
    assert (unknown_taxonomy.status_code, unknown_taxonomy.json()["empty"]) == (200, True)
    assert_valid(SERVICE_AT_LOCATION_PAGE, public.get("/hsds/service_at_locations").json())
    assert public.get("/hsds/").headers["Access-Control-Allow-Origin"] == "*"
    streamed = public.get("/hsds/services", params={"format": "ndjson", "minimal": "true"})
    assert streamed.headers["Content-Type"] == "application/x-ndjson"
    assert len(streamed.text.splitlines()) == page["total_items"]


def test_a_coordinator_onboards_a_network_from_a_spreadsheet(platform):
    from pathlib import Path

    example = (Path(__file__).parents[1] / "services/directory/examples/onboarding.csv").read_text()
    coordinator = Client(platform, "coord8")
    headers = {**coordinator.headers, "Content-Type": "text/csv"}
    bad = example.replace(",8,", ",12,", 1)
    refused = requests.post(f"{coordinator.base}/organizations/import", data=bad.encode(),
                            headers=headers, timeout=30)
    assert refused.status_code == 422
    assert list(refused.json()["errors"]) == ["line 2"]
    before = coordinator.get("/organizations", params={"municipio": 8}).json()["total"]
    imported = requests.post(f"{coordinator.base}/organizations/import", data=example.encode(),
                             headers=headers, timeout=30)
    assert imported.status_code == 200, imported.text
    created = imported.json()["organizations_created"]
    assert coordinator.get("/organizations", params={"municipio": 8}).json()["total"] == before + created
    exported = coordinator.get("/organizations/export.csv", params={"municipio": 8})
    assert exported.headers["Content-Type"].startswith("text/csv")
    assert exported.content.decode("utf-8-sig").count("\n") > example.count("\n")
    assert requests.post(f"{platform.url}/api/v1/organizations/import", data=example.encode(),
                         headers={"Content-Type": "text/csv"}, timeout=30).status_code == 401


def test_a_referral_reaches_the_receiver_who_sees_the_family_only_after_accepting(platform):
    sender, receiver = Client(platform, "partner8a"), Client(platform, "partner8b")
    receiver_org = receiver.get("/me").json()["organization_id"]
    no_consent = referral_body(receiver_org)
    del no_consent["consent"]
    refused = sender.post("/referrals", json=no_consent)
    assert refused.status_code == 422 and "consent" in refused.json()["errors"]

    sent = sender.post("/referrals", json=referral_body(receiver_org))
    assert sent.status_code == 201, sent.text
    referral = sent.json()
    code = referral["code"]
    told = wait_for(lambda: [n for n in receiver.get("/notifications").json()["items"]
                             if code in n["body"]])
    assert len(told) == 1 and "Giulia" not in told[0]["body"] and "Verdi" not in told[0]["body"]
    emails = wait_for(lambda: [m for m in platform.smtp.messages()
                               if m["To"] == "partner8b@rete-qubi.example" and code in text_of(m)])
    assert len(emails) == 1
    assert emails[0]["Subject"] == "[Rete QuBì] Nuovo invio per la vostra organizzazione"
    assert "Giulia" not in emails[0].as_string() and "Verdi" not in emails[0].as_string()
    assert f"{platform.url}/referrals/{referral['id']}" in text_of(emails[0])
    assert wait_for(lambda: receiver.get("/notifications").json()["items"][0]["email_status"] == "sent")

    inbox = receiver.get("/referrals", params={"box": "inbox"}).json()["items"]
    assert code in [item["code"] for item in inbox]
    before = receiver.get(f"/referrals/{referral['id']}").json()
    assert before["view"] == "before_acceptance" and "guardian_name" not in before["family"]
    assert before["family"]["children"] == [{"age": 3}]
    for outsider in ("partner2", "citta", "coord3", "asc4"):
        assert Client(platform, outsider).get(f"/referrals/{referral['id']}").status_code == 404
    coordinator_view = Client(platform, "coord8").get(f"/referrals/{referral['id']}").json()
    assert coordinator_view["view"] == "metadata" and "family" not in coordinator_view

    accepted = requests.post(f"{receiver.base}/referrals/{referral['id']}/accept",
                             headers=receiver.headers, timeout=10)
    assert accepted.status_code == 200
    assert accepted.json()["family"]["guardian_name"] == "Giulia Verdi"
    again = requests.post(f"{receiver.base}/referrals/{referral['id']}/accept",
                          headers=receiver.headers, timeout=10)
    assert again.status_code == 409
    assert wait_for(lambda: [n for n in sender.get("/notifications").json()["items"]
                             if n["kind"] == "referral_accepted" and code in n["body"]])
    assert wait_for(lambda: [m for m in platform.smtp.messages()
                             if m["To"] == "partner8a@rete-qubi.example"
                             and "accettato" in text_of(m) and code in text_of(m)])
    audit = Client(platform, "asc8").get(f"/referrals/{referral['id']}/audit").json()["items"]
    assert ("accepted", "receiver") in [(e["action"], e["role"]) for e in audit]
    named = [(e["action"], e["display_name"], e["organization_name"]) for e in audit]
    assert ("sent", "Operatrice sportelli QuBì 8",
            "Rete QuBì 8 - Sportelli di orientamento (demo)") in named
    assert ("read_personal_data", "Operatore Spazio Famiglie Gallaratese",
            "Spazio Famiglie Gallaratese (demo)") in named


def test_an_overdue_referral_tells_the_social_worker(platform):
    from datetime import datetime, timedelta, timezone

    from services.common.database import Store
    from services.referrals import deadlines
    from services.referrals.models import Base as ReferralsBase

    sender, receiver = Client(platform, "partner8a"), Client(platform, "partner8b")
    receiver_org = receiver.get("/me").json()["organization_id"]
    referral = sender.post("/referrals", json=referral_body(receiver_org)).json()
    # the clock moves, not the test: sweep as the timer would three weeks from now
    store = Store(platform.env["REFERRALS_DATABASE_URL"], ReferralsBase.metadata)
    with store.transaction() as tx:
        later = deadlines.add_working_days(datetime.now(timezone.utc), 15)
        deadlines.sweep(tx, later + timedelta(minutes=1))
    store.dispose()
    social_worker = Client(platform, "asc8")
    found = wait_for(lambda: [n for n in social_worker.get("/notifications").json()["items"]
                              if n["kind"] == "referral_overdue" and referral["code"] in n["body"]],
                     timeout=20)
    assert found
    assert wait_for(lambda: [n for n in Client(platform, "coord8").get("/notifications").json()["items"]
                             if n["kind"] == "referral_escalated" and referral["code"] in n["body"]],
                    timeout=20)
    listed = social_worker.get("/referrals", params={"status": "overdue"}).json()["items"]
    assert referral["code"] in [item["code"] for item in listed]


def _small_counts(value, path="") -> list:
    """Where a count of people from 1 to 4 shows as a number (it must read "<5"); counts of
    organisations, services, events and drives are numbers."""
    if isinstance(value, dict):
        return [found for key, inner in value.items()
                if key not in {"municipio", "organizations", "services", "events", "drives"}
                for found in _small_counts(inner, f"{path}.{key}")]
    if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 4:
        return [path]
    return []


def test_the_overview_report_gives_each_tier_its_municipi_with_small_counts_hidden(platform):
    coordinator, city = Client(platform, "coord8"), Client(platform, "citta")
    receiver_org = Client(platform, "partner8b").get("/me").json()["organization_id"]
    sent = Client(platform, "partner8a").post("/referrals", json=referral_body(receiver_org))
    assert sent.status_code == 201  # so Municipio 8 has at least one referral to count
    own = coordinator.get("/reports/overview")
    assert own.status_code == 200
    rows = own.json()["municipi"]
    assert [row["municipio"] for row in rows] == [8]
    row = rows[0]
    assert all(isinstance(row[name], int) for name in ("organizations", "services", "events",
                                                        "drives"))
    assert {"organizations", "services", "events", "registered_people", "attended_people",
            "drives", "referrals", "funds"} <= set(row)
    assert {"total", "by_status", "by_outcome", "overdue"} <= set(row["referrals"])
    assert {"requests", "funded", "spent", "available"} <= set(row["funds"])
    assert row["referrals"]["total"] == "<5" or row["referrals"]["total"] >= 5
    assert _small_counts(row) == []
    assert coordinator.get("/reports/overview", params={"municipio": 3}).status_code == 403
    assert Client(platform, "partner8a").get("/reports/overview").status_code == 403

    every = city.get("/reports/overview").json()["municipi"]
    assert [row["municipio"] for row in every] == list(range(1, 10))
    assert _small_counts(every[0]) == _small_counts(every[7]) == []

    sheet = city.get("/reports/overview", params={"municipio": 8, "format": "csv"})
    assert sheet.headers["Content-Type"].startswith("text/csv")
    header, line = sheet.content.decode("utf-8-sig").splitlines()
    columns = header.split(";")  # Italian: as Excel set to Italian splits it
    assert {"Municipio", "Servizi", "Invii", "Invii in attesa di risposta",
            "Fondo disponibile (€)"} <= set(columns)
    assert dict(zip(columns, line.split(";")))["Municipio"] == "8"

    today = datetime.now(ROME).date().isoformat()
    period = city.get("/reports/overview", params={"municipio": 8, "from": today, "to": today})
    [row] = period.json()["municipi"]
    assert period.json()["period"] == {"from": today, "to": today}
    assert row["referrals"]["total"] not in (0, None)  # the one sent today, at least
    earlier = city.get("/reports/overview", params={
        "municipio": 8, "from": "2020-01-01", "to": "2020-12-31"}).json()["municipi"][0]
    assert earlier["referrals"]["total"] == 0 and earlier["events"] == 0
