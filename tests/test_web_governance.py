"""The governance pages. In a real browser on a phone over the whole platform: the coordinator of
Municipio 8 convenes its coordinamento, the community social worker answers yes, the
coordinator takes the attendance, writes, circulates and approves the minutes, records a
decision and assigns an action to the social worker, who finds it on the page it lands on
after logging in and closes it with a note (the chair also edits the meeting and attaches a
document, one of a kind refused first); another municipio's coordinator gets the not-found
page at the meeting's address. Without a browser: each form only when the service lists its
action, the service's refusals next to their inputs with what was typed kept, the downloads'
headers, and the pages people land on when the governance service does not answer."""
import io
import re
from datetime import date, timedelta

import requests

from services.common.errors import Conflict, Invalid, Unavailable
from tests.test_web_pages import broker, csrf_of, needs_chromium, people, web  # noqa: F401

PHONE = (390, 844)
HTTPS = {"base_url": "https://localhost"}
COORDINATION_8 = "Coordinamento municipale 8"
SOCIAL_WORKER = "Assistente sociale di comunità Municipio 8"  # asc8, as the directory names it
SOCIAL_WORKER_TO_CHOOSE = f"{SOCIAL_WORKER} · Assistente sociale di comunità"  # with its role


def on_a_phone(people_of, name, username, path):
    browser = people_of(name, username)
    browser.viewport(*PHONE)
    return browser.open(path)


def snap(browser, name):
    """The page on a phone in artifacts/screenshots/, and the browser back to a phone's size."""
    browser.screenshot(name, sizes=[PHONE])
    browser.viewport(*PHONE)


