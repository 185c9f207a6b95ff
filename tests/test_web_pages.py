"""The web pages in a real browser (headless chromium), over the whole platform: families
finding a desk and registering for an event, partners handing a family over, staff reading
the report, in Italian and in English. Screenshots of each main page at phone and desktop
width are saved under artifacts/screenshots/."""
import ast
import re
from pathlib import Path

import pytest

from tests.browser import Browser, available
from tests.platform import Client
from tests.test_events_system import confirmation_link

WEB = Path(__file__).resolve().parents[1] / "gateway" / "web"
broker = pytest.mark.broker
needs_chromium = pytest.mark.skipif(not available(), reason=(
    "needs Debian's chromium and chromedriver: apt-get install chromium chromium-driver"))


@pytest.fixture(scope="module")
def people(platform):  # noqa: F811
    """One browser per person, each with its own cookies, logged in as `username` when given;
    closed at the end."""
    import requests

    home = requests.get(platform.url + "/", timeout=10)
    if not home.headers.get("Content-Type", "").startswith("text/html"):
        pytest.fail("the gateway serves no web pages: create_app must register gateway.web.bp")
    opened = {}

    def person(name, username=None):
        if name not in opened:
            opened[name] = Browser(platform.url)
        browser = opened[name]
        if username and browser.user != username:
            if browser.user:
                browser.log_out()
            browser.log_in(username)
        return browser

    yield person
    for browser in opened.values():
        browser.quit()


def create_event(client, **fields):
    body = {"title": "Laboratorio", "starts_at": "2027-05-08T15:00",
            "ends_at": "2027-05-08T18:00", **fields}
    created = client.post("/events", json=body)
    assert created.status_code == 201, created.text
    published = client.post(f"/events/{created.json()['id']}/publish")
    assert published.status_code == 200, published.text
    return published.json()


# --- families ------------------------------------------------------------------------------------

@broker
@needs_chromium
def test_a_family_finds_the_gallaratese_desk_by_age_and_day(people):
    family = people("family").open("/")
    assert family.language == "it"
    assert "Cerchi informazioni su servizi e attività educative per i tuoi figli?" in family.text
    family.screenshot("home")

    family.follow("Servizi")
    family.fill("Età del bambino o della bambina", 3)
    family.check("Un giorno e un'ora").choose("Giorno", "mercoledì").fill("Ora", "15:00")
    family.submit("Cerca")
    # other tests of the session may have added services: the desks are what this is about
    found = [text for text, _ in family.links(".service-card h3 a")]
    assert "Sportello QuBì Gallaratese" in found, family.text
    assert not {"Sportello QuBì Quarto Oggiaro", "Sportello QuBì Villapizzone"} & set(found)
    assert "trovat" in family.text
    family.screenshot("services-search")

    family.follow("Sportello QuBì Gallaratese")
    assert family.heading() == "Sportello QuBì Gallaratese"
    assert "Mercoledì dalle 14:00 alle 17:00" in family.text
    assert ("+39 345 155 2523", "tel:+393451552523") in [
        (text, href) for text, href in family.links("a[href^='tel:']")]
    assert "Municipio 8" in family.text and "Gallaratese" in family.text
    family.screenshot("service")

    # at 10:00 on a Wednesday no desk of Municipio 8 is open (other services of the session may)
    family.open("/services?submitted=1&municipio=8&when=day&weekday=3&time=10:00")
    assert "trovat" in family.text
    assert not [text for text, _ in family.links(".service-card h3 a")
                if text.startswith("Sportello QuBì")]


