"""Governance as its people meet it over HTTP on the whole platform: the coordinator of Municipio 8
convenes its coordinamento, the members answer, attendance is taken, the minutes are drafted,
circulated, commented and approved, then frozen (a correction is a new version); a decision
authorises a partner's fund request, which shows it; an overdue action reminds its
organisation; a document goes up and comes down as it was; Municipio 3 and another municipio's
partner see none of it, and the city sees the decision's title only."""
from datetime import datetime, timedelta

import pytest
import requests

from services.common.periods import ROME
from tests.helpers import wait_for
from tests.platform import Client

pytestmark = pytest.mark.broker
PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


def put(client, path, body):
    return requests.put(f"{client.base}{path}", json=body, headers=client.headers, timeout=15)


def convened(coordinator):
    """coord8's meeting of Coordinamento municipale 8, tomorrow."""
    bodies = coordinator.get("/governance").json()["items"]
    coordination = next(body for body in bodies if body["name"] == "Coordinamento municipale 8")
    starts = (datetime.now(ROME) + timedelta(days=1)).replace(hour=17, minute=30, second=0,
                                                              microsecond=0)
    answer = coordinator.post("/meetings", json={
        "body_id": coordination["id"], "title": "Coordinamento di rete di dicembre",
        "starts_at": starts.isoformat(), "ends_at": (starts + timedelta(hours=2)).isoformat(),
        "place": "Municipio 8, via Quarenghi 21", "agenda": [
            {"title": "Fondo di comunità: le richieste in attesa"},
            {"title": "Festa di Natale: chi fa che cosa"}]})
    assert answer.status_code == 201, answer.text
    return answer.json()


def fund_request(platform, partner):
    """partner8a's request to a Municipio 8 budget the city opens for it."""
    budget = Client(platform, "citta").post("/funds/budgets", json={
        "municipio": 8, "period": "2035-2036", "sources": [{"source": "city", "amount": "500"}]})
    assert budget.status_code == 201, budget.text
    answer = partner.post("/funds/requests", json={
        "budget_id": budget.json()["id"], "kind": "collective", "action": "Festa di Natale",
        "purpose": "Merenda e materiali per i laboratori", "category": "culture",
        "amount": "150"})
    assert answer.status_code == 201, answer.text
    return answer.json()


