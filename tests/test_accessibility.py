"""axe-core, run in headless chromium over the pages people use, at a phone's and a laptop's
size: no page may have a violation of the rules axe runs by default (WCAG 2.x A and AA, and
its best practices).

axe-core is vendored from npm at a pinned version (tests/axe/package.json, installed by
`npm ci` there). A new page joins the check with one `Page` in PAGES: its path may name the
ids of the things made for these tests (`things`: {event}, {drive}, {referral},
{accepted_referral}, {service}, {organization}, {registration} with its {registration_token}
and {registration_code}, {meeting} with its {decision} and {action};
add what a new page needs), a person to log
in as, and steps to take first (a form sent, a button pressed)."""
import json
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pytest

from tests.platform import Client, referral_body
from tests.test_web_organisers import register
from tests.test_web_pages import broker, create_event, needs_chromium, people  # noqa: F401

AXE_DIR = Path(__file__).resolve().parent / "axe"
AXE = AXE_DIR / "node_modules" / "axe-core" / "axe.min.js"
NODE_MISSING = ("The accessibility tests run axe-core from npm: install node and npm "
                "(apt-get install nodejs npm).")
SIZES = [(390, 844), (1366, 900)]
RUN_AXE = """
const done = arguments[arguments.length - 1];
axe.run(document, {resultTypes: ["violations"]})
  .then((results) => done(JSON.stringify(results.violations)))
  .catch((error) => done(JSON.stringify([{id: "axe-error", help: String(error), nodes: []}])));
"""


@dataclass(frozen=True)
class Page:
    name: str
    path: str  # may name the ids of `things`
    as_user: str | None = None  # None: an anonymous visitor
    then: Callable | None = None  # steps taken on the opened page before the check


def send_empty(browser):
    browser.submit("Continua: vedi l'anteprima")


def type_an_unknown_pass(browser):
    browser.fill("Codice del pass", "ZZZZ-ZZZZ").submit("Registra l'ingresso")


def ask_to_complete(browser):
    browser.choose("Esito", "Servizio erogato").submit("Concludi…")


def give_a_printed_card(browser):
    browser.submit("Consegna la scheda alla famiglia")


def record_an_empty_decision(browser):
    browser.find("#record-decision summary").click()
    browser.submit("Registra la decisione")


