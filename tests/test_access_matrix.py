"""The access-control matrix, from the OpenAPI document: every endpoint is listed here with who
may use it, and an object of another organisation or municipio is neither readable nor
changeable by the roles of API.md that do not own it (401 without a token, else 403 or 404).
A new endpoint without an entry fails the first test."""
from datetime import datetime, timedelta, timezone

import pytest
import requests

from gateway.app import create_app
from services.common.config import load_settings
from tests.platform import Client, forward_body, referral_body

PUBLIC = "public"      # anyone, and nothing in it belongs to someone
OWN = "own"            # acts on the caller's own things only (their inbox, their token...)
SMS_GATEWAY = "sms_gateway"  # Kannel's calls: taken only with the tokens it was given
ANONYMOUS = None
NOT_OF_MUNICIPIO_8 = ["partner2", "coord3", "asc4", ANONYMOUS]
# the registrants' names and contacts are the organisers' alone (partner8a's organisation)
NOT_ORGANISERS = NOT_OF_MUNICIPIO_8 + ["partner8b", "coord8", "citta"]
NOT_INVITED = NOT_OF_MUNICIPIO_8 + ["partner8a", "partner8b", "coord8", "citta"]


class Foreign:
    """An object of Municipio 8 (`kind`) that these `outsiders` may not read or change."""

    def __init__(self, kind, outsiders, body=None, files=None):
        self.kind, self.outsiders, self.body, self.files = kind, outsiders, body, files


class RoleGated:
    """Only some roles may call it at all; these `outsiders` may not."""

    def __init__(self, outsiders, body=None, query=None):
        self.outsiders, self.body, self.query = outsiders, body, query


REFERRAL_OUTSIDERS = ["partner2", "coord3", "asc4", "citta", ANONYMOUS]
# partner8b's account: partner8a administers another organisation
PEOPLE_OUTSIDERS = ["partner2", "coord3", "partner8a", "asc8", ANONYMOUS]
# a report's period and file refuse what the report itself refuses
A_YEAR_AS_CSV = {"from": "2026-01-01", "to": "2026-12-31", "format": "csv", "lang": "en"}
IN_A_MONTH = (datetime.now(timezone.utc) + timedelta(days=30)).date().isoformat()
# Coordinamento municipale 8's meeting: its invited see it, its chair (coord8) changes it
NOT_INVITED_TO_MEETING = NOT_OF_MUNICIPIO_8 + ["citta"]
NOT_CHAIR = NOT_INVITED_TO_MEETING + ["partner8a", "partner8b", "asc8"]
NOT_CONVENERS = ["partner8a", "partner8b", "asc8", "coord3", "citta", "partner2", "asc4",
                 ANONYMOUS]
