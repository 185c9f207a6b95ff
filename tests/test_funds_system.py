"""The community funds as people meet them: over HTTP, with every process running."""
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import requests

from tests.platform import Client

pytestmark = pytest.mark.broker

YESTERDAY = (datetime.now(ZoneInfo("Europe/Rome")) - timedelta(days=1)).date().isoformat()


def open_budget(platform, period, amount, municipio=8, threshold="500.00"):
    created = Client(platform, "citta").post("/funds/budgets", json={
        "municipio": municipio, "period": period, "approval_threshold": threshold,
        "sources": [{"source": "city", "amount": amount, "description": "Delibera"}]})
    assert created.status_code == 201, created.text
    return created.json()


def ask(client, budget_id, amount, **fields):
    body = {"budget_id": budget_id, "kind": "child", "referral_code": "R-2026-0042",
            "purpose": "Quota della società sportiva", "category": "sport", "amount": amount,
            **fields}
    return client.post("/funds/requests", json=body)


def test_a_childs_cost_and_a_summer_camp_go_their_ways_to_the_ledger_and_the_report(platform):
    city, coordinator = Client(platform, "citta"), Client(platform, "coord8")
    partner = Client(platform, "partner8a")
    assert coordinator.post("/funds/budgets", json={
        "municipio": 8, "period": "2026-2027"}).status_code == 403
    budget = open_budget(platform, "2026-2027", "1000.00")
    topped_up = city.post(f"/funds/budgets/{budget['id']}/top-ups", json={
        "source": "foundation", "amount": "500", "description": "Bando quartieri"})
    assert topped_up.status_code == 201

    refused = ask(partner, budget["id"], "12.345", child_name="Mario Rossi")
    assert refused.status_code == 422
    assert refused.headers["Content-Type"] == "application/problem+json"
    assert set(refused.json()["errors"]) == {"child_name", "amount"}
    assert ask(partner, budget["id"], "1500.01").status_code == 409  # more than the fund has

    fee = ask(partner, budget["id"], "120.50")
    assert fee.status_code == 201, fee.text
    fee = fee.json()
    assert (fee["status"], fee["amount"], fee["approval_path"]) == ("submitted", "120.50",
                                                                    ["municipal"])
    assert fee["actions"] == ["withdraw"]  # what the partner who asked may do
    assert coordinator.get(f"/funds/requests/{fee['id']}").json()["actions"] == [
        "approve", "reject"]
    camp = ask(partner, budget["id"], "800", kind="collective", action="Campo estivo",
               category="educational", referral_code=None).json()
    assert camp["approval_path"] == ["municipal", "city"]

    no_reason = coordinator.post(f"/funds/requests/{fee['id']}/approve", json={})
    assert no_reason.status_code == 422 and list(no_reason.json()["errors"]) == ["reason"]
    approved = coordinator.post(f"/funds/requests/{fee['id']}/approve",
                                json={"reason": "Nel piano della rete"})
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    halfway = coordinator.post(f"/funds/requests/{camp['id']}/approve",
                               json={"reason": "Azione condivisa"})
    assert halfway.json()["status"] == "awaiting_city"
    assert (halfway.json()["actions"], city.get(f"/funds/requests/{camp['id']}").json()["actions"]
            ) == ([], ["approve", "reject"])
    assert coordinator.post(f"/funds/requests/{camp['id']}/approve",
                            json={"reason": "Ancora"}).status_code == 403
    waiting = city.get("/funds/requests", params={"status": "awaiting_city"}).json()["items"]
    assert camp["id"] in [r["id"] for r in waiting]
    assert "referral_code" not in city.get(f"/funds/requests/{fee['id']}").json()
    assert city.post(f"/funds/requests/{camp['id']}/approve",
                     json={"reason": "Priorità cittadina"}).json()["status"] == "approved"

    assert partner.post(f"/funds/requests/{fee['id']}/payments", json={
        "amount": "120.50", "paid_on": YESTERDAY, "receipt_reference": "FT-7"}).status_code == 403
    paid = coordinator.post(f"/funds/requests/{fee['id']}/payments", json={
        "amount": "120.50", "paid_on": YESTERDAY, "receipt_reference": "FT-7"})
    assert paid.status_code == 201, paid.text
    assert partner.get(f"/funds/requests/{fee['id']}").json()["status"] == "paid"

    ledger = coordinator.get(f"/funds/budgets/{budget['id']}/ledger").json()
    assert [e["kind"] for e in ledger["items"]] == ["top_up", "top_up", "commitment",
                                                    "commitment", "payment"]
    # the city's own money is corrected by the city, the rest by the coordination too
    assert [e["actions"] for e in ledger["items"]] == [[], ["reverse"], [], [], ["reverse"]]
    assert ledger["totals"] == {"funded": "1500.00", "committed": "800.00", "spent": "120.50",
                                "available": "579.50", "entries": 5}
    assert partner.get(f"/funds/budgets/{budget['id']}/ledger").status_code == 403

    report = coordinator.get("/funds/report", params={"period": "2026-2027"}).json()
    [network] = report["networks"]
    assert (network["municipio"], network["available"], network["children"]) == (
        8, "579.50", {"requests": "<5", "committed": "0.00", "spent": "120.50"})
    assert network["by_action"] == {"Campo estivo": {"committed": "800.00", "spent": "0.00"}}
    exported = coordinator.get("/funds/report", params={"period": "2026-2027", "format": "csv"})
    assert exported.headers["Content-Type"].startswith("text/csv")
    text = exported.content.decode("utf-8-sig")
    assert text.startswith("Municipio;Periodo;Sezione;Voce;Stanziato (€);Impegnato (€);Speso")
    assert "8;2026-2027;totale;fondo;1500,00;800,00;120,50;579,50" in text
    english = coordinator.get("/funds/report", params={
        "period": "2026-2027", "format": "csv", "lang": "en"}).content.decode("utf-8-sig")
    assert "8,2026-2027,total,fund,1500.00,800.00,120.50,579.50" in english
    assert "R-2026-0042" not in text
    assert Client(platform, "coord3").get("/funds/report",
                                          params={"municipio": 8}).status_code == 403