PAGES = [
    # public
    Page("home", "/"),
    Page("services", "/services"),
    Page("services found", "/services?submitted=1&age=3"),
    Page("services near a zone, with the map", "/services?place=Gallaratese&radius_km=5"),
    Page("services near a place unknown", "/services?place=Via+Inesistente"),
    Page("a service with its map", "/services?place=Gallaratese",
         then=lambda browser: browser.follow("Sportello QuBì Gallaratese")),
    Page("a service", "/services/{service}"),
    Page("an organisation", "/organizations/{organization}"),
    Page("events", "/events"),
    Page("an event", "/events/{event}"),
    Page("drives", "/drives"),
    Page("a drive", "/drives/{drive}"),
    Page("login", "/login"),
    Page("password reset", "/password-reset"),
    Page("the family's question on its card", "/f/ZZZZZZZZZZ"),
    Page("the family's code not recognised", "/f/ZZZZZZZZZZ",
         then=lambda browser: browser.submit("No, nessuno ci ha chiamato")),
    Page("the family's code to type", "/f"),
    # logged in
    Page("home, logged in", "/", "partner8a"),
    Page("services, logged in", "/services", "partner8a"),
    Page("a service, to its organisation", "/services/{service}", "partner8b"),
    Page("events, logged in", "/events", "partner8a"),
    Page("an event, to its organiser", "/events/{event}", "partner8a"),
    Page("an event's form, to edit it", "/events/{event}/edit", "partner8a"),
    Page("an event's registrations", "/events/{event}/registrations", "partner8a"),
    Page("check-in at the door", "/events/{event}/check-in", "partner8a"),
    Page("check-in at the door, a pass refused", "/events/{event}/check-in", "partner8a",
         then=type_an_unknown_pass),
    Page("a registration's page, with its pass",
         "/events/{event}/registrations/{registration}/cancel?token={registration_token}"),
    Page("a registration's pass", "/events/{event}/registrations/{registration}/pass"
         "?code={registration_code}"),
    Page("drives, logged in", "/drives", "partner8a"),
    Page("a drive, to its organiser", "/drives/{drive}", "partner8a"),
    Page("a new drive", "/drives/new", "partner8a"),
    Page("a new drive with its errors", "/drives/new", "partner8a",
         then=lambda browser: browser.submit("Apri la raccolta")),
    Page("referrals", "/referrals", "partner8a"),
    Page("referrals of the municipio", "/referrals", "asc8"),
    Page("a referral, to its sender", "/referrals/{referral}", "partner8a"),
    Page("a referral, to its receiver", "/referrals/{referral}", "partner8b"),
    Page("a referral accepted, to its receiver", "/referrals/{accepted_referral}", "partner8b"),
    Page("a new referral", "/referrals/new", "partner8a"),
    Page("a new referral sent empty", "/referrals/new", "partner8a", then=send_empty),
    Page("completing a referral, confirmed first", "/referrals/{accepted_referral}", "partner8b",
         then=ask_to_complete),
    Page("forwarding a referral", "/referrals/{referral}/forward", "partner8b"),
    Page("forwarding a referral, sent empty", "/referrals/{referral}/forward", "partner8b",
         then=lambda browser: browser.submit("Proponi l'inoltro")),
    Page("the family's card, printed", "/referrals/{referral}", "partner8a",
         then=give_a_printed_card),
    Page("notifications", "/notifications", "partner8b"),
    Page("report", "/reports", "coord8"),
    Page("the city's report of a year", "/reports?from=2026-01-01&to=2026-12-31", "citta"),
    Page("a report of a period ending before it starts", "/reports?from=2026-12-31&to=2026-01-01",
         "coord8"),
    Page("unmet needs", "/reports/unmet-needs", "coord8"),
    Page("the city's unmet needs", "/reports/unmet-needs", "citta"),
    Page("my organisation", "/my/organization", "partner8a"),
    Page("my account", "/account", "partner8a"),
    Page("notification preferences", "/notifications/preferences", "partner8a"),
    Page("people", "/people", "partner8a"),
    Page("webhooks", "/webhooks", "partner8a"),
    Page("a webhook sent empty", "/webhooks", "partner8a",
         then=lambda browser: browser.submit("Registra")),
    Page("the network", "/network?municipio=8", "coord8"),
    Page("community funds", "/funds", "coord8"),
    Page("meetings", "/governance/meetings", "coord8"),
    Page("convening a meeting", "/governance/meetings/new", "coord8"),
    Page("convening a meeting, sent empty", "/governance/meetings/new", "coord8",
         then=lambda browser: browser.submit("Convoca la riunione")),
    Page("a meeting, to its chair", "/governance/meetings/{meeting}", "coord8"),
    Page("a meeting, to a member", "/governance/meetings/{meeting}", "asc8"),
    Page("a meeting's form, to edit it", "/governance/meetings/{meeting}/edit", "coord8"),
    Page("the decision register", "/governance/decisions", "coord8"),
    Page("a decision", "/governance/decisions/{decision}", "asc8"),
    Page("an action, to its assignee", "/governance/actions/{action}", "asc8"),
    Page("an action closed without its note", "/governance/actions/{action}", "asc8",
         then=lambda browser: browser.submit("Chiudi l'azione")),
    Page("a meeting's decision sent empty", "/governance/meetings/{meeting}", "coord8",
         then=record_an_empty_decision),
]


@pytest.fixture(scope="module")
def axe_source() -> str:
    if not AXE.exists():
        if not (shutil.which("node") and shutil.which("npm")):
            pytest.fail(NODE_MISSING)
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"],
                       cwd=AXE_DIR, check=True)
    return AXE.read_text()


