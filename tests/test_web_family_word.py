"""The family's word on its card, in a real browser on a phone: the family answers "nobody
called us" with no account, the social worker reads it on the referral, and the coordinator
finds it on the unmet-needs radar and in its spreadsheet. Without a browser: the question is
asked for any code without looking it up, an unknown code gets a form to type it again, an
expired card says so."""
import re
from datetime import datetime
from zoneinfo import ZoneInfo

from tests.platform import Client, referral_body
from tests.test_web_pages import broker, csrf_of, needs_chromium, people, web  # noqa: F401

PHONE = (390, 844)
QUESTION = "Qualcuno della rete QuBì vi ha contattato?"
FETCH_TEXT = """
const done = arguments[arguments.length - 1];
fetch(arguments[0]).then((answer) => answer.text()).then(done);
"""


@broker
@needs_chromium
def test_a_family_nobody_called_says_so_and_the_radar_counts_it(platform, people):
    sender = Client(platform, "partner8a")
    sent = sender.post("/referrals", json=referral_body(
        Client(platform, "partner8b").get("/me").json()["organization_id"])).json()
    card = sender.post(f"/referrals/{sent['id']}/family-card", json={"channel": "print"})
    assert card.status_code == 201, card.text
    code = card.json()["code"]

    family = people("family")
    family.viewport(*PHONE)
    family.open(f"/f/{code}")
    assert family.heading() == QUESTION
    for hidden in ("Giulia", "Verdi", "Gallaratese", sent["code"], "Municipio 8"):
        assert hidden not in family.text, hidden
    assert family.driver.execute_script("return document.documentElement.scrollWidth") <= 390
    family.screenshot("family-word", sizes=[PHONE])
    family.viewport(*PHONE).submit("No, nessuno ci ha chiamato")
    assert family.heading() == "Grazie: lo abbiamo detto alla rete"
    assert "Qualcuno della rete vi chiamerà presto." in family.text
    family.screenshot("family-word-thanks", sizes=[PHONE])

    word = Client(platform, "asc8").get(f"/referrals/{sent['id']}").json()["family_word"]
    assert word["answer"] == "not_contacted"

    family.viewport(*PHONE).open("/f/ZZZZZZZZZZ").submit("Sì, ci siamo incontrati")
    assert family.heading() == "Codice non riconosciuto"
    family.fill("Codice della scheda", f"{code[:5].lower()}-{code[5:]}").submit("Continua")
    assert family.heading() == QUESTION and family.path.startswith("/f/")

    month = datetime.now(ZoneInfo("Europe/Rome")).strftime("%Y-%m")
    coordinator = people("coordinator", "coord8").open("/reports")
    coordinator.follow("Bisogni non coperti, mese per mese: per la riunione di coordinamento")
    assert coordinator.heading() == "Bisogni non coperti: Municipio 8"
    totals = coordinator.find(f"#totals-{month} tbody tr").text.split()
    assert totals[-1] == "<5"  # "nobody called us", the last column
    assert "I conteggi da 1 a 4 sono mostrati come «<5»" in coordinator.find("#small-counts").text
    coordinator.screenshot("unmet-needs")
    files = {text: href for text, href in coordinator.links() if "CSV" in text}
    sheet = coordinator.driver.execute_async_script(FETCH_TEXT,
                                                    files["Scarica CSV per Excel in italiano"])
    heading, *lines = sheet.lstrip("\ufeff").splitlines()
    assert heading.split(";") == ["Municipio", "Mese", "Bisogno", "Zona", "Declinati: nessun posto",
                                  "Declinati: servizio non offerto", "In ritardo",
                                  "In lista d'attesa", "«Nessuno ci ha chiamato»"]
    assert f"8;{month};Totale;;" in sheet and "Educativo" in sheet

    partner = people("sender", "partner8a").open("/reports/unmet-needs")
    assert partner.heading() == "Non hai accesso a questa pagina"


# --- without a browser ----------------------------------------------------------------------------

HTTPS = {"base_url": "https://localhost"}


def refusing(web, refused):
    """The referrals service refusing the family's answer with `refused`."""
    calls = web.services.call

    def answer(service, method, *args, **kwargs):
        if method == "family_answer":
            raise refused
        return calls(service, method, *args, **kwargs)

    web.services.call = answer


def test_the_question_is_asked_for_any_code_without_looking_it_up(web):
    page = web.get("/f/NOT-A-CODE?lang=en", **HTTPS)
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "Has anyone from the QuBì network contacted you?" in text
    assert [call for call in web.services.calls if call[0] == "referrals"] == []
    assert page.headers["Cache-Control"] == "no-store"
    typed = web.get("/f?code=abcde fghjk", **HTTPS)
    assert (typed.status_code, typed.headers["Location"]) == (303, "/f/abcdefghjk")


def test_an_unknown_code_is_typed_again_and_an_expired_card_says_so(web):
    from services.common.errors import Gone, NotFound

    token = csrf_of(web.get("/f/ZZZZZZZZZZ", **HTTPS))
    refusing(web, NotFound("No such card.", "family_card_unknown"))
    unknown = web.post("/f/ZZZZZZZZZZ", data={"csrf_token": token, "answer": "met"}, **HTTPS)
    text = unknown.get_data(as_text=True)
    assert unknown.status_code == 404 and "Codice non riconosciuto" in text
    assert re.search(r'<form method="get" action="/f"', text)
    assert 'name="code" type="text" value="ZZZZZZZZZZ"' in text

    refusing(web, Gone("This card has expired.", "family_card_expired"))
    expired = web.post("/f/ZZZZZZZZZZ", data={"csrf_token": token, "answer": "met"}, **HTTPS)
    assert expired.status_code == 410 and "La scheda è scaduta" in expired.get_data(as_text=True)

    forged = web.post("/f/ZZZZZZZZZZ", data={"answer": "met"}, **HTTPS)
    assert forged.status_code == 400  # no token of this page: as every form of the site
