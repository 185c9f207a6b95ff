"""A hand-over that goes on after its answer, in a real browser on a phone: the receiver with no
places proposes a forward with the guardian's consent, the social worker agrees, the new
receiver accepts, puts the family on its waiting list, records the first contact and completes;
the sender gives the family its card, whose code shows once. Without a browser: each step's
form only when the referrals service lists its action, and a second referral of a family to
the same organisation refused with a link to the open one."""
import re
from datetime import date, timedelta

from tests.platform import Client, referral_body
from tests.test_web_pages import (RECEIVED_REFERRAL, broker, csrf_of,  # noqa: F401
                                  log_in_as_partner, needs_chromium, people, web)

PHONE = (390, 844)
CONSENT_TO_THE_NEW_RECEIVER = ("Il genitore (o chi ne fa le veci) ha acconsentito a far "
                               "conoscere la famiglia all'ente scelto qui sopra.")


def on_a_phone(people_of, name, username, path):
    browser = people_of(name, username)
    browser.viewport(*PHONE)
    return browser.open(path)


@broker
@needs_chromium
def test_a_family_forwarded_for_no_capacity_is_taken_in_and_given_its_card(platform, people):
    sender_api, receiver_api = Client(platform, "partner8a"), Client(platform, "partner8b")
    sent = sender_api.post("/referrals", json=referral_body(
        receiver_api.get("/me").json()["organization_id"])).json()

    receiver = on_a_phone(people, "receiver", "partner8b", f"/referrals/{sent['id']}")
    receiver.follow("Inoltra a un altro ente…")
    assert receiver.heading() == f"Inoltra l'invio {sent['code']}"
    receiver.choose("Nuovo ente che riceve", "La Casa dei Giochi")
    receiver.choose("Motivo", "Nessun posto disponibile")
    receiver.fill("Nota per chi ha inviato (facoltativa)", "Posti finiti fino a marzo.")
    receiver.fill("Chi ha dato il consenso", "Giulia Verdi")
    receiver.submit("Proponi l'inoltro")  # the consent does not name the new receiver yet
    assert receiver.error_for(CONSENT_TO_THE_NEW_RECEIVER) == (
        "Errore: Serve il consenso del genitore a far conoscere la famiglia all'ente scelto.")
    receiver.screenshot("referral-forward-errors", sizes=[PHONE])
    receiver.viewport(*PHONE).check(CONSENT_TO_THE_NEW_RECEIVER).submit("Proponi l'inoltro")
    assert "Inoltro proposto" in receiver.text
    assert receiver.find("#forward-title").text == "Inoltro proposto a La Casa dei Giochi"
    assert not receiver.has(f"form[action='/referrals/{sent['id']}/forward/agree']")

    social = on_a_phone(people, "social worker", "asc8", f"/referrals/{sent['id']}")
    assert "Nessun posto disponibile" in social.find("#forward").text
    social.screenshot("referral-forward-proposed", sizes=[PHONE])
    social.viewport(*PHONE).submit("Approva l'inoltro")
    assert "Inoltro approvato" in social.text
    new_code = social.heading().removeprefix("Invio ").strip()
    new_id = social.path.split("?")[0].rsplit("/", 1)[-1]
    assert new_code != sent["code"]
    chain = social.find("#chain").text
    assert sent["code"] in chain and new_code in chain and "Nessun posto disponibile" in chain
    assert "La Casa dei Giochi" in chain and "Inoltrato" in chain

    taker = on_a_phone(people, "new receiver", "partner2", f"/referrals/{new_id}")
    taker.submit("Accetta l'invio")
    taker.find("#hold summary").click()
    until = date.today() + timedelta(days=30)
    taker.fill("In attesa fino al", until.isoformat())
    taker.fill("Perché la famiglia aspetta", "Il gruppo del mattino riparte a gennaio.")
    taker.submit("Metti in lista d'attesa")
    assert taker.find("#status").text == "In lista d'attesa"
    assert "Il gruppo del mattino riparte a gennaio." in taker.find("#held-until").text
    taker.screenshot("referral-on-hold", sizes=[PHONE])
    taker.viewport(*PHONE).submit("Primo contatto avvenuto")
    assert taker.find("#status").text == "In corso"

    sender = on_a_phone(people, "sender", "partner8a", f"/referrals/{new_id}")
    assert sent["code"] in sender.find("#chain").text
    sender.submit("Consegna la scheda alla famiglia")  # printed, as the form offers first
    assert sender.heading() == "Scheda per la famiglia"
    code = sender.find("#family-card-code").text.replace(" ", "")
    assert re.fullmatch(r"[0-9A-Z]{10}", code), code
    card = sender.find(".family-card").text
    assert f"/f/{code}" in card and sender.has(".family-card img[src^='data:image/svg+xml']")
    for named in ("Giulia", "Verdi", "La Casa dei Giochi", "Gallaratese", new_code):
        assert named not in card, named
    assert code not in sender.path
    sender.screenshot("family-card-print", sizes=[PHONE])
    sender.viewport(*PHONE).follow("Fatto: torna all'invio")
    assert "Stampata e consegnata" in sender.find("#family-card-state").text
    assert code not in sender.text

    taker.open(f"/referrals/{new_id}")
    taker.choose("Esito", "Iscritta al servizio").submit("Concludi…")
    taker.submit("Sì, concludi l'invio")
    assert taker.find("#status").text == "Concluso"
    finished = sender_api.get(f"/referrals/{new_id}").json()
    assert (finished["status"], finished["outcome"]) == ("completed", "enrolled")
    assert finished["started_at"] and finished["family_card"]["channel"] == "print"