@broker
@needs_chromium
def test_a_coordination_meets_decides_and_its_action_is_closed_by_the_social_worker(
        people, tmp_path):
    day = date.today() + timedelta(days=7)
    chair = on_a_phone(people, "coordinator", "coord8", "/governance/meetings")
    chair.follow("Convoca una riunione")
    chair.choose("Organo", COORDINATION_8)
    chair.fill("Titolo", "Coordinamento di dicembre")
    chair.fill("Giorno", day.isoformat()).fill("Dalle", "17:00").fill("Alle", "16:00")
    chair.fill("Ordine del giorno", "Bisogni non coperti del mese\nFondo di comunità")
    chair.submit("Convoca la riunione")  # no place nor link, and it ends before it starts
    assert chair.error_for("Luogo") and chair.error_for("Alle")
    assert chair.field("Titolo").get_attribute("value") == "Coordinamento di dicembre"
    snap(chair, "governance-meeting-form-errors")
    chair.fill("Alle", "19:00").fill("Luogo", "Municipio 8, sala consiliare")
    chair.submit("Convoca la riunione")
    assert "Riunione convocata" in chair.text
    meeting_path = chair.path.split("?")[0]
    assert re.fullmatch(r"/governance/meetings/[0-9a-f-]{36}", meeting_path), meeting_path
    assert "Bisogni non coperti del mese" in chair.find("#agenda").text
    assert SOCIAL_WORKER in chair.find("#invited").text
    chair.follow("Modifica la riunione")
    chair.fill("Luogo", "Municipio 8, sala giunta").submit("Salva le modifiche")
    assert "Modifiche salvate" in chair.text and "sala giunta" in chair.text

    programme, tool = tmp_path / "ordine-del-giorno.txt", tmp_path / "strumento.exe"
    programme.write_text("1. Bisogni non coperti\n2. Fondo di comunità\n")
    tool.write_bytes(b"MZ\x90\x00\x03" + bytes(range(256)) * 4)
    chair.field("Documento da caricare").send_keys(str(tool))
    chair.submit("Carica il documento")  # not a kind a meeting may have
    assert chair.error_for("Documento da caricare").startswith("Errore: Un PDF")
    chair.field("Documento da caricare").send_keys(str(programme))
    chair.submit("Carica il documento")
    assert "Documento caricato" in chair.text
    (name, address), = chair.links("#documents a[download]")
    assert name == "ordine-del-giorno.txt"
    cookies = {cookie["name"]: cookie["value"] for cookie in chair.driver.get_cookies()}
    download = requests.get(address, cookies=cookies, timeout=10)
    assert download.status_code == 200 and "Fondo di comunità" in download.text
    assert download.headers["Content-Type"].startswith("text/plain")
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert download.headers["X-Content-Type-Options"] == "nosniff"

    social = on_a_phone(people, "social worker", "asc8", "/governance/meetings")
    social.follow("Coordinamento di dicembre")
    social.submit("Sì")
    assert social.find("#my-answer").text == "Hai risposto: Sì"
    snap(social, "governance-meeting-member")

    chair.open(meeting_path)
    assert "Risposta: Sì" in chair.find("#invited").text
    chair.check(SOCIAL_WORKER).check("Coordinamento Municipio 8")
    chair.submit("Registra le presenze")
    assert "Presenze registrate" in chair.text
    assert chair.field(SOCIAL_WORKER).is_selected()

    chair.fill("Testo del verbale", "Presenti il coordinamento e l'assistente sociale.")
    chair.submit("Salva bozza")
    assert chair.find("#minutes-status").text == "Bozza"
    chair.submit("Invia ai membri per commenti")
    assert chair.find("#minutes-status").text == "Inviato ai membri per commenti"

    social.open(meeting_path)
    social.fill("Il tuo commento", "Aggiungere la data del prossimo incontro.")
    social.submit("Invia il commento")
    assert "Aggiungere la data del prossimo incontro." in social.find("#minutes").text

    chair.open(meeting_path)
    assert "Aggiungere la data del prossimo incontro." in chair.find("#minutes").text
    chair.driver.execute_script("window.confirm = () => true;")
    chair.submit("Approva")
    assert chair.find("#minutes-status").text == "Approvato"
    assert "Presenti il coordinamento" in chair.find("#minutes-text").text
    assert not chair.has("button[name=circulate]")  # frozen: corrected with a reason only
    chair.find("#correct summary").click()
    chair.fill("Testo corretto", "Presenti il coordinamento, l'assistente sociale e due enti.")
    chair.submit("Salva la correzione")
    assert chair.error_for("Perché lo correggi")
    assert chair.field("Testo corretto").get_attribute("value").endswith("e due enti.")
    chair.fill("Perché lo correggi", "Mancavano due enti presenti.")
    chair.submit("Salva la correzione")
    assert "Correzione del verbale salvata" in chair.text
    assert chair.find("#minutes-status").text == "Bozza"
    assert "Mancavano due enti presenti." in chair.find("#minutes-versions").text
    chair.driver.execute_script("window.confirm = () => true;")
    chair.submit("Approva")
    assert chair.find("#minutes-status").text == "Approvato"

    chair.find("#record-decision summary").click()
    chair.fill("Titolo della decisione", "Laboratori estivi nel Gallaratese")
    chair.fill("Testo della decisione", "Il coordinamento approva i laboratori estivi.")
    chair.submit("Registra la decisione")
    assert "Decisione registrata" in chair.text
    assert "Laboratori estivi nel Gallaratese" in chair.find("#decisions").text

    chair.find("#assign-action summary").click()
    chair.fill("Che cosa va fatto", "Contattare le scuole del quartiere")
    chair.choose("A chi", SOCIAL_WORKER_TO_CHOOSE)
    chair.fill("Entro il", (date.today() + timedelta(days=14)).isoformat())
    chair.submit("Assegna l'azione")
    assert "Azione assegnata" in chair.text
    assert "Contattare le scuole del quartiere" in chair.find("#actions").text
    snap(chair, "governance-meeting-chair")
    chair.open("/governance/meetings")
    snap(chair, "governance-meetings")

    social.find(".menu-toggle").click()  # on a phone, "Esci" is in the menu
    social.log_out().log_in("asc8")  # on the page its role lands on
    assert "Contattare le scuole del quartiere" in social.find("#todo").text
    snap(social, "governance-todo-on-home")
    social.follow("Contattare le scuole del quartiere")
    social.submit("Chiudi l'azione")  # a note is needed to close it
    assert social.error_for("Come è stata fatta")
    social.fill("Come è stata fatta", "Scritto alle tre scuole; due hanno risposto.")
    social.submit("Chiudi l'azione")
    assert social.find("#status").text.startswith("Fatta")
    assert "due hanno risposto" in social.find("#close-note").text
    snap(social, "governance-action-closed")
    social.open("/referrals")
    assert "Contattare le scuole del quartiere" not in (
        social.find("#todo").text if social.has("#todo") else "")

    social.open("/governance/decisions")
    social.follow("Laboratori estivi nel Gallaratese")
    assert "Il coordinamento approva i laboratori estivi." in social.find("#decision-text").text
    snap(social, "governance-decision")

    other = on_a_phone(people, "another municipio", "coord3", meeting_path)
    assert other.heading() == "Pagina non trovata"
    assert "Coordinamento di dicembre" not in other.text


# --- without a browser ----------------------------------------------------------------------------