@broker
@needs_chromium
def test_a_family_registers_for_an_event_and_is_waitlisted_when_it_is_full(
        platform, people):  # noqa: F811
    event = create_event(Client(platform, "partner2"), title="Laboratorio di Carnevale",
                         capacity=2, registration_required=True, municipio=2)
    family = people("family").open("/events?municipio=2")
    assert family.heading() == "Eventi nel Municipio 2"
    feed = family.find("#feed-url").get_attribute("value")
    assert feed.endswith("/api/v1/calendars/municipio/2.ics")
    family.screenshot("events")

    family.follow("Laboratorio di Carnevale")
    assert "2 posti liberi" in family.text
    family.fill("Nome e cognome (o della famiglia)", "Famiglia Bianchi")
    family.fill("Email o telefono", "boh").fill("Adulti", 0).fill("Bambini e ragazzi", 0)
    family.submit("Iscrivimi")
    assert "Scrivi un indirizzo email o un numero di telefono." in family.error_for(
        "Email o telefono")
    assert "Deve venire almeno una persona." in family.error_for("Adulti")
    family.screenshot("event-form-errors", sizes=[(390, 844)])

    family.fill("Email o telefono", "bianchi@example.it").fill("Adulti", 1).fill(
        "Bambini e ragazzi", 1)
    family.submit("Iscrivimi")
    assert family.heading() == "Manca la conferma"
    assert "Ti abbiamo scritto all'indirizzo che hai dato" in family.text
    cancel_link = family.find("#cancel-link").get_attribute("href")
    assert f"/events/{event['id']}/registrations/" in cancel_link and "token=" in cancel_link
    family.screenshot("registration-pending")
    family.driver.get(confirmation_link(platform, "bianchi@example.it"))
    family.submit("Sì, confermo la mia iscrizione")
    assert "Iscrizione confermata: ti aspettiamo." in family.text
    family.screenshot("registration-confirmed")

    family.open(f"/events/{event['id']}")
    assert "Posti esauriti" in family.text
    family.screenshot("event")
    family.fill("Nome e cognome (o della famiglia)", "Famiglia Rossi")
    family.fill("Email o telefono", "3331234567").fill("Adulti", 1).fill("Bambini e ragazzi", 1)
    family.submit("Iscrivimi")
    assert family.heading() == "Manca la conferma"
    assert "Ti abbiamo mandato un SMS al numero che hai dato" in family.text
    assert "una volta confermata, l'iscrizione va in lista d'attesa" in family.text
    assert family.has("#cancel-link")
    family.screenshot("registration-waitlisted")
    organiser = Client(platform, "partner2")
    by_phone = next(r for r in organiser.get(f"/events/{event['id']}/registrations").json()[
        "items"] if r["status"] == "pending")
    assert organiser.post(f"/events/{event['id']}/registrations/{by_phone['id']}/confirm",
                          json={}).json()["status"] == "waitlisted"

    # the first family cannot come after all: its place goes to the waiting list
    family.driver.get(cancel_link)
    family.submit("Sì, annulla la mia iscrizione")
    assert "Iscrizione annullata" in family.text
    registrations = Client(platform, "partner2").get(
        f"/events/{event['id']}/registrations").json()["items"]
    assert sorted(r["status"] for r in registrations) == ["cancelled", "confirmed"]


@broker
@needs_chromium
def test_a_neighbour_pledges_school_supplies_to_an_open_drive(people):
    neighbour = people("family").open("/drives")
    assert neighbour.heading() == "Raccolte solidali"
    neighbour.screenshot("drives")
    neighbour.follow("Zaino sospeso")
    assert "Via S. Uguzzone 8" in neighbour.text
    assert "sabato dalle 10:00 alle 12:30" in neighbour.text
    neighbour.choose("Che cosa porti", "Calcolatrice — ne mancano 15")
    neighbour.fill("Quanti", 2).fill("Il tuo nome (facoltativo)", "Lucia")
    neighbour.submit("Prometto di portarlo")
    assert "Grazie! Il tuo impegno è registrato" in neighbour.text
    assert "Calcolatrice — ne mancano 13" in neighbour.text
    neighbour.screenshot("drive")


# --- partners ------------------------------------------------------------------------------------