@pytest.fixture(scope="module")
def things(platform) -> dict:  # noqa: F811
    """Ids of one of each thing the pages show, made through the API."""
    sender, receiver = Client(platform, "partner8a"), Client(platform, "partner8b")
    receiving_org = receiver.get("/me").json()["organization_id"]
    event = create_event(sender, title="Festa di primavera", capacity=30,
                         registration_required=True, municipio=8)
    drive = sender.post("/drives", json={
        "title": "Zaino sospeso di primavera", "collect_from": "2027-08-24",
        "collect_to": "2027-09-15", "items": [{"name": "Quaderni", "quantity_needed": 20}],
        "drop_off_points": [{"name": "La Casa dei Giochi", "address": "Via S. Uguzzone 8",
                             "schedules": [{"weekday": 6, "opens_at": "10:00",
                                            "closes_at": "12:30"}]}]})
    assert drive.status_code == 201, drive.text
    referrals = [sender.post("/referrals", json=referral_body(receiving_org)) for _ in range(2)]
    assert all(r.status_code == 201 for r in referrals), [r.text for r in referrals]
    accepted = referrals[1].json()["id"]
    assert receiver.post(f"/referrals/{accepted}/accept").status_code == 200
    service = receiver.post("/services", json={"organization_id": receiving_org,
                                               "name": "Spazio compiti"})
    assert service.status_code == 201, service.text
    registration = register(platform, event["id"], "axe-pass@example.org", adults=2)
    governance = meeting_decision_and_action(platform)
    return {**governance, "event": event["id"], "drive": drive.json()["id"],
            "registration": registration["id"],
            "registration_token": registration["cancel_token"],
            "registration_code": registration["check_in_code"],
            "referral": referrals[0].json()["id"], "accepted_referral": accepted,
            "service": service.json()["id"], "organization": receiving_org}


def meeting_decision_and_action(platform) -> dict:
    """A meeting of the Coordinamento municipale 8 with its agenda, a decision and an action
    given to the community social worker (whose pages then show it among its actions to do)."""
    chair, member = Client(platform, "coord8"), Client(platform, "asc8")
    body = next(b for b in chair.get("/governance", params={"municipio": 8}).json()["items"]
                if b["kind"] == "municipal_coordination")
    meeting = chair.post("/meetings", json={
        "body_id": body["id"], "title": "Coordinamento di primavera",
        "starts_at": "2027-04-14T17:00", "ends_at": "2027-04-14T19:00",
        "place": "Sala consiliare", "agenda": [{"title": "Fondo di comunità"}]})
    assert meeting.status_code == 201, meeting.text
    meeting_id = meeting.json()["id"]
    decision = chair.post("/decisions", json={"meeting_id": meeting_id, "title": "Laboratori",
                                              "text": "Approvati i laboratori di primavera."})
    assert decision.status_code == 201, decision.text
    action = chair.post("/actions", json={
        "meeting_id": meeting_id, "title": "Contattare le scuole", "due_on": "2027-04-30",
        "assignee_user_id": member.get("/me").json()["user_id"]})
    assert action.status_code == 201, action.text
    return {"meeting": meeting_id, "decision": decision.json()["id"],
            "action": action.json()["id"]}


def violations(browser, axe_source) -> list:
    """What axe finds on the page the browser shows: (rule, its help, the elements)."""
    browser.driver.set_script_timeout(60)
    browser.driver.execute_script(axe_source)
    found = json.loads(browser.driver.execute_async_script(RUN_AXE))
    return [(rule["id"], rule["help"], [node["target"] for node in rule["nodes"][:5]])
            for rule in found]


@broker
@needs_chromium
@pytest.mark.parametrize("page", PAGES, ids=[page.name for page in PAGES])
def test_axe_finds_no_violation(page, people, things, axe_source):
    browser = people(page.as_user or "visitor", page.as_user)
    browser.open(page.path.format(**things))
    if page.then:
        page.then(browser)
    found = {}
    for width, height in SIZES:
        browser.viewport(width, height)
        found[f"{width}x{height}"] = violations(browser, axe_source)
    browser.viewport(*SIZES[-1])
    assert found == {size: [] for size in found}, browser.path


@broker
@needs_chromium
def test_axe_finds_an_image_without_words_and_an_input_without_a_label(people, axe_source):
    browser = people("visitor").open("/")
    browser.driver.execute_script(
        "document.querySelector('main').insertAdjacentHTML('beforeend',"
        " '<img src=\"/static/favicon.svg\"><input type=\"text\" name=\"nameless\">')")
    assert {rule for rule, _, _ in violations(browser, axe_source)} >= {"image-alt", "label"}