def log_in_as_coordinator(web):
    from gateway.auth import issue_token

    token = issue_token({"user_id": "u-c", "username": "coord8", "roles": ["coordinator"],
                         "municipi": [8], "organization_id": None, "session_id": "s-1"},
                        "a-test-secret-that-is-long-enough-for-hs256", 60)["access_token"]
    web.set_cookie("qubi_access", token, domain="localhost")


BODY = {"id": "b-8", "kind": "municipal_coordination", "name": COORDINATION_8, "municipio": 8}
MEETING = {
    "id": "m-1", "body": BODY, "title": "Coordinamento di dicembre",
    "starts_at": "2027-12-14T16:00:00+00:00", "ends_at": "2027-12-14T18:00:00+00:00",
    "place": "Sala consiliare", "online_url": None, "agenda": [{"title": "Fondo"}],
    "status": "scheduled", "sequence": 0, "chair_user_id": "u-c", "cancel_reason": None,
    "invitees": [{"id": "u-s", "kind": "person", "name": "Assistente sociale", "role": None,
                  "answer": "yes", "attended": None},
                 {"id": "o-1", "kind": "organization", "name": "Spazio Famiglie", "role": None,
                  "answer": None, "attended": None}],
    "my_answer": None, "minutes": None, "documents": [], "actions": []}
EMPTY = {"items": [], "page": 1, "per_page": 50, "total": 0}
MEETING_FORMS = {"answer": "/governance/meetings/m-1/answer",
                 "cancel": "/governance/meetings/m-1/cancel",
                 "edit": "/governance/meetings/m-1/edit",
                 "take_attendance": "/governance/meetings/m-1/attendance",
                 "write_minutes": "/governance/meetings/m-1/minutes",
                 "attach_document": "/governance/meetings/m-1/documents",
                 "record_decision": "/governance/meetings/m-1/decisions",
                 "assign_action": "/governance/meetings/m-1/actions"}


def a_meeting(web, **changes):
    web.services.answers.update({"get_meeting": {**MEETING, **changes}, "list_decisions": EMPTY,
                                 "list_actions": EMPTY, "list_requests": EMPTY})


def refusing(web, method, error):
    calls = web.services.call

    def refuse(service, name, *args, **kwargs):
        if name == method:
            web.services.sent = args
            raise error
        return calls(service, name, *args, **kwargs)

    web.services.call = refuse


def test_a_meeting_page_draws_the_forms_of_the_actions_the_service_gives_and_no_other(web):
    log_in_as_coordinator(web)
    for actions in ([], ["answer"], list(MEETING_FORMS)):
        a_meeting(web, actions=actions)
        text = web.get("/governance/meetings/m-1", **HTTPS).get_data(as_text=True)
        drawn = {action for action, path in MEETING_FORMS.items()
                 if f'action="{path}"' in text or f'href="{path}"' in text}
        assert drawn == set(actions), actions
        assert "Sala consiliare" in text and "Assistente sociale" in text


def test_a_meeting_refused_shows_the_reasons_next_to_the_inputs_and_keeps_what_was_typed(web):
    log_in_as_coordinator(web)
    web.services.answers["bodies_to_convene"] = {"items": [BODY]}
    token = csrf_of(web.get("/governance/meetings/new", **HTTPS))
    refusing(web, "create_meeting", Invalid(
        {"ends_at": ["Ends after it starts."], "place": ["A place, an online link, or both."],
         "agenda.1.title": ["Longer than 300 characters."]},
        codes={"ends_at": [["ends_after_start", {}]], "place": [["place_or_online_url", {}]]}))
    page = web.post("/governance/meetings/new", **HTTPS, data={
        "csrf_token": token, "body_id": "b-8", "title": "Coordinamento", "day": "2027-12-14",
        "starts_at": "17:00", "ends_at": "16:00", "agenda": "Fondo\n\nRadar\n"})
    text = page.get_data(as_text=True)
    assert page.status_code == 422
    assert web.services.sent[0] == {
        "body_id": "b-8", "title": "Coordinamento", "starts_at": "2027-12-14T17:00",
        "ends_at": "2027-12-14T16:00", "agenda": [{"title": "Fondo"}, {"title": "Radar"}]}
    for field in ("ends_at", "place", "agenda"):
        assert f'id="f-{field}-error"' in text, field
    assert 'value="Coordinamento"' in text and ">Fondo\n\nRadar\n</textarea>" in text