@broker
@needs_chromium
def test_a_referral_with_consent_reaches_the_receiver_who_sees_the_name_only_after_accepting(
        people):
    sender = people("sender").open("/login")
    sender.screenshot("login")
    sender.log_in("partner8a")
    assert sender.heading() == "Invii ricevuti"
    sender.follow("Nuovo invio")
    sender.choose("Ente che riceve", "Spazio Famiglie Gallaratese (demo)")
    sender.check("Educativo").choose("Urgenza", "Alta")
    sender.fill("Cosa deve sapere chi riceve",
                "Bambina di 3 anni: serve uno spazio 0-6 vicino a casa.")
    sender.fill("Codice interno della famiglia", "FAM-WEB-1")
    sender.fill("Nome del genitore o di chi ne fa le veci", "Giulia Verdi")
    sender.fill("Telefono", "3330001112").fill("Quartiere", "Gallaratese")
    sender.fill("Età dei bambini", "3, 7")
    sender.submit("Continua: vedi l'anteprima")  # without the consent
    assert sender.error_for(
        "Il genitore (o chi ne fa le veci) ha dato il consenso a questo invio.") == (
        "Errore: Serve il consenso del genitore: senza, l'invio non si può fare.")
    assert "Controlla questi campi" in sender.text
    sender.screenshot("referral-new-errors")

    sender.check("Il genitore (o chi ne fa le veci) ha dato il consenso a questo invio.")
    sender.fill("Chi ha dato il consenso", "Giulia Verdi")
    sender.submit("Continua: vedi l'anteprima")
    assert sender.heading() == "Anteprima dell'invio"
    preview = sender.find("#receiver-preview").text
    assert "Educativo" in preview and "3 anni, 7 anni" in preview and "Gallaratese" in preview
    assert "Alta" in preview and "Giulia" not in preview and "FAM-WEB-1" not in preview
    sender.screenshot("referral-preview")
    sender.submit("Invia")
    assert "Invio spedito" in sender.text
    code = sender.heading().removeprefix("Invio ").strip()
    assert re.fullmatch(r"\S+", code)
    assert "Giulia Verdi" in sender.text  # the sender sees what it sent

    receiver = people("receiver", "partner8b")
    assert receiver.heading() == "Invii ricevuti"
    receiver.wait_for(lambda: receiver.open("/referrals?box=inbox") and code in receiver.text,
                      "the referral in the inbox")
    assert "Giulia" not in receiver.text and "Verdi" not in receiver.text
    receiver.wait_for(lambda: receiver.open("/referrals?box=inbox").has("#unread-badge"),
                      "the unread badge")
    receiver.screenshot("referrals-inbox")
    receiver.follow(code)
    assert "Giulia" not in receiver.text and "333 000 1112" not in receiver.text
    assert "Bambina di 3 anni" in receiver.text and "Gallaratese" in receiver.text
    assert "saranno visibili dopo che avrai accettato" in receiver.text
    receiver.screenshot("referral-before-accepting")
    receiver.submit("Accetta l'invio")
    assert receiver.find("#guardian-name").text == "Giulia Verdi"
    assert "+39 333 000 1112" in receiver.text  # as the platform keeps numbers
    receiver.fill("Scrivi una nota", "Contattata la famiglia: primo incontro lunedì.")
    receiver.submit("Aggiungi la nota")
    assert "primo incontro lunedì" in receiver.text
    receiver.screenshot("referral-accepted")

    receiver.follow("Notifiche")
    assert code in receiver.text
    receiver.screenshot("notifications")


@broker
@needs_chromium
def test_a_partner_edits_a_service_and_creates_and_publishes_an_event(people):
    partner = people("sender", "partner8a")
    partner.follow("La mia organizzazione")
    assert "Sportello QuBì Gallaratese" in partner.text
    partner.screenshot("my-organization")
    partner.follow("Sportello QuBì Gallaratese").follow("Modifica questo servizio")
    assert partner.heading() == "Modifica il servizio"
    partner.set("#f-schedules-1-weekday", "5")  # a second slot: Friday, closing before opening
    partner.set("#f-schedules-1-opens_at", "16:00").set("#f-schedules-1-closes_at", "15:00")
    partner.submit("Salva le modifiche")
    assert "L'orario di chiusura viene dopo quello di apertura." in partner.find(
        "#f-schedules-1-closes_at-error").text
    partner.screenshot("service-edit-errors")
    partner.set("#f-schedules-1-closes_at", "18:00")
    partner.submit("Salva le modifiche")
    assert "Modifiche salvate." in partner.text
    assert "Venerdì dalle 16:00 alle 18:00" in partner.text

    partner.open("/events/new")
    partner.fill("Titolo", "Merenda in cortile").fill("Inizio", "2027-06-05T16:00")
    partner.fill("Fine", "2027-06-05T18:00").fill("Quartiere", "Gallaratese")
    partner.fill("Posti (adulti e bambini)", 30)
    partner.screenshot("event-new")
    partner.submit("Crea la bozza")
    assert partner.heading() == "Merenda in cortile" and "Bozza" in partner.text
    partner.submit("Pubblica")
    assert "Evento pubblicato" in partner.text
    partner.open("/events?municipio=8")
    assert "Merenda in cortile" in partner.text


# --- social workers, coordinators, the city ---------------------------------------------------

