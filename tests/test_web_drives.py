"""Donation drives on the web as their organisers run them: a new drive with its items and its
drop-off points and their hours, every error at once next to its input; on the drive's page
the pledges, the deliveries and closing it, each confirmation in view and the bars moved.
First without the platform (the form and the page over answers a test gives), then in a real
browser over the whole platform. Screenshots under artifacts/screenshots/."""
import re
from html import unescape
from datetime import date, timedelta

import pytest
from werkzeug.datastructures import MultiDict

from tests.test_web_pages import (DRIVE, FakeServices, broker, csrf_of, log_in_as_partner,
                                  needs_chromium, people)  # noqa: F401  (the fixture)

PHONE, LAPTOP = (390, 844), (1366, 900)


# --- without the platform ------------------------------------------------------------------

def test_a_new_drive_s_rows_become_the_api_body_and_empty_rows_are_dropped():
    from gateway.web.drives_manage import drive_payload

    form = MultiDict({
        "title": " Merende ", "description": "", "municipio": "8",
        "collect_from": "2027-03-01", "collect_to": "2027-03-31",
        "items.0.name": "", "items.0.unit": "", "items.0.quantity_needed": "",
        "items.1.name": "Succhi di frutta", "items.1.unit": "confezioni",
        "items.1.quantity_needed": "40",
        "items.2.name": "Biscotti", "items.2.unit": "", "items.2.quantity_needed": "tanti",
        "drop_off_points.0.name": "Sportello", "drop_off_points.0.address": "Via Falterona 11",
        "drop_off_points.0.schedules.0.weekday": "", "drop_off_points.0.schedules.0.opens_at": "",
        "drop_off_points.0.schedules.0.closes_at": "",
        "drop_off_points.0.schedules.1.weekday": "1",
        "drop_off_points.0.schedules.1.opens_at": "16:00",
        "drop_off_points.0.schedules.1.closes_at": "18:00",
        "drop_off_points.1.name": "", "drop_off_points.1.address": "",
        "items.500.name": "beyond the rows read",
    })
    body, moved = drive_payload(form)
    assert body == {
        "title": "Merende", "municipio": 8, "collect_from": "2027-03-01",
        "collect_to": "2027-03-31",
        "items": [{"name": "Succhi di frutta", "unit": "confezioni", "quantity_needed": 40},
                  {"name": "Biscotti", "quantity_needed": "tanti"}],  # the service names it
        "drop_off_points": [{"name": "Sportello", "address": "Via Falterona 11", "schedules": [
            {"weekday": 1, "opens_at": "16:00", "closes_at": "18:00"}]}]}
    assert moved == {"items.0": "items.1", "items.1": "items.2",
                     "drop_off_points.0.schedules.0": "drop_off_points.0.schedules.1"}
    empty, _ = drive_payload(MultiDict({"title": "Solo il titolo"}))
    assert empty["items"] == [] and empty["drop_off_points"] == []


class RefusingServices(FakeServices):
    """Answers as FakeServices; an answer that is an error is raised."""

    def call(self, service, method, *args, **kwargs):
        answer = self.answers.get(method)
        if isinstance(answer, Exception):
            self.calls.append((service, method, args, {}))
            raise answer
        return super().call(service, method, *args, **kwargs)


@pytest.fixture
def web():
    from gateway.app import create_app
    from services.common.config import load_settings

    services = RefusingServices()
    settings = load_settings({"QUBI_ENV": "test",
                              "QUBI_SECRET_KEY": "a-test-secret-that-is-long-enough-for-hs256",
                              "AMQP_URI": services.amqp_uri})
    client = create_app(settings, services).test_client()
    client.services = services
    log_in_as_partner(client)
    return client


def post_form(web, path, values):
    token = csrf_of(web.get("/drives/new", base_url="https://localhost"))
    return web.post(path, data={"csrf_token": token, **values}, base_url="https://localhost")


def error_of(page: str, field_id: str) -> str:
    found = re.search(rf'<p class="field-error" id="{field_id}-error">(.*?)</p>', page, re.S)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", found.group(1))).split()) if found else ""


