"""The community fund's pages in a real browser, over the whole platform: a partner asks, the
coordination (and above the threshold the city) decides, the coordination pays, and the
budget's ledger shows it all. Each test opens its own budget, for a project year no other test
uses, and finds its requests by their codes. Screenshots under artifacts/screenshots/."""
import uuid

import pytest
import requests
from selenium.webdriver.support.ui import Select

from gateway.auth import issue_token
from tests.platform import Client
from tests.test_funds_system import ask, open_budget
from tests.test_web_pages import broker, needs_chromium, people  # noqa: F401  (the fixture)


def said(element) -> str:
    return " ".join(element.text.split())


def request_id_of(browser) -> str:
    return browser.path.split("?")[0].split("#")[0].rsplit("/", 1)[-1]


# --- without the platform ------------------------------------------------------------------

def test_amounts_and_the_funds_refusals_are_said_in_the_page_language():
    from flask import Flask, g

    from gateway.web.funds import euro, refusal
    from services.common.errors import Conflict

    overdraw = Conflict("The fund has 300.00 € available: this request would overdraw it.",
                        "fund_short", {"amount": "300.00"})
    withdrawn = Conflict("A request that is approved cannot be withdrawn.",
                         "request_not_withdrawable", {"status": "approved"})
    with Flask(__name__).test_request_context():
        g.lang = "it"
        assert euro("1234.50") == "1.234,50\u00a0€" and euro("-7.05") == "-7,05\u00a0€"
        assert refusal(overdraw) == (
            "Il fondo ha 300,00\u00a0€ disponibili: questa richiesta li supera.")
        assert refusal(withdrawn) == "Una richiesta approvata non si può ritirare."
        g.lang = "en"
        assert euro("1234.50") == "€1,234.50" and euro("0.00") == "€0.00"
        assert refusal(overdraw) == ("The fund has €300.00 available: this request would "
                                     "overdraw it.")


FUND_REQUEST = {
    "id": "f-1", "code": "F-2026-0001", "budget_id": "b-1", "municipio": 8,
    "period": "2025-2026", "kind": "collective", "action": "Campo estivo", "purpose": "Campo",
    "category": "educational", "amount": "800.00", "supplier": None, "status": "submitted",
    "approval_path": ["municipal", "city"], "requested_by_user_id": "u-2",
    "requested_by_role": "partner", "organization_id": "o-2", "committed": "0.00",
    "paid": "0.00", "released": "0.00", "submitted_at": "2026-11-25T10:00:00+01:00",
    "decided_at": None, "closed_at": None, "decisions": [], "payments": []}
BUDGET = {"id": "b-1", "municipio": 8, "period": "2025-2026", "approval_threshold": "500.00",
          "funded": "1000.00", "committed": "0.00", "spent": "0.00", "available": "1000.00",
          "by_source": {"city": "1000.00", "foundation": "0.00", "donation": "0.00",
                        "other": "0.00"}, "created_at": "2026-11-01T10:00:00+01:00"}


@pytest.fixture
def pages():
    """The web pages over a fund service that answers with the actions a test gives it."""
    from gateway.app import create_app
    from gateway.web import bp
    from services.common.config import load_settings
    from tests.test_web_pages import FakeServices, log_in_as_partner

    class FakeFunds(FakeServices):
        actions, top_up_sources, governance_decisions = [], [], []

        def call(self, service, method, *args, **kwargs):
            if service != "funds":
                return super().call(service, method, *args, **kwargs)
            self.calls.append((service, method, args, {}))
            if method == "get_request":
                return {**FUND_REQUEST, "actions": list(self.actions),
                        "governance_decisions": list(self.governance_decisions)}
            budget = {**BUDGET, "actions": list(self.actions),
                      "top_up_sources": list(self.top_up_sources)}
            if method == "get_budget":
                return budget
            if method == "list_budgets":
                return {"items": [budget], "page": 1, "per_page": 100, "total": 1}
            if method == "list_requests":
                return {"items": [], "page": 1, "per_page": 20, "total": 0}
            if method == "get_ledger":
                return {"items": [], "page": 1, "per_page": 25, "total": 0, "totals": {
                    "funded": "1000.00", "committed": "0.00", "spent": "0.00",
                    "available": "1000.00", "entries": 1}}
            raise AssertionError(f"unexpected call funds.{method}")

    services = FakeFunds()
    app = create_app(load_settings({
        "QUBI_ENV": "test", "QUBI_SECRET_KEY": "a-test-secret-that-is-long-enough-for-hs256",
        "AMQP_URI": services.amqp_uri}), services)
    if "web" not in app.blueprints:
        app.register_blueprint(bp)
    client = app.test_client()
    client.services = services
    log_in_as_partner(client)
    return client