@broker
@needs_chromium
def test_staff_see_the_municipio_referrals_network_and_report(people):
    staff = people("staff", "asc8").open("/referrals")
    assert staff.heading() == "Invii del municipio"
    assert "Giulia" not in staff.text  # lists never carry personal data
    staff.screenshot("referrals-municipio")
    staff.open("/referrals?status=sent")  # the filter chosen stays chosen
    assert staff.heading() == "Invii del municipio"
    assert staff.driver.find_element("id", "status-filter").get_attribute("value") == "sent"
    staff.follow("Rete")
    assert staff.heading() == "La rete del Municipio 8"
    assert "Spazio Famiglie Gallaratese (demo)" in staff.text
    staff.screenshot("network")

    staff = people("staff", "coord8").open("/reports")
    assert staff.heading() == "Report del Municipio 8"
    assert "Invii per stato" in staff.text and "Giorni mediani all'accettazione" in staff.text
    assert "Fondo disponibile" in staff.text
    assert "Periodo: dall'inizio a oggi" in staff.text
    files = {text: href for text, href in staff.links() if "CSV" in text}
    assert files["Scarica CSV per Excel in italiano"].endswith(
        "/reports/overview.csv?sheet=it&municipio=8")
    assert files["Scarica CSV in inglese"].endswith("/reports/overview.csv?sheet=en&municipio=8")
    staff.screenshot("report-municipio")
    staff.viewport(390, 844)  # a coordinator's phone at the coordination's table
    staff.fill("Dal", "2026-12-31").fill("Al", "2026-01-01").submit("Mostra il periodo")
    assert "La fine viene dopo l'inizio." in staff.error_for("Al")
    staff.fill("Dal", "2026-01-01").fill("Al", "2026-12-31").submit("Mostra il periodo")
    assert "Periodo: dal 1 gen 2026 al 31 dic 2026" in staff.text
    assert staff.driver.execute_script("return document.documentElement.scrollWidth") <= 390
    files = {text: href for text, href in staff.links() if "CSV" in text}
    assert files["Scarica CSV in inglese"].endswith(
        "/reports/overview.csv?sheet=en&municipio=8&from=2026-01-01&to=2026-12-31")
    staff.screenshot("report-period", sizes=[(390, 844)])

    staff = people("staff", "citta").open("/reports")
    assert staff.heading() == "Report: tutti i municipi"
    assert len(staff.driver.find_elements("css selector", "table.compare tbody tr")) == 9
    staff.screenshot("report-city")


@broker
@needs_chromium
def test_the_api_docs_open_in_the_browser_with_their_operations(people):
    reader = people("integrator").open("/api/v1/docs")

    def paths():
        return {element.get_attribute("data-path") for element in reader.driver.find_elements(
            "css selector", ".opblock-summary-path")}

    reader.wait_for(lambda: reader.has("#operations-tag-webhooks"), "every tag, folded")
    assert "Rete QuBì" in reader.text
    for tag in ("networks", "referrals"):
        reader.driver.find_element("css selector", f"#operations-tag-{tag}").click()
    reader.wait_for(lambda: {"/api/v1/networks", "/api/v1/referrals/{referral_id}/accept"}
                    <= paths(), "the operations of the tags opened")
    reader.screenshot("api-docs")


@broker
@needs_chromium
def test_every_main_page_speaks_italian_and_english(platform, people):  # noqa: F811
    create_event(Client(platform, "partner2"), title="Merenda di primavera", capacity=20,
                 registration_required=True, municipio=2)
    visitor = people("family").open("/")
    visitor.follow("English")
    assert visitor.language == "en"
    pages = [
        ("/", "Looking for information about services and educational activities for your "
              "children?", "Cerchi informazioni su servizi e attività educative per i tuoi figli?"),
        ("/services?submitted=1&age=3", "services found", "servizi trovati"),
        ("/events?municipio=2", "Events in Municipio 2", "Eventi nel Municipio 2"),
        ("/drives", "Donation drives", "Raccolte solidali"),
        ("/login", "Log in", "Accedi"),
    ]
    for path, english, _italian in pages:
        visitor.open(path)
        assert visitor.language == "en" and english in visitor.text, path
    visitor.open("/").screenshot("home-english", sizes=[(390, 844)])
    visitor.open("/events?municipio=2").follow("Merenda di primavera")
    visitor.fill("Name and surname (or the family's)", "Family").fill("Email or phone", "nope")
    visitor.submit("Register me")
    assert "Give an email address or a phone number." in visitor.error_for("Email or phone")
    visitor.follow("Italiano")
    assert visitor.language == "it"
    for path, _english, italian in pages:
        visitor.open(path)
        assert visitor.language == "it" and italian in visitor.text, path

    staff = people("staff", "citta").open("/reports?lang=en")
    assert staff.heading() == "Report: all municipi" and "Referrals" in staff.text
    assert "Period: from the start until today" in staff.text
    assert "Download CSV in English" in [text for text, _href in staff.links()]
    staff.open("/network?municipio=8")
    assert staff.heading() == "The network of Municipio 8"
    staff.open("/reports?lang=it")
    assert staff.heading() == "Report: tutti i municipi"

    partner = people("sender", "partner8a")
    for path, english in [("/referrals?box=outbox&lang=en", "Referrals sent"),
                          ("/referrals/new", "New referral"), ("/notifications", "Notifications"),
                          ("/my/organization", "Your services"), ("/events/new", "New event")]:
        partner.open(path)
        assert partner.language == "en" and english in partner.text, path
    partner.open("/referrals/new?lang=it")
    assert partner.heading() == "Nuovo invio"
    partner.screenshot("referral-new")