A_DOCUMENT = {"file": ("matrice.txt", b"Un documento di prova")}
NOT_WEBHOOK_MANAGERS = ["partner8b", "asc8", "coord8", "coord3", "partner2", "asc4", ANONYMOUS]
NOT_WEBHOOK_OWNERS = NOT_WEBHOOK_MANAGERS + ["citta"]
ACCESS = {
    "POST /api/v1/auth/token": PUBLIC,
    "POST /api/v1/auth/refresh": PUBLIC,
    "POST /api/v1/auth/logout": OWN,
    "GET /api/v1/me": OWN,
    "POST /api/v1/auth/password-reset": PUBLIC,
    "POST /api/v1/auth/password-reset/confirm": PUBLIC,
    "POST /api/v1/me/password": OWN,
    "POST /api/v1/me/mfa": OWN,
    "POST /api/v1/me/mfa/confirm": OWN,
    "POST /api/v1/invitations/accept": PUBLIC,
    "POST /api/v1/invitations": RoleGated(["partner8b", "asc8", "coord3", "partner2", ANONYMOUS],
                                          body=lambda owned: {
        "email": "fuori@example.org", "display_name": "Fuori", "role": "partner_admin",
        "organization_id": owned["org_b"]}),
    "GET /api/v1/invitations": RoleGated(["partner8b", "asc8", ANONYMOUS]),
    "DELETE /api/v1/invitations/{invitation_id}": Foreign(
        "invitation", ["partner2", "coord3", "partner8a", "partner8b", "asc8", ANONYMOUS]),
    "GET /api/v1/users": RoleGated(["partner8b", "asc8", "partner2", ANONYMOUS]),
    "GET /api/v1/users/{user_id}": Foreign("user", PEOPLE_OUTSIDERS),
    "PATCH /api/v1/users/{user_id}": Foreign("user", PEOPLE_OUTSIDERS, {"role": "partner"}),
    "POST /api/v1/users/{user_id}/mfa/reset": Foreign("user", PEOPLE_OUTSIDERS),
    "GET /api/v1/users/{user_id}/history": Foreign("user", PEOPLE_OUTSIDERS),
    "GET /healthz": PUBLIC, "GET /readyz": PUBLIC,
    "GET /metrics": PUBLIC,  # in development and tests; elsewhere to METRICS_TOKEN alone
    "GET /api/v1/networks": PUBLIC,
    "GET /api/v1/governance": PUBLIC,
    "GET /api/v1/hsds/": PUBLIC,
    "GET /api/v1/hsds/service_at_locations": PUBLIC,
    "GET /api/v1/hsds/service_at_locations/{service_at_location_id}": PUBLIC,
    "GET /api/v1/hsds/taxonomies": PUBLIC,
    "GET /api/v1/hsds/taxonomies/{taxonomy_id}": PUBLIC,
    "GET /api/v1/hsds/taxonomy_terms": PUBLIC,
    "GET /api/v1/hsds/taxonomy_terms/{taxonomy_term_id}": PUBLIC,
    "GET /api/v1/hsds/organizations": PUBLIC,
    "GET /api/v1/hsds/organizations/{organization_id}": PUBLIC,
    "GET /api/v1/hsds/services": PUBLIC,
    "GET /api/v1/hsds/services/{service_id}": PUBLIC,
    "GET /api/v1/organizations": PUBLIC,
    "GET /api/v1/organizations/{organization_id}": PUBLIC,
    "POST /api/v1/organizations": RoleGated(["partner8a", "asc8", ANONYMOUS],
                                            body={"name": "Non ammessa", "municipi": [8]}),
    "PATCH /api/v1/organizations/{organization_id}": Foreign(
        "organization", ["partner2", "partner8b", "coord3", "asc8", ANONYMOUS],
        {"phone": "02 1234 5678"}),
    "POST /api/v1/organizations/import": RoleGated(["partner8a", "asc8", ANONYMOUS]),
    "GET /api/v1/organizations/export.csv": RoleGated(["partner8a", "asc8", ANONYMOUS]),
    "GET /api/v1/services": PUBLIC,
    "GET /api/v1/services/{service_id}": PUBLIC,
    "POST /api/v1/services": Foreign("service_of_organization", ["partner2", "partner8a", "coord3",
                                                                  ANONYMOUS]),
    "PATCH /api/v1/services/{service_id}": Foreign(
        "service", ["partner2", "partner8a", "coord3", ANONYMOUS], {"name": "Presa"}),
    "DELETE /api/v1/services/{service_id}": Foreign(
        "service", ["partner2", "partner8a", "coord3", ANONYMOUS]),
    # the service's own organisation alone: its coordinator and the city neither
    "PUT /api/v1/services/{service_id}/capacity": Foreign(
        "service", ["partner2", "partner8a", "coord3", "coord8", "citta", "asc8", ANONYMOUS],
        {"available": 2, "waiting_list": 0}),
    "POST /api/v1/referrals": RoleGated(["coord8", "citta", ANONYMOUS],
                                        body=lambda owned: referral_body(owned["org_b"])),
    "GET /api/v1/referrals": OWN,
    "GET /api/v1/referrals/{referral_id}": Foreign("referral", REFERRAL_OUTSIDERS),
    "POST /api/v1/referrals/{referral_id}/accept": Foreign("referral", REFERRAL_OUTSIDERS),
    "POST /api/v1/referrals/{referral_id}/decline": Foreign(
        "referral", REFERRAL_OUTSIDERS, {"reason": "other"}),
    "POST /api/v1/referrals/{referral_id}/complete": Foreign(
        "referral", REFERRAL_OUTSIDERS, {"outcome": "enrolled"}),
    "POST /api/v1/referrals/{referral_id}/withdraw": Foreign(
        "referral", REFERRAL_OUTSIDERS, {"reason": "x"}),
    "POST /api/v1/referrals/{referral_id}/consent/withdraw": Foreign("referral", REFERRAL_OUTSIDERS),
    "POST /api/v1/referrals/{referral_id}/notes": Foreign(
        "referral", REFERRAL_OUTSIDERS, {"body": "x"}),
    "GET /api/v1/referrals/{referral_id}/audit": Foreign("referral", REFERRAL_OUTSIDERS),
    "POST /api/v1/referrals/{referral_id}/hold": Foreign(
        "referral", REFERRAL_OUTSIDERS, {"until": IN_A_MONTH, "reason": "x"}),
    "POST /api/v1/referrals/{referral_id}/start": Foreign("referral", REFERRAL_OUTSIDERS),
    "POST /api/v1/referrals/{referral_id}/forward": Foreign(
        "referral", REFERRAL_OUTSIDERS, lambda owned: forward_body(owned["org_a"])),
    "POST /api/v1/referrals/{referral_id}/forward/agree": Foreign("referral", REFERRAL_OUTSIDERS),
    "POST /api/v1/referrals/{referral_id}/forward/refuse": Foreign(
        "referral", REFERRAL_OUTSIDERS, {"reason": "x"}),
    "POST /api/v1/referrals/{referral_id}/family-card": Foreign(
        "referral", REFERRAL_OUTSIDERS, {"channel": "print"}),
    # the family's card: its code is all it takes, and tries are limited as logins are
    "POST /api/v1/family-card/{code}": PUBLIC,
    "GET /api/v1/reports/unmet-needs": RoleGated(["coord3", "asc4", "partner8a", ANONYMOUS],
                                                 query={"municipio": 8, **A_YEAR_AS_CSV}),
    "GET /api/v1/notifications": OWN,
    "POST /api/v1/notifications/read-all": OWN,
    "GET /api/v1/notifications/preferences": OWN,
    "PUT /api/v1/notifications/preferences": OWN,
    "POST /api/v1/notifications/{notification_id}/read": Foreign(
        "notification", ["coord3", "partner8a", "citta", ANONYMOUS]),
    "GET /api/v1/reports/overview": RoleGated(["coord3", "partner8a", "asc8", ANONYMOUS],
                                              query={"municipio": 8, **A_YEAR_AS_CSV}),
    "GET /api/v1/events": PUBLIC,
    "POST /api/v1/events": RoleGated(["asc8", ANONYMOUS], body=lambda owned: {
        "title": "Non ammesso", "municipio": 8, "starts_at": "2030-01-10T10:00:00+01:00",
        "ends_at": "2030-01-10T12:00:00+01:00"}),
    "GET /api/v1/events/{event_id}": Foreign("network_event", NOT_OF_MUNICIPIO_8),
    "GET /api/v1/events/{event_id}.ics": Foreign("network_event", NOT_OF_MUNICIPIO_8),
    "PATCH /api/v1/events/{event_id}": Foreign("network_event", NOT_OF_MUNICIPIO_8 + ["partner8b"],
                                               {"title": "Presa"}),
    "POST /api/v1/events/{event_id}/publish": Foreign("network_event", NOT_OF_MUNICIPIO_8 + ["partner8b"]),
    "POST /api/v1/events/{event_id}/cancel": Foreign("network_event", NOT_OF_MUNICIPIO_8 + ["partner8b"]),
    "POST /api/v1/events/{event_id}/registrations": Foreign(
        "network_event", ["partner2", "coord3", ANONYMOUS],
        {"name": "Famiglia", "contact": "famiglia@example.org", "adults": 1}),
    "GET /api/v1/events/invitations": OWN,
    "POST /api/v1/events/{event_id}/invitation/accept": Foreign("network_event", NOT_INVITED),
    "POST /api/v1/events/{event_id}/invitation/decline": Foreign("network_event", NOT_INVITED),
    "GET /api/v1/events/{event_id}/registrations": Foreign("network_event", NOT_ORGANISERS),
    "GET /api/v1/events/{event_id}/registrations.csv": Foreign("network_event", NOT_ORGANISERS),
    "DELETE /api/v1/events/{event_id}/registrations/{registration_id}": Foreign(
        "registration", NOT_OF_MUNICIPIO_8 + ["partner8b"]),
    "POST /api/v1/events/{event_id}/registrations/{registration_id}/confirm": Foreign(
        "registration", NOT_OF_MUNICIPIO_8 + ["partner8b"]),
    "POST /api/v1/events/{event_id}/registrations/{registration_id}/attendance": Foreign(
        "registration", NOT_ORGANISERS, {"attended": True}),
    # the registrant's own view needs the token it was given: nobody reads it without
    "GET /api/v1/events/{event_id}/registrations/{registration_id}": Foreign(
        "registration", NOT_ORGANISERS + ["partner8a"]),
    "POST /api/v1/events/{event_id}/check-ins": Foreign("network_event", NOT_ORGANISERS,
                                                        {"code": "ZZZZ-ZZZZ"}),
    "POST /api/v1/events/{event_id}/messages": Foreign("network_event", NOT_ORGANISERS,
                                                       {"text": "Ciao a tutti"}),
    "GET /api/v1/events/{event_id}/messages": Foreign("network_event", NOT_ORGANISERS),
    "GET /api/v1/calendars/municipio/{municipio}.ics": PUBLIC,
    "GET /api/v1/calendars/organizations/{organization_id}.ics": PUBLIC,
    "GET /api/v1/drives": PUBLIC,
    "GET /api/v1/drives/{drive_id}": PUBLIC,
    "POST /api/v1/drives": RoleGated(["asc8", ANONYMOUS], body=lambda owned: {
        "title": "Non ammessa", "municipio": 8, "collect_from": "2030-01-10",
        "collect_to": "2030-01-20", "items": [{"name": "Penne", "quantity_needed": 5}],
        "drop_off_points": [{"name": "Sede", "address": "Via Prova 1"}]}),
    "POST /api/v1/drives/{drive_id}/pledges": PUBLIC,
    "GET /api/v1/drives/{drive_id}/pledges": Foreign(
        "drive", ["partner2", "partner8b", "coord3", ANONYMOUS]),
    "POST /api/v1/drives/{drive_id}/pledges/{pledge_id}/cancel": Foreign(
        "pledge", ["partner2", "partner8b", "coord3", ANONYMOUS]),
    "POST /api/v1/drives/{drive_id}/close": Foreign(
        "drive", ["partner2", "partner8b", "coord3", ANONYMOUS]),
    "POST /api/v1/drives/{drive_id}/deliveries": Foreign(
        "drive", ["partner2", "partner8b", "coord3", ANONYMOUS], {"item": "Quaderni", "quantity": 1}),
    "GET /api/v1/funds/budgets": OWN,
    "POST /api/v1/funds/budgets": RoleGated(["coord8", "partner8a", "asc8", ANONYMOUS],
                                            body={"municipio": 8, "period": "2031-2032"}),
    "GET /api/v1/funds/budgets/{budget_id}": Foreign("fund_budget", NOT_OF_MUNICIPIO_8),
    "PATCH /api/v1/funds/budgets/{budget_id}": Foreign(
        "fund_budget", NOT_OF_MUNICIPIO_8 + ["coord8", "partner8a"], {"approval_threshold": "1"}),
    "POST /api/v1/funds/budgets/{budget_id}/top-ups": Foreign(
        "fund_budget", NOT_OF_MUNICIPIO_8 + ["partner8a", "asc8"],
        {"source": "donation", "amount": "1"}),
    "GET /api/v1/funds/budgets/{budget_id}/ledger": Foreign(
        "fund_budget", NOT_OF_MUNICIPIO_8 + ["partner8a", "asc8"]),
    "POST /api/v1/funds/ledger/{entry_id}/reverse": Foreign(
        "fund_entry", NOT_OF_MUNICIPIO_8 + ["partner8a", "asc8", "coord8"], {"reason": "x"}),
    "POST /api/v1/funds/requests": RoleGated(["coord8", "citta", ANONYMOUS], body=lambda owned: {
        "budget_id": owned["ids"]["fund_budget"]["budget_id"], "kind": "collective",
        "action": "Non ammessa", "purpose": "x", "category": "sport", "amount": "1"}),
    "GET /api/v1/funds/requests": OWN,
    "GET /api/v1/funds/requests/{request_id}": Foreign("fund_request",
                                                       NOT_OF_MUNICIPIO_8 + ["partner8b"]),
    "POST /api/v1/funds/requests/{request_id}/approve": Foreign(
        "fund_request", NOT_OF_MUNICIPIO_8 + ["partner8b", "partner8a", "asc8"], {"reason": "x"}),
    "POST /api/v1/funds/requests/{request_id}/reject": Foreign(
        "fund_request", NOT_OF_MUNICIPIO_8 + ["partner8b", "partner8a", "asc8"], {"reason": "x"}),
    "POST /api/v1/funds/requests/{request_id}/withdraw": Foreign(
        "fund_request", NOT_OF_MUNICIPIO_8 + ["partner8b", "coord8", "citta"], {"reason": "x"}),
    "POST /api/v1/funds/requests/{request_id}/cancel": Foreign(
        "fund_request", NOT_OF_MUNICIPIO_8 + ["partner8b", "partner8a", "asc8"], {"reason": "x"}),
    "POST /api/v1/funds/requests/{request_id}/payments": Foreign(
        "fund_request", NOT_OF_MUNICIPIO_8 + ["partner8b", "partner8a", "asc8"],
        {"amount": "1", "paid_on": "2025-01-10", "receipt_reference": "X-1"}),
    "GET /api/v1/sms/delivery-reports/{sms_id}": SMS_GATEWAY,
    "GET /api/v1/sms/inbound": SMS_GATEWAY,
    "GET /s/{code}": PUBLIC,
    "GET /api/v1/funds/report": RoleGated(["coord3", "partner8a", "asc8", ANONYMOUS],
                                          query={"municipio": 8, **A_YEAR_AS_CSV}),
    "GET /api/v1/meetings": OWN,
    "POST /api/v1/meetings": RoleGated(NOT_CONVENERS, body=lambda owned: {
        **owned["meeting_body"], "title": "Non ammessa"}),
    "GET /api/v1/meetings/{meeting_id}": Foreign("meeting", NOT_INVITED_TO_MEETING),
    "PATCH /api/v1/meetings/{meeting_id}": Foreign("meeting", NOT_CHAIR, {"title": "Presa"}),
    "POST /api/v1/meetings/{meeting_id}/cancel": Foreign("meeting", NOT_CHAIR, {"reason": "x"}),
    "POST /api/v1/meetings/{meeting_id}/rsvp": Foreign("meeting", NOT_INVITED_TO_MEETING,
                                                       {"answer": "yes"}),
    "POST /api/v1/meetings/{meeting_id}/attendance": Foreign("meeting", NOT_CHAIR,
                                                             {"present": []}),
    "GET /api/v1/meetings/{meeting_id}/minutes": Foreign("meeting", NOT_INVITED_TO_MEETING),
    "PUT /api/v1/meetings/{meeting_id}/minutes": Foreign("meeting", NOT_CHAIR, {"text": "Preso"}),
    "POST /api/v1/meetings/{meeting_id}/minutes/comments": Foreign(
        "meeting", NOT_INVITED_TO_MEETING, {"text": "x"}),
    "POST /api/v1/meetings/{meeting_id}/minutes/approve": Foreign("meeting", NOT_CHAIR),
    "POST /api/v1/meetings/{meeting_id}/documents": Foreign(
        "meeting", NOT_INVITED_TO_MEETING, files=A_DOCUMENT),
    "GET /api/v1/meetings/{meeting_id}/documents/{document_id}": Foreign(
        "meeting_document", NOT_INVITED_TO_MEETING),
    # the city tier sees a coordinamento's decisions by title
    "GET /api/v1/decisions": OWN,
    "POST /api/v1/decisions": RoleGated(NOT_CONVENERS, body=lambda owned: {
        "meeting_id": owned["ids"]["meeting"]["meeting_id"], "title": "Non ammessa",
        "text": "x"}),
    "GET /api/v1/decisions/{decision_id}": Foreign("decision", NOT_OF_MUNICIPIO_8),
    "GET /api/v1/actions": OWN,
    "POST /api/v1/actions": RoleGated(NOT_CONVENERS, body=lambda owned: {
        "meeting_id": owned["ids"]["meeting"]["meeting_id"], "title": "Non ammessa",
        "assignee_organization_id": owned["org_b"], "due_on": IN_A_MONTH}),
    "GET /api/v1/actions/{action_id}": Foreign("action", NOT_INVITED_TO_MEETING),
    # partner8a's organisation is the assignee: the others invited neither close nor change it
    "PATCH /api/v1/actions/{action_id}": Foreign(
        "action", NOT_INVITED_TO_MEETING + ["partner8b", "asc8"], {"status": "done", "note": "x"}),
    # an organisation's administrator's (partner8a's) webhook: the city manages its own alone
    "GET /api/v1/webhooks": RoleGated(NOT_WEBHOOK_MANAGERS),
    "POST /api/v1/webhooks": RoleGated(NOT_WEBHOOK_MANAGERS, body={
        "url": "https://partner.example/hook", "kinds": ["referral_sent"]}),
    "DELETE /api/v1/webhooks/{webhook_id}": Foreign("webhook", NOT_WEBHOOK_OWNERS),
    "GET /api/v1/webhooks/{webhook_id}/deliveries": Foreign("webhook", NOT_WEBHOOK_OWNERS),
}