def page_of(pages, path) -> str:
    answer = pages.get(path, base_url="https://localhost")
    assert answer.status_code == 200, answer.status_code
    return answer.get_data(as_text=True)


def test_a_request_page_draws_the_forms_of_the_actions_the_funds_service_gives(pages):
    forms = {"approve": 'class="button">Approva</button>',
             "reject": "/funds/requests/f-1/reject", "withdraw": "/funds/requests/f-1/withdraw",
             "cancel": "/funds/requests/f-1/cancel",
             "record_payment": "/funds/requests/f-1/payments"}
    for actions in ([], ["approve", "reject"], ["withdraw"], ["cancel", "record_payment"]):
        pages.services.actions = actions
        text = page_of(pages, "/funds/requests/f-1")
        assert {action for action, form in forms.items() if form in text} == set(actions)


def test_a_request_page_links_the_governance_decisions_that_authorise_it(pages):
    assert "governance-decisions" not in page_of(pages, "/funds/requests/f-1")
    pages.services.governance_decisions = [
        {"id": "d-1", "title": "Campo estivo 2026", "body_name": "Coordinamento Municipio 8",
         "decided_on": "2026-11-20"}]
    text = page_of(pages, "/funds/requests/f-1")
    assert "Deliberato da" in text
    assert ('<a href="/governance/decisions/d-1">Campo estivo 2026</a> <span class="meta">'
            '(Coordinamento Municipio 8, 20 nov 2026)</span>') in text
    english = page_of(pages, "/funds/requests/f-1?lang=en")
    assert "Authorised by" in english and "(Coordinamento Municipio 8, Nov 20, 2026)" in english


def test_a_budget_page_offers_asking_topping_up_and_the_ledger_as_the_service_says(pages):
    for actions, sources in (([], []), (["request"], []),
                             (["top_up", "ledger"], ["foundation", "donation"])):
        pages.services.actions, pages.services.top_up_sources = actions, sources
        pages.services.calls.clear()
        text = page_of(pages, "/funds/budgets/b-1")
        assert ("/funds/requests/new?budget_id=b-1" in text) == ("request" in actions)
        assert ("/funds/budgets/b-1/top-ups" in text) == ("top_up" in actions)
        assert ('value="foundation"' in text, 'value="city"' in text) == (bool(sources), False)
        read_ledger = [c for c in pages.services.calls if c[1] == "get_ledger"]
        assert bool(read_ledger) == ("ledger" in actions) == ('id="ledger"' in text)
        assert ("Nuova richiesta" in page_of(pages, "/funds")) == ("request" in actions)
    pages.services.actions = []
    refused = pages.get("/funds/requests/new", base_url="https://localhost")
    assert refused.status_code == 403  # funds it sees, none it may ask from


# --- in the browser ------------------------------------------------------------------------