def test_a_meeting_without_a_day_is_told_so_on_the_day(web):
    log_in_as_coordinator(web)
    web.services.answers["bodies_to_convene"] = {"items": [BODY]}
    token = csrf_of(web.get("/governance/meetings/new", **HTTPS))
    refusing(web, "create_meeting", Invalid({"starts_at": ["Missing data for required field."],
                                             "ends_at": ["Missing data for required field."]}))
    text = web.post("/governance/meetings/new", **HTTPS, data={
        "csrf_token": token, "body_id": "b-8", "title": "Coordinamento", "starts_at": "17:00",
        "ends_at": "19:00", "place": "Sala"}).get_data(as_text=True)
    assert 'id="f-day-error"' in text and 'id="f-starts_at-error"' not in text
    assert text.count("Questo campo è obbligatorio.") == 2  # the summary and the field, once


def test_a_document_refused_for_its_type_says_so_on_the_file_input(web):
    log_in_as_coordinator(web)
    a_meeting(web, actions=["attach_document"])
    token = csrf_of(web.get("/governance/meetings/m-1", **HTTPS))
    refusing(web, "attach_document", Invalid({"data": ["Not a type a meeting may have."]}))
    page = web.post("/governance/meetings/m-1/documents", **HTTPS,
                    content_type="multipart/form-data",
                    data={"csrf_token": token, "file": (io.BytesIO(b"MZ\x90"), "tool.exe")})
    assert page.status_code == 422
    assert web.services.sent[1] == {"filename": "tool.exe", "data": "TVqQ"}
    assert re.search(r'id="f-file-error">.*Not a type a meeting may have\.',
                     page.get_data(as_text=True))


def test_a_document_downloads_as_an_attachment_of_the_type_the_service_found(web):
    log_in_as_coordinator(web)
    web.services.answers["get_document"] = {
        "id": "d-1", "filename": "verbale dicembre.pdf", "content_type": "application/pdf",
        "size": 8, "uploaded_at": "2027-12-14T18:00:00+00:00", "data": "JVBERi0xLjQ="}
    answer = web.get("/governance/meetings/m-1/documents/d-1", **HTTPS)
    assert answer.status_code == 200 and answer.data == b"%PDF-1.4"
    assert answer.headers["Content-Type"] == "application/pdf"
    assert answer.headers["Content-Disposition"].startswith("attachment;")
    assert "verbale" in answer.headers["Content-Disposition"]
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    assert answer.headers["Cache-Control"] == "no-store"


def test_a_decision_links_the_fund_request_chosen_and_the_rows_filled(web):
    log_in_as_coordinator(web)
    a_meeting(web, actions=["record_decision"])
    web.services.answers["list_requests"] = {**EMPTY, "total": 1, "items": [{
        "id": "fr-1", "code": "F-2027-0001", "amount": "120.00", "action": "Campo estivo",
        "purpose": "Campo estivo"}]}
    token = csrf_of(web.get("/governance/meetings/m-1", **HTTPS))
    refusing(web, "record_decision", Invalid({"links.1.id": ["Not a valid id."]}))
    page = web.post("/governance/meetings/m-1/decisions", **HTTPS, data={
        "csrf_token": token, "decision_title": "Laboratori", "decision_text": "Approvati.",
        "links.0.id": "fr-1", "links.1.kind": "", "links.1.id": "",
        "links.2.kind": "drive", "links.2.id": "bad id"})
    assert page.status_code == 422
    assert web.services.sent[0]["links"] == [{"kind": "fund_request", "id": "fr-1"},
                                             {"kind": "drive", "id": "bad id"}]
    text = page.get_data(as_text=True)
    assert re.search(r'id="f-links-2-id-error">.*Not a valid id\.', text)  # its row's input
    assert '<details class="card" open id="record-decision">' in text
    assert 'value="Laboratori"' in text and '<option value="fr-1" selected>' in text


def test_an_action_is_assigned_to_the_person_or_the_organisation_chosen():
    from gateway.web.governance_records import assignee_fields

    assert assignee_fields("person:u-s") == {"assignee_user_id": "u-s",
                                             "assignee_organization_id": None}
    assert assignee_fields("organization:o-1") == {"assignee_user_id": None,
                                                   "assignee_organization_id": "o-1"}
    assert assignee_fields("") == {"assignee_user_id": None, "assignee_organization_id": None}