def operations() -> set:
    settings = load_settings({"QUBI_ENV": "test",
                              "AMQP_URI": "amqp://guest:guest@127.0.0.1:1/"})  # not called
    document = create_app(settings).test_client().get("/api/v1/openapi.json").json
    return {f"{method.upper()} {path}" for path, methods in document["paths"].items()
            for method in methods if method in ("get", "post", "put", "patch", "delete")}


def test_every_endpoint_of_the_openapi_document_has_an_entry():
    documented = operations()
    assert sorted(documented - set(ACCESS)) == [], "endpoints without an access entry"
    assert sorted(set(ACCESS) - documented) == [], "entries for endpoints that do not exist"


@pytest.fixture(scope="module")
def owned(platform):  # noqa: F811
    """One object of each kind, belonging to Municipio 8's partners."""
    partner_a, partner_b = Client(platform, "partner8a"), Client(platform, "partner8b")
    org_a, org_b = (partner.get("/me").json()["organization_id"] for partner in (partner_a, partner_b))
    service = partner_b.post("/services", json={"organization_id": org_b, "name": "Matrice"}).json()
    referral = partner_a.post("/referrals", json=referral_body(org_b)).json()
    starts = datetime.now(timezone.utc) + timedelta(days=30)
    event = partner_a.post("/events", json={
        "title": "Riunione di rete", "starts_at": starts.isoformat(), "municipio": 8,
        "ends_at": (starts + timedelta(hours=2)).isoformat(), "visibility": "network"}).json()
    partner_a.post(f"/events/{event['id']}/publish")
    registration = partner_a.post(f"/events/{event['id']}/registrations", json={
        "name": "Operatrice", "contact": "operatrice@example.org", "adults": 1}).json()
    today = datetime.now(timezone.utc).date()
    drive = partner_a.post("/drives", json={
        "title": "Zaino di prova", "municipio": 8, "collect_from": today.isoformat(),
        "collect_to": (today + timedelta(days=10)).isoformat(),
        "items": [{"name": "Quaderni", "quantity_needed": 10}],
        "drop_off_points": [{"name": "Sede", "address": "Via Prova 1"}]}).json()
    pledge = Client(platform).post(f"/drives/{drive['id']}/pledges",
                                   json={"item": "Quaderni", "quantity": 1}).json()
    coordinator = Client(platform, "coord8")
    coordinator.post("/organizations", json={"name": "Per la notifica"})
    from tests.helpers import wait_for
    notification = wait_for(lambda: coordinator.get("/notifications").json()["items"])[0]
    ids = {"organization": {"organization_id": org_a}, "service": {"service_id": service["id"]},
           "service_of_organization": {}, "referral": {"referral_id": referral["id"]},
           "network_event": {"event_id": event["id"]},
           "registration": {"event_id": event["id"], "registration_id": registration["id"]},
           "drive": {"drive_id": drive["id"]},
           "pledge": {"drive_id": drive["id"], "pledge_id": pledge["id"]}, "notification": {"notification_id": notification["id"]}}
    funds_city = Client(platform, "citta")
    budget = funds_city.post("/funds/budgets", json={
        "municipio": 8, "period": "2030-2031",
        "sources": [{"source": "city", "amount": "1000"}]}).json()
    fund_request = partner_a.post("/funds/requests", json={
        "budget_id": budget["id"], "kind": "child", "referral_code": "R-2026-0001",
        "purpose": "Matrice", "category": "sport", "amount": "10"}).json()
    entry = funds_city.get(f"/funds/budgets/{budget['id']}/ledger").json()["items"][0]
    ids.update(fund_budget={"budget_id": budget["id"]}, fund_entry={"entry_id": entry["id"]},
               fund_request={"request_id": fund_request["id"]})
    invitation = coordinator.post("/invitations", json={
        "email": "referente@example.org", "display_name": "Referente", "role": "partner_admin",
        "organization_id": org_b}).json()
    ids.update(invitation={"invitation_id": invitation["id"]},
               user={"user_id": partner_b.get("/me").json()["user_id"]})
    webhook = partner_a.post("/webhooks", json={"url": "https://127.0.0.1:9/matrice",
                                                "kinds": ["referral_overdue"]}).json()
    ids.update(webhook={"webhook_id": webhook["id"]})
    meeting_body, governance_ids = governance_of_municipio_8(coordinator, partner_a, org_a)
    ids.update(governance_ids)
    # the owners do reach them: a 404 below is about the caller, not a missing object
    assert partner_a.get(f"/referrals/{referral['id']}").status_code == 200
    assert partner_a.get(f"/events/{event['id']}").status_code == 200
    assert Client(platform).get(f"/services/{service['id']}").status_code == 200
    return {"ids": ids, "org_a": org_a, "org_b": org_b, "meeting_body": meeting_body}