def test_a_coordinamento_meets_minutes_its_meeting_and_decides_seen_by_whom_it_concerns(platform):
    coordinator, social_worker = Client(platform, "coord8"), Client(platform, "asc8")
    partner, other_partner = Client(platform, "partner8a"), Client(platform, "partner8b")
    meeting = convened(coordinator)
    path = f"/meetings/{meeting['id']}"
    social_worker_id = social_worker.get("/me").json()["user_id"]
    org_a = partner.get("/me").json()["organization_id"]
    org_b = other_partner.get("/me").json()["organization_id"]
    coordinator_id = coordinator.get("/me").json()["user_id"]
    assert {social_worker_id, org_a, org_b, coordinator_id} <= {
        invitee["id"] for invitee in meeting["invitees"]}
    assert {"edit", "cancel", "take_attendance", "write_minutes"} <= set(meeting["actions"])

    assert social_worker.post(f"{path}/rsvp", json={"answer": "yes"}).json()["my_answer"] == "yes"
    assert partner.post(f"{path}/rsvp", json={"answer": "maybe"}).json()["my_answer"] == "maybe"
    assert partner.post(f"{path}/attendance", json={"present": [org_a]}).status_code == 403
    taken = coordinator.post(f"{path}/attendance",
                             json={"present": [coordinator_id, social_worker_id, org_a]})
    assert taken.status_code == 200, taken.text
    attended = {invitee["id"]: invitee["attended"] for invitee in taken.json()["invitees"]}
    assert (attended[social_worker_id], attended[org_a], attended[org_b]) == (True, True, False)
    answers = {invitee["id"]: invitee["answer"] for invitee in taken.json()["invitees"]}
    assert (answers[social_worker_id], answers[org_a]) == ("yes", "maybe")

    assert partner.get(f"{path}/minutes").status_code == 404
    drafted = put(coordinator, f"{path}/minutes", {"text": "Presenti: coordinamento, ASC, QuBì 8."})
    assert (drafted.status_code, drafted.json()["status"]) == (200, "draft")
    early = partner.post(f"{path}/minutes/comments", json={"text": "Manca la festa."})
    assert early.status_code == 409 and early.json()["code"] == "minutes_not_circulated"
    first_text = "Presenti: coordinamento, ASC, QuBì 8. Si decide il contributo alla festa."
    circulated = put(coordinator, f"{path}/minutes", {"text": first_text, "circulate": True})
    assert circulated.json()["status"] == "circulated"
    commented = partner.post(f"{path}/minutes/comments", json={"text": "Aggiungere gli orari."})
    assert commented.status_code == 201, commented.text
    assert [c["text"] for c in commented.json()["comments"]] == ["Aggiungere gli orari."]
    assert partner.post(f"{path}/minutes/approve").status_code == 403
    approved = coordinator.post(f"{path}/minutes/approve")
    assert (approved.json()["status"], approved.json()["version"]) == ("approved", 1)

    frozen = put(coordinator, f"{path}/minutes", {"text": "Tutt'altro."})
    assert frozen.status_code == 409 and frozen.json()["code"] == "minutes_frozen"
    corrected = put(coordinator, f"{path}/minutes",
                    {"text": first_text + " Orari: 16-19.", "reason": "Gli orari mancavano"})
    assert (corrected.json()["version"], corrected.json()["status"]) == (2, "draft")
    assert [(v["version"], v["status"]) for v in corrected.json()["versions"]] == [
        (1, "approved"), (2, "draft")]
    first = social_worker.get(f"{path}/minutes", params={"version": 1}).json()
    assert (first["text"], first["status"]) == (first_text, "approved")

    request = fund_request(platform, partner)
    decision = coordinator.post("/decisions", json={
        "meeting_id": meeting["id"], "title": "Contributo alla Festa di Natale",
        "text": "Il coordinamento approva il contributo richiesto da QuBì 8.",
        "links": [{"kind": "fund_request", "id": request["id"]}]})
    assert decision.status_code == 201, decision.text
    decision = decision.json()
    assert wait_for(lambda: [d for d in partner.get(f"/funds/requests/{request['id']}").json()
                             ["governance_decisions"] if d["id"] == decision["id"]])
    linked = partner.get("/decisions", params={"link_kind": "fund_request",
                                               "link_id": request["id"]}).json()["items"]
    assert [(d["id"], d["text"]) for d in linked] == [(decision["id"], decision["text"])]

    today = datetime.now(ROME).date()
    action = coordinator.post("/actions", json={
        "meeting_id": meeting["id"], "decision_id": decision["id"],
        "title": "Portare le ricevute della festa", "assignee_organization_id": org_a,
        "due_on": (today + timedelta(days=10)).isoformat()})
    assert action.status_code == 201, action.text
    mine = partner.get("/actions", params={"mine": "true"}).json()["items"]
    assert [(a["overdue"], a["actions"]) for a in mine if a["id"] == action.json()["id"]] == [
        (False, ["close"])]
    # the chair moves its day to one that has passed: its organisation is reminded at once
    moved = coordinator.patch(f"/actions/{action.json()['id']}",
                              json={"due_on": (today - timedelta(days=1)).isoformat()})
    assert moved.json()["overdue"] is True
    assert wait_for(lambda: [n for n in partner.get("/notifications").json()["items"]
                             if n["kind"] == "action_overdue"
                             and "Portare le ricevute della festa" in n["body"]])
    closed = partner.patch(f"/actions/{action.json()['id']}",
                           json={"status": "done", "note": "Consegnate in segreteria"})
    assert (closed.status_code, closed.json()["status"]) == (200, "done")

    attached = partner.post(f"{path}/documents", files={"file": ("ricevute.pdf", PDF)})
    assert attached.status_code == 201, attached.text
    document = social_worker.get(f"{path}/documents/{attached.json()['id']}")
    assert (document.status_code, document.content) == (200, PDF)
    assert document.headers["Content-Type"] == "application/pdf"
    assert document.headers["Content-Disposition"].startswith("attachment")
    assert "ricevute.pdf" in document.headers["Content-Disposition"]
    assert document.headers["X-Content-Type-Options"] == "nosniff"
    too_large = partner.post(f"{path}/documents",
                             files={"file": ("grande.pdf", b"%PDF-" + b"0" * 6_000_000)})
    assert too_large.status_code == 413 and list(too_large.json()["errors"]) == ["file"]
    not_a_document = partner.post(f"{path}/documents",
                                  files={"file": ("programma.pdf", b"MZ\x90\x00\x03\x00\xff")})
    assert not_a_document.status_code == 422
    assert not_a_document.json()["codes"]["file"][0]["code"] == "document_type"

    for outsider in (Client(platform, "coord3"), Client(platform, "partner2")):
        assert outsider.get(path).status_code == 404
        assert outsider.get(f"{path}/minutes").status_code == 404
        assert outsider.get(f"/decisions/{decision['id']}").status_code == 404
        assert outsider.get("/meetings").json()["items"] == []
        assert outsider.get("/decisions").json()["items"] == []
    city = Client(platform, "citta")
    assert city.get(path).status_code == 404
    seen = [d for d in city.get("/decisions").json()["items"] if d["id"] == decision["id"]]
    assert [(d["title"], d["text"]) for d in seen] == [("Contributo alla Festa di Natale", None)]