def test_a_refusal_of_the_minutes_keeps_the_text_typed(web):
    log_in_as_coordinator(web)
    a_meeting(web, actions=["write_minutes"])
    token = csrf_of(web.get("/governance/meetings/m-1", **HTTPS))
    refusing(web, "write_minutes", Conflict("The meeting was cancelled.", "meeting_cancelled"))
    page = web.post("/governance/meetings/m-1/minutes", **HTTPS, data={
        "csrf_token": token, "text": "Presenti tutti.", "circulate": "1"})
    assert page.status_code == 409
    assert web.services.sent[1] == {"text": "Presenti tutti.", "circulate": True}
    assert ">Presenti tutti.</textarea>" in page.get_data(as_text=True)


def test_the_pages_people_land_on_show_their_open_actions_and_nothing_when_governance_is_down(
        web):
    log_in_as_coordinator(web)
    web.services.answers["list_actions"] = {"items": [{
        "id": "a-1", "title": "Contattare le scuole", "due_on": "2027-12-20", "overdue": False,
        "status": "open"}], "page": 1, "per_page": 5, "total": 1}
    web.services.answers["list_referrals"] = {"items": [], "page": 1, "per_page": 25, "total": 0}
    page = web.get("/referrals", **HTTPS).get_data(as_text=True)
    assert 'href="/governance/actions/a-1"' in page and "Azioni da fare" in page
    asked = [args for _, method, args, _ in web.services.calls if method == "list_actions"]
    assert asked == [({"mine": True, "status": "open", "per_page": 5},)]
    assert 'href="/governance/meetings"' in page  # the menu's "Riunioni"

    del web.services.answers["list_actions"]
    refusing(web, "list_actions", Unavailable("The governance service is not answering."))
    page = web.get("/referrals", **HTTPS)
    assert page.status_code == 200 and "Azioni da fare" not in page.get_data(as_text=True)


def test_a_document_too_large_is_refused_on_the_file_input_before_it_is_read(web):
    from services.governance.contract import MAX_DOCUMENT_BYTES

    log_in_as_coordinator(web)
    a_meeting(web, actions=["attach_document"])
    token = csrf_of(web.get("/governance/meetings/m-1", **HTTPS))
    page = web.post("/governance/meetings/m-1/documents", **HTTPS,
                    content_type="multipart/form-data", data={
                        "csrf_token": token,
                        "file": (io.BytesIO(b"x" * (MAX_DOCUMENT_BYTES + 100_000)), "big.pdf")})
    assert page.status_code == 413
    assert re.search(r'id="f-file-error">.*Al massimo 5 MB\.', page.get_data(as_text=True))
    assert not [call for call in web.services.calls if call[1] == "attach_document"]


def test_a_meeting_speaks_english_when_asked(web):
    log_in_as_coordinator(web)
    a_meeting(web, actions=["answer", "take_attendance", "write_minutes"], my_answer="maybe")
    text = web.get("/governance/meetings/m-1?lang=en", **HTTPS).get_data(as_text=True)
    for words in ("Will you attend?", "You answered: Maybe", "Agenda", "Record the attendance",
                  "Save draft", "Send to the members for comments", "Answer: Yes"):
        assert words in text, words
    assert "Partecipi?" not in text


def test_the_chair_changes_an_actions_day_and_a_refusal_keeps_what_was_typed(web):
    log_in_as_coordinator(web)
    action = {"id": "a-1", "title": "Contattare le scuole", "description": None,
              "meeting_id": "m-1", "decision_id": None, "body": BODY, "due_on": "2027-12-20",
              "status": "open", "overdue": False, "closed_at": None, "close_note": None,
              "created_at": "2027-12-14T18:00:00+00:00", "actions": ["close", "edit"],
              "assignee": {"kind": "person", "id": "u-s", "name": "Assistente sociale"}}
    web.services.answers["get_action"] = action
    page = web.get("/governance/actions/a-1", **HTTPS)
    text = page.get_data(as_text=True)
    assert 'action="/governance/actions/a-1/edit"' in text and 'value="2027-12-20"' in text
    web.services.answers["get_action"] = {**action, "actions": ["close"]}
    assert 'action="/governance/actions/a-1/edit"' not in web.get(
        "/governance/actions/a-1", **HTTPS).get_data(as_text=True)

    web.services.answers["get_action"] = action
    refusing(web, "update_action", Invalid({"due_on": ["A day between 2000 and 2099."]}))
    page = web.post("/governance/actions/a-1/edit", **HTTPS, data={
        "csrf_token": csrf_of(page), "title": "Contattare le scuole", "due_on": "1999-12-20"})
    assert page.status_code == 422
    assert web.services.sent == ("a-1", {"title": "Contattare le scuole", "due_on": "1999-12-20"})
    text = page.get_data(as_text=True)
    assert 'id="f-due_on-error"' in text and 'value="1999-12-20"' in text