@broker
@needs_chromium
def test_a_childs_sport_fee_goes_from_the_partners_form_to_the_payment_in_the_ledger(
        platform, people):  # noqa: F811
    budget = open_budget(platform, "2090-2091", "1000.00")
    partner = people("partner", "partner8a")
    partner.follow("Fondo di comunità")
    assert partner.heading() == "Fondo di comunità"
    partner.follow("Nuova richiesta")
    partner.choose("Fondo", "Municipio 8 · 2090-2091 (disponibili 1.000,00 €)")
    partner.check("Il costo di un bambino o di una bambina")
    partner.fill("Codice dell'invio", "R-2026-0042")
    partner.fill("A che cosa serve", "Quota annuale della società sportiva di quartiere")
    partner.choose("Ambito", "Sport").fill("Fornitore (facoltativo)", "ASD Quarto Oggiaro")
    partner.fill("Importo in euro", "120,505")
    partner.submit("Invia la richiesta")
    assert partner.error_for("Importo in euro") == (
        "Errore: Scrivi un importo in euro, per esempio 120,50.")
    assert "Controlla questi campi" in partner.text
    partner.screenshot("fund-request-new-errors", sizes=[(390, 844)])

    partner.fill("Importo in euro", "5000")
    partner.submit("Invia la richiesta")
    assert partner.error_for("Importo in euro") == (
        "Errore: Il fondo ha 1.000,00 € disponibili: questa richiesta li supera.")

    partner.fill("Importo in euro", "120,50")
    partner.submit("Invia la richiesta")
    assert "Richiesta inviata" in partner.text
    code = partner.heading().removeprefix("Richiesta ").strip()
    request_path = f"/funds/requests/{request_id_of(partner)}"
    assert said(partner.find("#status")) == "In attesa del coordinamento"
    assert "120,50 €" in partner.text and "R-2026-0042" in partner.text
    assert not partner.has(".decide")  # who asks does not decide

    coordinator = people("coordinator", "coord8")
    coordinator.follow("Fondo di comunità")
    assert code in said(coordinator.find("#queue-submitted"))
    coordinator.screenshot("funds-coordinator", sizes=[(390, 844)])
    coordinator.follow(code)
    assert "Deve decidere ora" in coordinator.text
    coordinator.fill("Motivazione", "Nel piano della rete: lo sport per tutti i bambini")
    coordinator.submit("Approva")
    assert "Decisione registrata" in coordinator.text
    assert said(coordinator.find("#status")) == "Approvata"
    assert "Nel piano della rete: lo sport per tutti i bambini" in said(
        coordinator.find("#decisions"))

    partner.open(request_path)
    assert said(partner.find("#status")) == "Approvata"
    assert "Nel piano della rete" in partner.text
    assert not partner.has("#f-receipt_reference")  # payments are the coordination's

    receipt = f"RIC-{code}"
    coordinator.fill("Numero della ricevuta o della fattura", receipt)
    coordinator.submit("Registra il pagamento")  # the amount and the day are filled in
    assert "Pagamento registrato." in coordinator.text
    assert said(coordinator.find("#status")) == "Pagata"
    assert receipt in said(coordinator.find("#payments"))
    coordinator.screenshot("fund-request-paid", sizes=[(390, 844)])

    partner.open(request_path)
    assert said(partner.find("#status")) == "Pagata" and receipt in partner.text
    assert code in partner.open("/funds?status=paid").text
    assert code not in partner.open("/funds?status=submitted").text
    partner.open(request_path)
    partner.follow("Municipio 8 · 2090-2091")
    assert said(partner.find("#totals .figure--available dd")) == "879,50 €"
    assert not partner.has("#ledger") and not partner.has("#top-up")  # the coordination's

    coordinator.open(f"/funds/budgets/{budget['id']}")
    assert coordinator.heading() == "Fondo del Municipio 8 2090-2091"
    rows = [said(row) for row in coordinator.driver.find_elements(
        "css selector", "#ledger tbody tr")]
    assert [row for row in rows if f"Impegno · {code}" in row and "120,50 € 879,50 €" in row]
    assert [row for row in rows if f"Pagamento · {code}" in row and receipt in row]
    assert said(coordinator.find("#totals .figure--available dd")) == "879,50 €"
    assert "Speso 120,50 €" in said(coordinator.find("#totals"))
    coordinator.screenshot("fund-budget-ledger")

    coordinator.find("#top-up summary").click()
    sources = [option.text for option in Select(coordinator.field("Fonte")).options]
    assert "Donazioni da eventi e raccolte" in sources
    assert "Comune di Milano" not in sources  # the city's own money is the city's to record
    coordinator.choose("Fonte", "Donazioni da eventi e raccolte")
    coordinator.fill("Importo in euro", "240").fill("Descrizione (facoltativa)", "Festa di Natale")
    coordinator.submit("Registra l'entrata")
    assert "Entrata registrata nel fondo." in coordinator.text
    assert said(coordinator.find("#totals .figure--available dd")) == "1.119,50 €"


