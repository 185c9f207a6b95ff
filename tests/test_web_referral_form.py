"""The referral form and the receiver's last step, in a real browser: every error of the form
in one round, the first field first, the required fields marked; completing a referral (which
cannot be undone) asks first, and cancelling leaves it as it was."""
from datetime import date, timedelta

from tests.platform import Client, referral_body
from tests.test_web_pages import (broker, log_in_as_partner, needs_chromium,  # noqa: F401
                                  people, web)  # (the fixtures)

CONSENT = "Il genitore (o chi ne fa le veci) ha dato il consenso a questo invio."
FOCUSED_ID = "return document.activeElement && document.activeElement.id"
LABEL_TOP = ("return document.querySelector(`label[for='${arguments[0]}']`)"
             ".getBoundingClientRect().top")
IN_THE_FORMS_ORDER = """
const controls = [...document.querySelectorAll("#referral-form input, #referral-form select")];
return controls.filter((control) => arguments[0].includes(control.id)
                       && control.getAttribute("aria-invalid") === "true").map((c) => c.id);
"""


def summary(browser) -> list:
    """(link text, the id it leads to) of each error of the summary, in its order."""
    return [(text, href.rsplit("#", 1)[-1]) for text, href in browser.links(".error-summary a")]


@broker
@needs_chromium
def test_a_form_sent_empty_shows_every_error_at_once_the_first_field_first(people):
    sender = people("sender", "partner8a").open("/referrals/new")
    required = ["Ente che riceve", "Codice interno della famiglia", "Municipio",
                "Età dei bambini", CONSENT, "Chi ha dato il consenso", "Come", "Raccolto il",
                "Valido fino al"]
    for label in required:
        assert sender.field(label).get_attribute("aria-required") == "true", label
    assert "Ente che riceve (obbligatorio)" in sender.text and "Bisogni (almeno uno)" in sender.text

    sender.submit("Continua: vedi l'anteprima")
    errors = summary(sender)
    assert [text.split(":")[0] for text, _ in errors] == [
        "Ente che riceve", "Bisogni", "Codice interno della famiglia", "Età dei bambini",
        CONSENT.rstrip("."), "Chi ha dato il consenso"]
    targets = [target for _, target in errors]
    assert sender.driver.execute_script(IN_THE_FORMS_ORDER, targets) == targets
    assert sender.find("#referral-form [aria-invalid=true]").get_attribute("id") == targets[0]
    assert sender.driver.execute_script(FOCUSED_ID) == "error-summary"
    assert sender.error_for("Codice interno della famiglia") == (
        "Errore: Questo campo è obbligatorio.")
    assert sender.error_for(CONSENT) == (
        "Errore: Serve il consenso del genitore: senza, l'invio non si può fare.")
    sender.screenshot("referral-new-every-error", sizes=[(390, 844)])
    sender.find(".error-summary a").click()
    assert sender.driver.execute_script(FOCUSED_ID) == "f-to_organization_id"
    sender.viewport(390, 844)  # on a phone, a field far down comes with its label and error
    sender.find(".error-summary a[href='#f-consent-given_by']").click()
    assert sender.driver.execute_script(FOCUSED_ID) == "f-consent-given_by"
    assert sender.driver.execute_script(LABEL_TOP, "f-consent-given_by") >= 0

    # what was checked only once the rest passed (the receiver, the consent's dates) is said
    # in the same round as the rest
    sender.check("Educativo").fill("Codice interno della famiglia", "FAM-WEB-2")
    sender.fill("Età dei bambini", "4, 16").check(CONSENT).fill("Chi ha dato il consenso", "Anna")
    sender.fill("Raccolto il", (date.today() + timedelta(days=2)).isoformat())
    sender.fill("Valido fino al", (date.today() - timedelta(days=1)).isoformat())
    sender.submit("Continua: vedi l'anteprima")
    assert [text.split(":")[0] for text, _ in summary(sender)] == [
        "Ente che riceve", "Raccolto il", "Valido fino al"]

    sender.choose("Ente che riceve", "Spazio Famiglie Gallaratese (demo)")
    sender.fill("Raccolto il", date.today().isoformat())
    sender.fill("Valido fino al", (date.today() + timedelta(days=90)).isoformat())
    sender.submit("Continua: vedi l'anteprima")
    assert sender.heading() == "Anteprima dell'invio"


@broker
@needs_chromium
def test_completing_asks_first_and_cancelling_leaves_the_referral_as_it_was(platform, people):
    sender, receiver_api = Client(platform, "partner8a"), Client(platform, "partner8b")
    sent = sender.post("/referrals", json=referral_body(
        receiver_api.get("/me").json()["organization_id"])).json()
    assert receiver_api.post(f"/referrals/{sent['id']}/accept").status_code == 200
    receiver = people("receiver", "partner8b").open(f"/referrals/{sent['id']}")

    receiver.submit("Concludi…")  # no outcome chosen: said there, nothing asked yet
    assert receiver.error_for("Esito") == "Errore: Questo campo è obbligatorio."
    assert receiver.heading() == f"Invio {sent['code']}"

    receiver.choose("Esito", "Servizio erogato").submit("Concludi…")
    assert receiver.heading() == f"Concludere l'invio {sent['code']}?"
    assert receiver.find("#outcome").text == "Servizio erogato"
    assert "non si potrà più cambiare" in receiver.text
    receiver.screenshot("referral-complete-confirm")
    receiver.follow("No, torna all'invio")
    assert receiver.heading() == f"Invio {sent['code']}"
    assert receiver.find("#status").text == "Accettato"
    kept = receiver_api.get(f"/referrals/{sent['id']}").json()
    assert (kept["status"], kept["outcome"], kept["completed_at"]) == ("accepted", None, None)

    receiver.choose("Esito", "Servizio erogato").submit("Concludi…")
    receiver.submit("Sì, concludi l'invio")
    assert receiver.find("#status").text == "Concluso"
    assert "Servizio erogato" in receiver.text
    done = receiver_api.get(f"/referrals/{sent['id']}").json()
    assert (done["status"], done["outcome"]) == ("completed", "service_provided")


def test_the_confirmation_is_offered_only_while_the_service_lets_the_caller_complete(web):
    log_in_as_partner(web)
    asked = "/referrals/r-1/complete?outcome=enrolled"
    web.services.referral_actions = ["add_note"]  # completed meanwhile
    answer = web.get(asked, base_url="https://localhost")
    assert answer.status_code == 303 and answer.headers["Location"] == "/referrals/r-1#status"
    web.services.referral_actions = ["complete"]
    page = web.get(asked, base_url="https://localhost").get_data(as_text=True)
    assert 'method="post" action="/referrals/r-1/complete"' in page
    assert 'name="outcome" value="enrolled"' in page and "Iscritta al servizio" in page
    assert not [call for call in web.services.calls if call[1] == "complete_referral"]