# --- without a browser ----------------------------------------------------------------------------

def interface_strings() -> set:
    """Every Italian string the interface passes to _() or ngettext()."""
    found = set()
    call = re.compile(r"""(?<![\w.])_\(\s*(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)')""")
    plural = re.compile(r"""ngettext\(\s*"((?:[^"\\]|\\.)*)"\s*,\s*"((?:[^"\\]|\\.)*)\"""")
    for template in (WEB / "templates").rglob("*.html"):
        text = template.read_text()
        found.update(a or b for a, b in call.findall(text))
        found.update(s for pair in plural.findall(text) for s in pair)
    for module in WEB.glob("*.py"):
        for node in ast.walk(ast.parse(module.read_text())):
            if isinstance(node, ast.Call):
                name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
                count = {"_": 1, "gettext": 1, "ngettext": 2}.get(name, 0)
                found.update(arg.value for arg in node.args[:count]
                             if isinstance(arg, ast.Constant) and isinstance(arg.value, str))
    from gateway.web import DONE
    return found | set(DONE.values())


def test_every_string_of_the_interface_has_its_english():
    from gateway.web.catalogues import catalog

    english = {message.id: message.string for message in catalog("en") if message.id}
    strings = interface_strings()
    assert len(strings) > 300
    assert sorted(strings - set(english)) == []
    assert sorted(set(english) - strings) == []  # no translation left over from a removed string
    assert [msgid for msgid, words in english.items() if not words] == []


class FakeServices:
    """Stands in for the services behind the gateway: answers a few RPCs, records each call."""

    def __init__(self):
        self.calls = []
        self.amqp_uri = "amqp://guest:guest@127.0.0.1:1/"
        self.down = set()  # services that do not answer
        self.referral_actions = []  # what the referrals service lets the caller do
        self.service_actions = []  # what the directory lets the caller do with a service
        self.answers = {}  # method -> its answer, before the defaults below

    def call(self, service, method, *args, context_data=None, **kwargs):
        import json
        import time

        from services.common.errors import NotAuthenticated

        from services.common.errors import Unavailable

        caller = json.loads((context_data or {}).get("caller", "{}"))
        self.calls.append((service, method, args, caller))
        if service in self.down:
            raise Unavailable(f"The {service} service is not answering right now.")
        if method in self.answers:
            return self.answers[method]
        if method == "ended_sessions":
            return {"as_of": time.time(), "items": []}
        if method == "authenticate":
            if args[0]["password"] != "qubi-demo":
                raise NotAuthenticated("Wrong username or password.")
            return {"user_id": "u-p", "username": args[0]["username"], "organization_id": "o-1",
                    "roles": ["partner"], "municipi": [8], "tier": "organization",
                    "language": "it", "session_id": "s-1", "refresh_token": "r-1",
                    "refresh_expires_in": 3600, "access_expires_in": 900}
        if method == "list_referrals":
            return {"items": [], "page": 1, "per_page": 25, "total": 0}
        if method == "list_notifications":
            return {"items": [], "page": 1, "per_page": 1, "total": 0, "unread": 0}
        if method in ("list_events", "list_drives", "list_invitations", "list_actions",
                      "list_decisions"):
            return {"items": [], "page": 1, "per_page": 3, "total": 0}
        if method == "list_networks":
            return {"items": [], "page": 1, "per_page": 0, "total": 0}
        if method == "get_organization":
            return {"id": args[0], "name": f"Ente {args[0]}", "municipi": [8], "actions": []}
        if method == "get_service":
            return {"id": args[0], "name": "Doposcuola", "organization_id": "o-2",
                    "location": {"municipio": 8}, "schedules": [], "phones": [],
                    "actions": list(self.service_actions)}
        if method == "get_referral":
            return {**RECEIVED_REFERRAL, "actions": list(self.referral_actions)}
        if method == "audit_trail":
            return {"items": [{"user_id": "u-p", "display_name": "Paola", "role": "receiver",
                               "action": "read_personal_data", "organization_name": "Ente o-1",
                               "at": "2026-11-25T10:00:00+01:00"}]}
        raise AssertionError(f"unexpected call {service}.{method}")