def test_a_partner_of_another_municipio_cannot_see_municipio_8s_requests(platform):
    budget = open_budget(platform, "2027-2028", "300.00")
    request = ask(Client(platform, "partner8a"), budget["id"], "40").json()
    for outsider in ("partner2", "coord3", "partner8b"):
        client = Client(platform, outsider)
        assert client.get(f"/funds/requests/{request['id']}").status_code == 404
        assert request["id"] not in [r["id"] for r in client.get("/funds/requests").json()["items"]]
        assert client.post(f"/funds/requests/{request['id']}/approve",
                           json={"reason": "x"}).status_code == 404
    assert Client(platform, "partner2").get(f"/funds/budgets/{budget['id']}").status_code == 404
    assert ask(Client(platform, "partner2"), budget["id"], "10").status_code == 404
    assert Client(platform, "asc8").get(f"/funds/requests/{request['id']}").status_code == 200
    assert Client(platform).get("/funds/requests").status_code == 401


def test_twenty_approvals_at_once_against_a_fund_for_ten(platform):
    budget = open_budget(platform, "2028-2029", "1000.00")
    partner, coordinator = Client(platform, "partner8a"), Client(platform, "coord8")
    ids = [ask(partner, budget["id"], "100").json()["id"] for _ in range(20)]

    def approve(request_id):
        return requests.post(f"{coordinator.base}/funds/requests/{request_id}/approve",
                             json={"reason": "Ok"}, headers=coordinator.headers, timeout=30)

    with ThreadPoolExecutor(20) as pool:
        answers = list(pool.map(approve, ids))
    assert sorted(a.status_code for a in answers) == [200] * 10 + [409] * 10
    after = coordinator.get(f"/funds/budgets/{budget['id']}").json()
    assert (after["committed"], after["available"]) == ("1000.00", "0.00")


def test_the_funds_api_is_in_the_openapi_document(platform):
    document = Client(platform).get("/openapi.json").json()
    for path in ("/api/v1/funds/budgets", "/api/v1/funds/requests",
                 "/api/v1/funds/requests/{request_id}/approve",
                 "/api/v1/funds/requests/{request_id}/payments",
                 "/api/v1/funds/budgets/{budget_id}/ledger", "/api/v1/funds/report"):
        assert path in document["paths"], path
    schemas = document["components"]["schemas"]
    for name, action in (("Budget", "top_up"), ("FundRequest", "record_payment"),
                         ("LedgerEntry", "reverse")):
        assert action in schemas[name]["properties"]["actions"]["description"], name


def test_the_coordinator_hears_of_a_request_and_the_partner_of_its_approval(platform):
    from tests.helpers import wait_for

    budget = open_budget(platform, "2029-2030", "500.00")
    partner, coordinator = Client(platform, "partner8a"), Client(platform, "coord8")
    request = ask(partner, budget["id"], "75").json()
    link = f"/funds/requests/{request['id']}"

    def told(client, kind):
        return [n for n in client.get("/notifications").json()["items"]
                if n["kind"] == kind and n["link"] == link]

    [submitted] = wait_for(lambda: told(coordinator, "fund_request_submitted"), timeout=30)
    assert submitted["title"] == "Nuova richiesta di fondi"
    assert f"{request['code']} di 75,00 €" in submitted["body"]
    assert "R-2026-0042" not in submitted["body"]
    assert coordinator.post(f"/funds/requests/{request['id']}/approve",
                            json={"reason": "Nel piano della rete"}).status_code == 200
    [approved] = wait_for(lambda: told(partner, "fund_request_approved"), timeout=30)
    assert approved["title"] == "Richiesta di fondi approvata"
    assert "la spesa è autorizzata" in approved["body"]