def governance_of_municipio_8(coordinator, partner_a, org_a):
    """coord8's meeting of Coordinamento municipale 8 with its minutes, a decision, an action for
    partner8a's organisation and partner8a's document; and the body of such a meeting."""
    coordination = next(body for body in coordinator.get("/governance").json()["items"]
                        if body["kind"] == "municipal_coordination" and body["municipio"] == 8)
    starts = datetime.now(timezone.utc) + timedelta(days=30)
    meeting_body = {"body_id": coordination["id"], "title": "Coordinamento di prova",
                    "starts_at": starts.isoformat(), "place": "Sede del Municipio 8",
                    "ends_at": (starts + timedelta(hours=2)).isoformat()}
    meeting = coordinator.post("/meetings", json=meeting_body).json()
    written = requests.put(f"{coordinator.base}/meetings/{meeting['id']}/minutes",
                           headers=coordinator.headers, timeout=10,
                           json={"text": "Verbale di prova", "circulate": True})
    assert written.status_code == 200, written.text
    decision = coordinator.post("/decisions", json={
        "meeting_id": meeting["id"], "title": "Decisione di prova", "text": "x"}).json()
    action = coordinator.post("/actions", json={
        "meeting_id": meeting["id"], "title": "Azione di prova",
        "assignee_organization_id": org_a, "due_on": IN_A_MONTH}).json()
    document = partner_a.post(f"/meetings/{meeting['id']}/documents", files=A_DOCUMENT).json()
    return meeting_body, {
        "meeting": {"meeting_id": meeting["id"]}, "decision": {"decision_id": decision["id"]},
        "meeting_document": {"meeting_id": meeting["id"], "document_id": document["id"]},
        "action": {"action_id": action["id"]}}