RECEIVED_REFERRAL = {  # sent to the organisation of the partner logged in, waiting for an answer
    "id": "r-1", "code": "R-2026-0001", "status": "sent", "urgency": "normal",
    "from_organization_id": "o-2", "from_user_id": "u-2", "to_organization_id": "o-1",
    "to_service_id": None, "municipio": 8, "to_municipi": [8],
    "sent_at": "2026-11-25T10:00:00+01:00", "deadline_at": "2026-12-02T10:00:00+01:00",
    "overdue": False, "accepted_at": None, "declined_at": None, "decline_reason": None,
    "completed_at": None, "outcome": None, "withdrawn_at": None, "view": "before_acceptance",
    "needs": ["educational"], "summary": "Serve uno spazio 0-6.", "notes": [],
    "notes_withheld": "not_accepted",
    "family": {"municipio": 8, "zone": "Gallaratese", "children": [{"age": 3}]}}


@pytest.fixture
def web():
    from gateway.app import create_app
    from gateway.web import bp
    from services.common.config import load_settings

    services = FakeServices()
    settings = load_settings({"QUBI_ENV": "test",
                              "QUBI_SECRET_KEY": "a-test-secret-that-is-long-enough-for-hs256",
                              "AMQP_URI": services.amqp_uri})
    app = create_app(settings, services)
    if "web" not in app.blueprints:  # until the app factory registers the pages itself
        app.register_blueprint(bp)
    client = app.test_client()
    client.services = services
    return client


def csrf_of(page) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True)).group(1)


def test_forms_need_the_csrf_token_of_the_session_and_the_session_cookie_is_guarded(web):
    https = {"base_url": "https://localhost"}
    token = csrf_of(web.get("/login", **https))
    body = {"username": "partner8a", "password": "qubi-demo"}
    refused = web.post("/login", data=body, **https)
    assert refused.status_code == 400 and "Il modulo è scaduto" in refused.get_data(as_text=True)
    assert [c for c in web.services.calls if c[1] == "authenticate"] == []

    other = web.application.test_client()
    other.get("/login", **https)  # another visitor: another nonce
    assert other.post("/login", data={**body, "csrf_token": token}, **https).status_code == 400

    answer = web.post("/login", data={**body, "csrf_token": token, "next": "//evil.example/"},
                      **https)
    assert answer.status_code == 303 and answer.headers["Location"] == "/referrals?box=inbox"
    cookies = {c.split("=", 1)[0]: c for c in answer.headers.getlist("Set-Cookie")}
    for name in ("qubi_access", "qubi_refresh", "qubi_csrf"):
        assert "Secure" in cookies[name] and "HttpOnly" in cookies[name], cookies[name]
        assert "SameSite=Lax" in cookies[name]

    assert web.get("/referrals?box=inbox", **https).status_code == 200
    caller = [c for s, method, a, c in web.services.calls if method == "list_referrals"][-1]
    assert (caller["username"], caller["organization_id"]) == ("partner8a", "o-1")
    # the token of the anonymous form no longer works once logged in: it was bound to that
    assert web.post("/logout", data={"csrf_token": token}, **https).status_code == 400


def test_a_wrong_password_is_said_in_the_form_in_the_page_language(web):
    https = {"base_url": "https://localhost"}
    for lang, said in (("it", "Nome utente, password o codice non corretti"),
                       ("en", "Wrong username, password or code")):
        token = csrf_of(web.get(f"/login?lang={lang}", **https))
        answer = web.post("/login", data={"username": "asc8", "password": "nope",
                                          "csrf_token": token}, **https)
        page = answer.get_data(as_text=True)
        assert answer.status_code == 401 and said in page and f'<html lang="{lang}">' in page


def test_while_the_directory_cannot_check_a_session_public_pages_still_open(web):
    from gateway.auth import issue_token

    web.services.down.add("directory")
    token = issue_token({"user_id": "u-p", "username": "partner8a", "roles": ["partner"],
                         "municipi": [8], "organization_id": "o-1", "session_id": "s-1"},
                        "a-test-secret-that-is-long-enough-for-hs256", 60)["access_token"]
    web.set_cookie("qubi_access", token, domain="localhost")
    home = web.get("/", base_url="https://localhost")
    assert home.status_code == 200 and "Cerchi informazioni" in home.get_data(as_text=True)
    assert "qubi_access=;" not in " ".join(home.headers.getlist("Set-Cookie"))  # kept
    inbox = web.get("/referrals", base_url="https://localhost")
    assert inbox.status_code == 503 and inbox.headers["Retry-After"]


def test_pages_for_members_send_anonymous_visitors_to_the_login_form(web):
    answer = web.get("/referrals?status=sent", base_url="https://localhost")
    assert answer.status_code == 302
    assert answer.headers["Location"] == "/login?next=/referrals?status%3Dsent"