def test_every_refusal_of_a_new_drive_shows_at_once_next_to_its_input(web):
    from services.common import checks
    from services.common.errors import Invalid

    web.services.answers["create_drive"] = Invalid({
        "title": [checks.reason("empty", "Shorter than minimum length 1.")],
        "collect_to": [checks.reason("collection_ends_before", "The collection ends on or "
                                     "after the day it starts."),
                       checks.reason("day_past", "This day is already past.")],
        "items.1.quantity_needed": [checks.reason("required", "Missing data for required "
                                                             "field.")],
        "drop_off_points.0.schedules.0.closes_at": [checks.reason(
            "closes_before_opens", "Closes after it opens.")],
        "items": [checks.reason("items_repeated", "Each item appears once.")]})
    answer = post_form(web, "/drives/new", {
        "title": "", "collect_from": "2026-11-20", "collect_to": "2026-11-10", "municipio": "8",
        "items.0.name": "", "items.0.quantity_needed": "",
        "items.1.name": "Biscotti", "items.1.quantity_needed": "5",
        "items.2.name": "Succhi", "items.2.quantity_needed": "",
        "drop_off_points.0.name": "Sede", "drop_off_points.0.address": "Via Prova 1",
        "drop_off_points.0.schedules.0.weekday": "", "drop_off_points.0.schedules.1.weekday": "2",
        "drop_off_points.0.schedules.1.opens_at": "18:00",
        "drop_off_points.0.schedules.1.closes_at": "16:00"})
    assert answer.status_code == 422
    page = answer.get_data(as_text=True)
    assert error_of(page, "f-title") == "Errore: Questo campo è obbligatorio."
    assert error_of(page, "f-collect_to") == (
        "Errore: La raccolta finisce lo stesso giorno in cui inizia o dopo. "
        "Questo giorno è già passato.")
    # the rows the service counted without the empty ones, back where they were typed
    assert error_of(page, "f-items-2-quantity_needed") == "Errore: Questo campo è obbligatorio."
    assert error_of(page, "f-items-1-quantity_needed") == ""
    assert error_of(page, "f-drop_off_points-0-schedules-1-closes_at") == (
        "Errore: L'orario di chiusura viene dopo quello di apertura.")
    assert error_of(page, "f-items") == "Errore: Ogni articolo compare una volta sola."
    summary = re.search(r'<div class="error-summary".*?</div>', page, re.S).group(0)
    assert [link for link in re.findall(r'href="#([^"]+)"', summary)] == [
        "f-title", "f-collect_to", "f-items", "f-items-2-quantity_needed",
        "f-drop_off_points-0-schedules-1-closes_at"]
    assert "Articolo 3 – Quanti ne servono" in summary
    assert 'value="Succhi"' in page  # what was typed stays


def test_only_who_may_organise_opens_the_new_drive_form(web):
    from gateway.auth import issue_token

    web.delete_cookie("qubi_access", domain="localhost")
    answer = web.get("/drives/new", base_url="https://localhost")
    assert answer.status_code == 302 and answer.headers["Location"] == "/login?next=/drives/new"
    social_worker = issue_token({"user_id": "u-a", "username": "asc8", "municipi": [8],
                                 "roles": ["social_worker"], "session_id": "s-2"},
                                "a-test-secret-that-is-long-enough-for-hs256", 60)
    web.set_cookie("qubi_access", social_worker["access_token"], domain="localhost")
    assert web.get("/drives/new", base_url="https://localhost").status_code == 403
    assert "Nuova raccolta" not in web.get("/drives", base_url="https://localhost").get_data(
        as_text=True)


def test_a_new_drive_gets_another_row_without_asking_the_service(web):
    page = web.get("/drives/new", base_url="https://localhost").get_data(as_text=True)
    assert page.count('<fieldset class="drive-row" id="item-') == 3
    assert 'id="f-municipio"' in page and '<option value="8" selected>' in page
    answer = post_form(web, "/drives/new", {"title": "Merende", "items.0.name": "Biscotti",
                                            "items.2.name": "", "add": "item"})
    page = answer.get_data(as_text=True)
    assert answer.status_code == 200 and page.count('<fieldset class="drive-row" id="item-') == 4
    assert 'value="Biscotti"' in page and 'id="f-items-3-name"' in page
    answer = post_form(web, "/drives/new", {"title": "Merende", "add": "point"})
    assert answer.get_data(as_text=True).count('id="point-') == 2
    assert "create_drive" not in [call[1] for call in web.services.calls]


def test_a_new_drive_opens_on_its_page_with_the_confirmation(web):
    web.services.answers["create_drive"] = {**DRIVE, "id": "d-9"}
    answer = post_form(web, "/drives/new", {
        "title": "Merende", "collect_from": "2027-03-01", "collect_to": "2027-03-31",
        "municipio": "8", "items.0.name": "Biscotti", "items.0.quantity_needed": "20",
        "drop_off_points.0.name": "Sede", "drop_off_points.0.address": "Via Prova 1"})
    assert answer.status_code == 303
    assert answer.headers["Location"].endswith("/drives/d-9?done=drive_created")
    sent = [call[2][0] for call in web.services.calls if call[1] == "create_drive"]
    assert sent == [{"title": "Merende", "collect_from": "2027-03-01",
                     "collect_to": "2027-03-31", "municipio": 8,
                     "items": [{"name": "Biscotti", "quantity_needed": 20}],
                     "drop_off_points": [{"name": "Sede", "address": "Via Prova 1"}]}]