@broker
@needs_chromium
def test_above_the_threshold_the_city_decides_after_the_coordinator(platform, people):  # noqa: F811
    budget = open_budget(platform, "2091-2092", "2000.00")
    camp = ask(Client(platform, "partner8a"), budget["id"], "800", kind="collective",
               action="Campo estivo al parco", category="educational", referral_code=None)
    assert camp.status_code == 201, camp.text
    camp = camp.json()

    coordinator = people("coordinator", "coord8").open(f"/funds/requests/{camp['id']}")
    assert "L'importo supera la soglia del fondo" in coordinator.text
    coordinator.fill("Motivazione", "Azione condivisa dalla rete")
    coordinator.submit("Approva")
    assert said(coordinator.find("#status")) == "In attesa della cabina di regia"
    assert not coordinator.has(".decide")

    city = people("city", "citta")
    city.follow("Fondo di comunità")
    assert camp["code"] in said(city.find("#queue-awaiting_city"))
    city.follow(camp["code"])
    assert city.has(".decide") and "Deve decidere ora" in city.text
    city.screenshot("fund-request-city", sizes=[(390, 844)])
    city.submit("Approva")  # every decision keeps its reason
    assert city.error_for("Motivazione") == "Errore: Questo campo è obbligatorio."
    assert said(city.find("#status")) == "In attesa della cabina di regia"
    city.fill("Motivazione", "Priorità cittadina per l'estate")
    city.submit("Approva")
    assert said(city.find("#status")) == "Approvata"
    decisions = said(city.find("#decisions"))
    assert "Coordinamento municipale" in decisions and "Cabina di regia cittadina" in decisions

    city.open(f"/funds/budgets/{budget['id']}?lang=en")
    assert city.heading() == "Fund of Municipio 8 2091-2092"
    assert said(city.find("#totals .figure--available dd")) == "€1,200.00"
    assert camp["code"] in said(city.find("#ledger"))
    city.open(f"/funds/budgets/{budget['id']}?lang=it")  # the browser's next page: Italian


# --- without a browser ---------------------------------------------------------------------

@broker
def test_a_partner_of_another_municipio_gets_the_not_found_page(platform):
    budget = open_budget(platform, "2092-2093", "300.00")
    asked = ask(Client(platform, "partner8a"), budget["id"], "40")
    assert asked.status_code == 201, asked.text
    asked = asked.json()
    # no demo partner works in Municipio 3: its login session is signed as the gateway signs one
    token = issue_token({"user_id": str(uuid.uuid4()), "session_id": str(uuid.uuid4()),
                         "username": "partner3", "organization_id": str(uuid.uuid4()),
                         "roles": ["partner"], "municipi": [3]},
                        platform.env["QUBI_SECRET_KEY"], 300)["access_token"]
    cookies = {"qubi_access": token}
    for path in (f"/funds/requests/{asked['id']}", f"/funds/budgets/{budget['id']}"):
        page = requests.get(platform.url + path, cookies=cookies, timeout=10)
        assert page.status_code == 404 and "Pagina non trovata" in page.text, path
    own = requests.get(platform.url + "/funds", cookies=cookies, timeout=10)
    assert own.status_code == 200 and "Fondo di comunità" in own.text
    assert asked["code"] not in own.text and "2092-2093" not in own.text