def test_the_services_errors_land_next_to_the_inputs_they_name():
    from flask import Flask, g

    from gateway.web.forms import Form, nest, place_errors
    from gateway.web.i18n import reasons_said
    from services.common import checks
    from services.common.errors import Invalid

    body, moved = nest([("name", "Doposcuola"), ("schedules.0.weekday", None),
                        ("schedules.0.opens_at", None), ("schedules.1.weekday", 3),
                        ("schedules.1.opens_at", "25:00"), ("location.zone", "QT8")])
    assert body == {"name": "Doposcuola", "schedules": [{"weekday": 3, "opens_at": "25:00"}],
                    "location": {"zone": "QT8"}}
    invalid = Invalid({"schedules.0.opens_at": [checks.reason("hour_form", "Use HH:MM, 24-hour.")],
                       "family.children.1.age": [checks.reason("child_age", "A child's age is 0 "
                                                                            "to 17.")],
                       "consent": ["Missing data for required field."],
                       "zzz": ["Something new."]})
    aliases = {"consent": "consent_given", "family.children.*": "children_ages"}
    with Flask(__name__).test_request_context():
        g.lang = "it"
        placed = place_errors(reasons_said(invalid), moved, aliases)
        assert set(placed) == {"schedules.1.opens_at", "children_ages", "consent_given", "zzz"}
        form = Form({}, placed)
        assert form.error("schedules.1.opens_at") == [
            "Usa il formato OO:MM, 24 ore (per esempio 14:30)."]
        assert form.error("consent_given") == ["Questo campo è obbligatorio."]
        assert form.error("zzz") == ["Something new."]  # no code: shown as the service said
        g.lang = "en"
        placed = place_errors(reasons_said(invalid), moved, aliases)
        assert Form({}, placed).error("children_ages") == ["A child's age is 0 to 17."]


def log_in_as_partner(web):
    from gateway.auth import issue_token

    token = issue_token({"user_id": "u-p", "username": "partner8a", "roles": ["partner"],
                         "municipi": [8], "organization_id": "o-1", "session_id": "s-1"},
                        "a-test-secret-that-is-long-enough-for-hs256", 60)["access_token"]
    web.set_cookie("qubi_access", token, domain="localhost")


def test_a_referral_page_draws_the_forms_of_the_actions_the_service_gives_and_no_other(web):
    log_in_as_partner(web)
    forms = {"accept": "/referrals/r-1/accept", "decline": "/referrals/r-1/decline",
             "complete": "/referrals/r-1/complete", "withdraw": "/referrals/r-1/withdraw",
             "withdraw_consent": "/referrals/r-1/consent/withdraw",
             "add_note": "/referrals/r-1/notes"}
    for actions in ([], ["accept", "decline", "add_note"], ["complete"],
                    ["withdraw", "withdraw_consent", "add_note", "audit"]):
        web.services.referral_actions = actions
        web.services.calls.clear()
        page = web.get("/referrals/r-1", base_url="https://localhost")
        assert page.status_code == 200
        text = page.get_data(as_text=True)
        drawn = {action for action, path in forms.items() if f'action="{path}"' in text}
        assert drawn == set(actions) - {"audit"}, actions
        audited = [c for c in web.services.calls if c[1] == "audit_trail"]
        assert bool(audited) == ("audit" in actions) == ("Registro degli accessi" in text)


def test_a_referral_page_says_why_the_receiver_reads_no_notes_yet(web):
    log_in_as_partner(web)
    notes = web.get("/referrals/r-1", base_url="https://localhost").get_data(as_text=True)
    notes = notes[notes.index('id="notes"'):]
    assert ("Le note, che possono nominare la famiglia, saranno visibili dopo che avrai "
            "accettato l&#39;invio.") in notes and "Nessuna nota." not in notes


def test_a_service_page_offers_editing_when_the_directory_says_so(web):
    for actions, offered in (([], False), (["edit", "withdraw"], True)):
        web.services.service_actions = actions
        page = web.get("/services/s-1", base_url="https://localhost").get_data(as_text=True)
        assert ("Modifica questo servizio" in page) == offered
    log_in_as_partner(web)
    web.services.service_actions = []
    assert web.get("/services/s-1/edit", base_url="https://localhost").status_code == 403
    web.services.service_actions = ["edit", "withdraw"]
    assert web.get("/services/s-1/edit", base_url="https://localhost").status_code == 200


NOTHING = {"items": [], "page": 1, "per_page": 20, "total": 0}
DRIVE = {"id": "d-1", "title": "Zaino sospeso", "description": None, "municipio": 8,
         "organizer_ids": ["o-1"], "collect_from": "2027-08-24", "collect_to": "2027-09-15",
         "status": "open", "drop_off_points": [], "actions": [],
         "items": [{"id": "i-1", "name": "Quaderni", "unit": "pezzi", "quantity_needed": 20,
                    "pledged": 20, "delivered": 0, "fulfilled": False}],
         "progress": {"quantity_needed": 20, "pledged": 20, "delivered": 0, "items": 1,
                      "items_fulfilled": 0}}