def test_a_drive_page_offers_closing_only_when_the_service_says_so(web):
    web.services.answers["list_pledges"] = {"items": [], "page": 1, "per_page": 200, "total": 0}
    web.services.answers["get_drive"] = {**DRIVE, "actions": ["record_delivery", "list_pledges"]}
    page = web.get("/drives/d-1", base_url="https://localhost").get_data(as_text=True)
    assert 'action="/drives/d-1/close"' not in page
    web.services.answers["get_drive"] = {**DRIVE, "actions": [
        "pledge", "record_delivery", "list_pledges", "close"]}
    page = web.get("/drives/d-1", base_url="https://localhost").get_data(as_text=True)
    assert 'action="/drives/d-1/close"' in page
    web.services.answers["close_drive"] = {**DRIVE, "status": "closed"}
    answer = web.post("/drives/d-1/close", data={"csrf_token": csrf_of(web.get(
        "/drives/d-1", base_url="https://localhost"))}, base_url="https://localhost")
    assert answer.status_code == 303 and answer.headers["Location"].endswith(
        "/drives/d-1?done=drive_closed")
    assert ("events", "close_drive", ("d-1",)) in [call[:3] for call in web.services.calls]


def test_a_delivery_refused_says_why_next_to_the_delivery_s_own_inputs(web):
    from services.common import checks
    from services.common.errors import Invalid

    web.services.answers["get_drive"] = {**DRIVE, "actions": ["pledge", "record_delivery"]}
    web.services.answers["record_delivery"] = Invalid({"quantity": [checks.reason(
        "between", "Must be greater than or equal to 1 and less than or equal to 100000.",
        min=1, max=100000)]})
    token = csrf_of(web.get("/drives/d-1", base_url="https://localhost"))
    answer = web.post("/drives/d-1/deliveries", data={
        "csrf_token": token, "delivered.item": "Quaderni", "delivered.quantity": "0"},
        base_url="https://localhost")
    page = answer.get_data(as_text=True)
    assert answer.status_code == 422
    assert error_of(page, "f-delivered-quantity") == "Errore: Deve essere tra 1 e 100000."
    assert error_of(page, "f-quantity") == ""  # the pledge's own input, on the same page
    assert page.count('id="f-quantity"') == page.count('id="f-delivered-quantity"') == 1
    sent = [call[2] for call in web.services.calls if call[1] == "record_delivery"]
    assert sent == [("d-1", {"item": "Quaderni", "quantity": 0})]


def test_a_share_of_the_need_is_never_said_as_nothing_when_something_came(web):
    from flask import g

    from gateway.web.drives_manage import share

    with web.application.test_request_context():
        g.lang = "it"
        assert [share(0, 740), share(2, 740), share(8, 740), share(60, 60), share(70, 60),
                share(3, 0)] == ["0%", "meno dell'1%", "1%", "100%", "100%", "0%"]
        g.lang = "en"
        assert share(2, 740) == "less than 1%"


# --- in a browser, over the whole platform -------------------------------------------------------

def in_view(browser, css: str) -> bool:
    return browser.driver.execute_script(
        "const box = document.querySelector(arguments[0]).getBoundingClientRect();"
        "return box.top >= 0 && box.bottom <= window.innerHeight;", css)


def focused_is(browser, css: str) -> bool:
    return browser.driver.execute_script(
        "return document.activeElement === document.querySelector(arguments[0]);", css)