CLIENTS = {}


def call_as(platform, username, method, path, body=None, query=None, files=None):  # noqa: F811
    if username and username not in CLIENTS:  # one login each: logins are rate limited
        CLIENTS[username] = Client(platform, username)
    headers = CLIENTS[username].headers if username else {}
    return requests.request(method, f"{platform.url}{path}", json=body, params=query,
                            files=files, headers=headers, timeout=15)


@pytest.mark.broker
def test_no_role_reads_or_changes_what_is_not_theirs(platform, owned):  # noqa: F811
    refused = []
    for operation, rule in ACCESS.items():
        if rule in (PUBLIC, OWN, SMS_GATEWAY):
            continue
        method, template = operation.split(" ", 1)
        path, body = template, rule.body(owned) if callable(rule.body) else rule.body
        if isinstance(rule, Foreign):
            path = template.format(**owned["ids"][rule.kind])
            if rule.kind == "service_of_organization":
                body = {"organization_id": owned["org_b"], "name": "Nel nome di altri"}
        for outsider in rule.outsiders:
            answer = call_as(platform, outsider, method, path, body,
                             getattr(rule, "query", None), getattr(rule, "files", None))
            allowed = {401} if outsider is ANONYMOUS else {403, 404}
            if answer.status_code not in allowed | ({404} if outsider is ANONYMOUS else set()):
                refused.append(f"{operation} as {outsider}: {answer.status_code}")
    assert refused == [], "\n".join(refused)


@pytest.mark.broker
def test_the_sms_gateways_calls_are_refused_to_anyone_without_its_tokens(platform):  # noqa: F811
    for username in ("partner8a", "citta", ANONYMOUS):
        report = call_as(platform, username, "GET", "/api/v1/sms/delivery-reports/forged",
                         query={"status": 1, "token": "forged"})
        stop = call_as(platform, username, "GET", "/api/v1/sms/inbound",
                       query={"from": "+393331234567", "text": "STOP", "token": "forged"})
        assert (report.status_code, stop.status_code) == (404, 403), username


@pytest.mark.broker
def test_listing_referrals_shows_no_other_organisations_referral(platform, owned):  # noqa: F811
    referral_id = owned["ids"]["referral"]["referral_id"]
    for outsider in ("partner2", "coord3", "asc4", "citta"):
        listed = Client(platform, outsider).get("/referrals").json()["items"]
        assert referral_id not in [item["id"] for item in listed], outsider