def test_drive_lists_say_how_many_items_a_drive_has_not_a_python_method(web):
    web.services.answers["list_drives"] = {"items": [DRIVE], "page": 1, "per_page": 20,
                                           "total": 1}
    web.services.answers["search_services"] = NOTHING
    log_in_as_partner(web)
    for path in ("/drives", "/my/organization"):
        page = web.get(path, base_url="https://localhost").get_data(as_text=True)
        assert "0 articoli completi su 1" in page and "built-in method" not in page, path


def test_a_drive_page_shows_its_organisers_the_pledges_with_the_cancel_the_service_allows(web):
    pledges = [{"id": "p-1", "item_id": "i-1", "quantity": 15, "donor_name": "Lucia",
                "status": "pledged", "created_at": "2026-11-25T10:00:00+01:00",
                "cancelled_at": None, "actions": ["cancel"]},
               {"id": "p-2", "item_id": "i-1", "quantity": 5, "donor_name": None,
                "status": "cancelled", "created_at": "2026-11-24T10:00:00+01:00",
                "cancelled_at": "2026-11-25T11:00:00+01:00", "actions": []}]
    web.services.answers["list_pledges"] = {"items": pledges, "page": 1, "per_page": 200,
                                            "total": 2}
    web.services.answers["get_drive"] = DRIVE
    page = web.get("/drives/d-1", base_url="https://localhost").get_data(as_text=True)
    assert "Promesse ricevute" not in page  # a visitor: no `list_pledges`
    assert "list_pledges" not in [call[1] for call in web.services.calls]
    web.services.answers["get_drive"] = {**DRIVE, "actions": ["record_delivery", "list_pledges"]}
    page = web.get("/drives/d-1", base_url="https://localhost").get_data(as_text=True)
    assert "Promesse ricevute" in page and "Lucia" in page and "senza nome" in page
    assert page.count('action="/drives/d-1/pledges/') == 1
    assert 'action="/drives/d-1/pledges/p-1/cancel"' in page


def test_my_organization_offers_the_invitations_answers_the_service_gives(web):
    invitation = {"id": "e-1", "title": "Festa di quartiere", "status": "draft", "municipio": 8,
                  "starts_at": "2026-12-20T15:00:00+01:00",
                  "ends_at": "2026-12-20T18:00:00+01:00",
                  "actions": ["accept_invitation", "decline_invitation"]}
    web.services.answers["list_invitations"] = {"items": [invitation], "page": 1,
                                                "per_page": 50, "total": 1}
    web.services.answers["search_services"] = NOTHING
    log_in_as_partner(web)
    page = web.get("/my/organization", base_url="https://localhost").get_data(as_text=True)
    assert "Inviti a organizzare eventi" in page and "Festa di quartiere" in page
    assert 'action="/events/e-1/invitation/accept"' in page
    assert 'action="/events/e-1/invitation/decline"' in page
    web.services.answers["list_invitations"]["items"] = [{**invitation, "actions": []}]
    page = web.get("/my/organization", base_url="https://localhost").get_data(as_text=True)
    assert "/invitation/" not in page


def test_the_home_page_lists_upcoming_events_that_are_not_cancelled(web):
    web.get("/", base_url="https://localhost")
    [query] = [call[2][0] for call in web.services.calls if call[1] == "list_events"]
    assert query["status"] == "published"


def test_an_event_page_shows_its_managers_the_registration_counts_and_the_buttons_given(web):
    event = {"id": "e-1", "title": "Festa", "status": "published", "municipio": 8,
             "starts_at": "2026-12-20T15:00:00+01:00", "ends_at": "2026-12-20T18:00:00+01:00",
             "location": {"municipio": 8}, "organizer_ids": [], "capacity": 10, "places_left": 7,
             "registrations": {"confirmed_people": 3, "pending_people": 2,
                               "waitlisted_people": 0, "households": 3},
             "actions": ["edit", "cancel"]}
    web.services.answers["get_event"] = event
    page = web.get("/events/e-1", base_url="https://localhost").get_data(as_text=True)
    assert "3 iscrizioni · 3 persone confermate · 2 da confermare" in page
    assert 'action="/events/e-1/cancel"' in page
    web.services.answers["get_event"] = {**event, "registrations": None, "actions": []}
    page = web.get("/events/e-1", base_url="https://localhost").get_data(as_text=True)
    assert "iscrizioni" not in page and 'action="/events/e-1/cancel"' not in page