@broker
@needs_chromium
def test_an_organiser_opens_a_drive_a_neighbour_pledges_and_the_organiser_records_it(people):
    organiser = people("organiser", "partner8a")
    organiser.follow("La mia organizzazione").follow("Nuova raccolta")
    assert organiser.heading() == "Nuova raccolta"
    today = date.today()
    organiser.fill("Si raccoglie dal", today.isoformat())
    organiser.fill("Ultimo giorno", (today - timedelta(days=3)).isoformat())
    organiser.set("#f-items-0-name", "Succhi di frutta")
    organiser.set("#f-items-1-quantity_needed", 20)
    organiser.submit("Apri la raccolta")
    # every error at once, each next to its input
    assert "Questo campo è obbligatorio." in organiser.error_for("Titolo")
    assert "Questo giorno è già passato." in organiser.error_for("Ultimo giorno")
    assert "obbligatorio" in organiser.find("#f-items-0-quantity_needed-error").text
    assert "obbligatorio" in organiser.find("#f-items-1-name-error").text
    assert "punti di raccolta" in organiser.find("#f-drop_off_points-error").text
    assert focused_is(organiser, "#error-summary")
    organiser.screenshot("drive-new-errors", sizes=(PHONE, LAPTOP))

    organiser.fill("Titolo", "Merende al doposcuola")
    organiser.fill("Ultimo giorno", (today + timedelta(days=20)).isoformat())
    organiser.set("#f-items-0-quantity_needed", 40).set("#f-items-0-unit", "confezioni")
    organiser.set("#f-items-1-name", "Biscotti")
    organiser.set("#f-drop_off_points-0-name", "Sportello QuBì Gallaratese")
    organiser.set("#f-drop_off_points-0-address", "Via Falterona 11")
    organiser.set("#f-drop_off_points-0-schedules-0-weekday", 1)
    organiser.set("#f-drop_off_points-0-schedules-0-opens_at", "16:00")
    organiser.set("#f-drop_off_points-0-schedules-0-closes_at", "18:30")
    organiser.submit("Apri la raccolta")
    assert organiser.heading() == "Merende al doposcuola"
    assert "Raccolta aperta" in organiser.text
    assert "lunedì dalle 16:00 alle 18:30" in organiser.text.lower()
    assert "Promesso 0% di quanto serve: 0 su 60" in organiser.text
    drive_path = organiser.path.split("?")[0]

    neighbour = people("neighbour").open(drive_path)
    neighbour.viewport(*PHONE)
    neighbour.choose("Che cosa porti", "Biscotti — ne mancano 20")
    neighbour.fill("Quanti", 5).fill("Il tuo nome (facoltativo)", "Marta")
    neighbour.submit("Prometto di portarlo")
    # on a phone: the thanks is in view and has the focus, and the bar moved
    assert "Grazie! Il tuo impegno è registrato" in neighbour.find(".notice").text
    assert in_view(neighbour, ".notice") and focused_is(neighbour, ".notice")
    assert "Promesso 8% di quanto serve: 5 su 60" in neighbour.text
    assert neighbour.find("#progress .progress-fill").get_attribute("width") == "8.3"
    assert "Biscotti — ne mancano 15" in neighbour.text
    assert "Marta" not in neighbour.text  # the donors' names are the organisers'
    neighbour.screenshot("drive-pledged", sizes=(PHONE, LAPTOP))

    organiser.open(drive_path)
    pledges = organiser.find("#pledges").text
    assert "Biscotti" in pledges and "Marta" in pledges
    organiser.choose("Articolo ricevuto", "Biscotti").fill("Quantità ricevuta", 5)
    organiser.viewport(*PHONE)
    organiser.submit("Registra")
    assert "Consegna registrata." in organiser.find(".notice").text
    assert in_view(organiser, ".notice") and focused_is(organiser, ".notice")
    assert "Consegnato 8%: 5 su 60" in organiser.text
    delivered = [cell.text for cell in organiser.driver.find_elements(
        "css selector", ".items td.delivered") if cell.is_displayed()]
    assert sorted(delivered) == ["0", "5"]  # on a phone too, its organisers see each item's
    organiser.viewport(*LAPTOP)
    organiser.screenshot("drive-organiser", sizes=(PHONE, LAPTOP))

    organiser.driver.execute_script("window.confirm = () => true;")
    organiser.submit("Chiudi la raccolta adesso")
    assert "Raccolta chiusa" in organiser.find(".notice").text
    assert "Chiusa" in organiser.text and "Prometti un dono" not in organiser.text
    neighbour.open(drive_path)
    assert not neighbour.has("#pledge")


def test_a_drive_shows_the_decisions_that_authorise_it_to_those_who_see_them(web):
    from services.common.errors import Unavailable

    web.services.answers["list_pledges"] = {"items": [], "page": 1, "per_page": 200, "total": 0}
    web.services.answers["get_drive"] = {**DRIVE, "actions": ["pledge"]}
    web.services.answers["list_decisions"] = {"page": 1, "per_page": 5, "total": 1, "items": [{
        "id": "dec-1", "title": "Zaino sospeso con la rete", "text": None,
        "body": {"id": "b-8", "kind": "municipal_coordination",
                 "name": "Coordinamento municipale 8", "municipio": 8},
        "meeting_id": None, "decided_on": "2027-02-10", "links": [], "actions": []}]}
    page = web.get("/drives/d-1", base_url="https://localhost").get_data(as_text=True)
    assert 'href="/governance/decisions/dec-1"' in page and "Deliberato da" in page
    asked = [call[2] for call in web.services.calls if call[1] == "list_decisions"]
    assert asked == [({"link_kind": "drive", "link_id": "d-1", "per_page": 5},)]

    web.services.answers["list_decisions"] = Unavailable("The governance service is not answering.")
    page = web.get("/drives/d-1", base_url="https://localhost")
    assert page.status_code == 200 and "Deliberato da" not in page.get_data(as_text=True)