# --- without a browser ----------------------------------------------------------------------------

STEPS = {"hold": "/referrals/r-1/hold", "start": "/referrals/r-1/start",
         "forward": "/referrals/r-1/forward", "agree_forward": "/referrals/r-1/forward/agree",
         "refuse_forward": "/referrals/r-1/forward/refuse",
         "family_card": "/referrals/r-1/family-card"}
PROPOSAL = {"to_organization_id": "o-3", "to_service_id": None, "reason": "no_capacity",
            "proposed_at": "2026-11-26T10:00:00+01:00"}


def test_each_step_is_offered_only_when_the_service_lists_its_action(web):
    log_in_as_partner(web)
    web.services.answers["get_referral"] = {**RECEIVED_REFERRAL, "status": "accepted",
                                            "forward_proposal": PROPOSAL}
    for actions in ([], ["hold", "start", "forward"], ["agree_forward", "refuse_forward"],
                    ["family_card"]):
        web.services.answers["get_referral"]["actions"] = actions
        text = web.get("/referrals/r-1", base_url="https://localhost").get_data(as_text=True)
        drawn = {action for action, path in STEPS.items()
                 if f'action="{path}"' in text or f'href="{path}"' in text}
        assert drawn == set(actions), actions
        assert "Inoltro proposto a Ente o-3" in text  # the proposal, shown to everyone


def test_the_forward_form_is_only_for_a_receiver_that_may_forward(web):
    log_in_as_partner(web)
    web.services.answers["get_referral"] = {**RECEIVED_REFERRAL, "actions": ["accept"]}
    answer = web.get("/referrals/r-1/forward", base_url="https://localhost")
    assert answer.status_code == 303 and answer.headers["Location"] == "/referrals/r-1#status"


def test_a_second_referral_of_the_family_to_the_same_organisation_links_to_the_open_one(web):
    from services.common.errors import Conflict

    log_in_as_partner(web)
    web.services.answers["list_organizations"] = {"items": [], "page": 1, "per_page": 200,
                                                  "total": 0}
    token = csrf_of(web.get("/referrals/new", base_url="https://localhost"))
    refused = Conflict("This family already has an open referral to this organisation: "
                       "R-2026-0007.", "referral_duplicate",
                       {"referral_id": "r-7", "code": "R-2026-0007"})
    calls = web.services.call

    def refuse_the_sending(service, method, *args, **kwargs):
        if method == "send_referral":
            raise refused
        return calls(service, method, *args, **kwargs)

    web.services.call = refuse_the_sending
    page = web.post("/referrals/new", base_url="https://localhost", data={
        "csrf_token": token, "action": "send", "to_organization_id": "o-2",
        "needs": "educational", "family.reference": "FAM-1", "family.municipio": "8",
        "children_ages": "3"})
    text = page.get_data(as_text=True)
    assert page.status_code == 409
    assert "questa famiglia ha già un invio aperto a questo ente" in text
    assert 'href="/referrals/r-7"' in text and "R-2026-0007" in text
    assert 'name="family.reference" value="FAM-1"' in text  # kept, to send elsewhere


def test_a_hold_refused_shows_its_form_open_with_the_reason_next_to_the_date(web):
    from services.common.errors import Invalid

    log_in_as_partner(web)
    web.services.answers["get_referral"] = {**RECEIVED_REFERRAL, "status": "accepted",
                                            "actions": ["hold", "start", "complete"]}
    token = csrf_of(web.get("/referrals/r-1", base_url="https://localhost"))
    calls = web.services.call

    def refuse_the_date(service, method, *args, **kwargs):
        if method == "hold_referral":
            assert args[1] == {"until": "2031-01-01", "reason": "Posti finiti"}
            raise Invalid({"until": ["A date from today to a year ahead."]},
                          codes={"until": [["hold_until_window", {}]]})
        return calls(service, method, *args, **kwargs)

    web.services.call = refuse_the_date
    page = web.post("/referrals/r-1/hold", base_url="https://localhost", data={
        "csrf_token": token, "until": "2031-01-01", "reason": " Posti finiti "})
    text = page.get_data(as_text=True)
    assert page.status_code == 422
    assert '<details id="hold" open>' in text and 'id="f-until-error"' in text
    assert 'value="2031-01-01"' in text
