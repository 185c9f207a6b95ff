"""Organisers in a real browser: an event edited after people registered (they are told), its
registrations seen and marked, and families checked in at the door by the QR code of their
pass, read by the camera of a phone-size page (chromium films a video of the pass)."""
import re
import uuid

import pytest
import requests
import segno

from tests.browser import Browser, available
from tests.helpers import wait_for
from tests.platform import Client
from tests.smtp import text_of
from tests.test_events_system import confirm_by_link, create_event

pytestmark = [pytest.mark.broker, pytest.mark.skipif(not available(), reason=(
    "needs Debian's chromium and chromedriver: apt-get install chromium chromium-driver"))]
ORGANISER = "partner8a"


def register(platform, event_id, address, adults=1, children=0):
    """A family registered and confirmed by the link emailed to it: its receipt."""
    client = f"10.30.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}"
    registered = requests.post(f"{Client(platform).base}/events/{event_id}/registrations",
                               json={"name": f"Famiglia {address.split('@')[0]}",
                                     "contact": address, "adults": adults,
                                     "children": children},
                               headers={"X-Forwarded-For": client}, timeout=10)
    assert registered.status_code == 201, registered.text
    receipt = registered.json()
    return {**confirm_by_link(platform, address, receipt, client),
            "cancel_token": receipt["cancel_token"]}


def y4m_of(text: str, path, size=(640, 480)):
    """A still video of `text`'s QR code, black on white, as chromium's fake camera plays it."""
    width, height = size
    rows = [list(row) for row in segno.make(text, error="m").matrix_iter(scale=7, border=4)]
    top, left = (height - len(rows)) // 2, (width - len(rows[0])) // 2
    luma = bytearray(b"\xeb" * (width * height))
    for y, row in enumerate(rows):
        for x, dark in enumerate(row):
            if dark:
                luma[(top + y) * width + left + x] = 0x10
    chroma = b"\x80" * (width * height // 2)
    frame = b"FRAME\n" + bytes(luma) + chroma
    path.write_bytes(f"YUV4MPEG2 W{width} H{height} F10:1 Ip A1:1 C420jpeg\n".encode()
                     + frame * 3)
    return path


@pytest.fixture
def organiser(platform):
    browser = Browser(platform.url).log_in(ORGANISER)
    yield browser
    browser.quit()


def test_an_organiser_edits_an_event_and_the_registrants_are_told(platform, organiser):
    event = create_event(Client(platform, ORGANISER), title="Merenda in cortile", capacity=20,
                         registration_required=True)
    address = f"edit-{uuid.uuid4().hex[:8]}@example.org"
    register(platform, event["id"], address, adults=2, children=1)

    organiser.open(f"/events/{event['id']}").follow("Modifica")
    assert organiser.heading() == "Modifica l'evento"
    assert "chi si è iscritto riceve un avviso" in organiser.text
    organiser.fill("Inizio", "2027-05-08T16:00").fill("Fine", "2027-05-08T19:00")
    organiser.set("#f-programme-0-time", "16:00").set("#f-programme-0-activity", "Accoglienza")
    organiser.set("#f-programme-1-time", "16:30").set("#f-programme-1-activity", "Giochi")
    organiser.choose("Organizzazione 2", "Spazio Famiglie Gallaratese (demo)")  # 1: its own
    organiser.screenshot("event-edit")
    organiser.submit("Salva le modifiche")
    assert "Modifiche salvate: chi si è iscritto viene avvisato" in organiser.text
    assert "Accoglienza" in organiser.text and "Giochi" in organiser.text
    changed = Client(platform, ORGANISER).get(f"/events/{event['id']}").json()
    assert changed["starts_at"].startswith("2027-05-08T16:00")
    assert changed["invited_organizer_ids"]  # the co-organiser chosen is asked

    told = wait_for(lambda: [m for m in platform.smtp.messages()
                             if m["To"] == address and "Merenda in cortile" in text_of(m)
                             and "è cambiato" in text_of(m)], 30)
    assert told, f"no email told {address} of the change"

    organiser.follow("Iscritti")
    assert organiser.heading() == "Iscritti"
    organiser.find("details.card summary").click()
    organiser.fill("Messaggio", "Portate una merenda da condividere!")
    organiser.submit("Invia il messaggio")
    assert "Messaggio inviato a ogni iscrizione." in organiser.text
    written = wait_for(lambda: [m for m in platform.smtp.messages() if m["To"] == address
                                and "Portate una merenda da condividere!" in text_of(m)], 30)
    assert written, f"the organisers' message did not reach {address}"
    row = organiser.find("table.registrants tbody tr")
    assert f"Famiglia {address.split('@')[0]}" in row.text and "2 adulti, 1 bambino" in row.text
    organiser.submit("Segna presente")
    assert "Presenza segnata." in organiser.text and "Presente" in organiser.text
    csv_link = [href for text, href in organiser.links() if text == "Scarica l'elenco (CSV)"][0]
    assert csv_link.endswith(f"/events/{event['id']}/registrations.csv")


def test_a_family_larger_than_the_places_left_is_told_before_it_sends(platform):
    event = create_event(Client(platform, ORGANISER), title="Laboratorio piccolo", capacity=2,
                         registration_required=True)
    family = Browser(platform.url).viewport(390, 844)
    try:
        family.open(f"/events/{event['id']}")
        assert "2 posti liberi" in family.text and "una famiglia di tre occupa tre posti" in family.text
        assert not family.find("[data-places-warning]").is_displayed()
        family.fill("Adulti", 1).fill("Bambini e ragazzi", 2)
        warning = family.find("[data-places-warning]")
        assert warning.is_displayed()
        assert "Siete in 3, ma restano 2 posti" in warning.text
        family.screenshot("event-places-are-people", sizes=((390, 844),))
        family.fill("Bambini e ragazzi", 1)
        assert not family.find("[data-places-warning]").is_displayed()
    finally:
        family.quit()


def test_a_family_is_checked_in_by_the_qr_code_of_its_pass_on_a_phone(platform, organiser,
                                                                      tmp_path):
    event = create_event(Client(platform, ORGANISER), title="Festa di quartiere", capacity=3,
                         registration_required=True)
    came = register(platform, event["id"], f"pass-{uuid.uuid4().hex[:8]}@example.org",
                    adults=1, children=2)
    waiting = register(platform, event["id"], f"wait-{uuid.uuid4().hex[:8]}@example.org")
    assert (came["status"], waiting["status"]) == ("confirmed", "waitlisted")

    family = Browser(platform.url)
    try:
        family.open(f"/events/{event['id']}/registrations/{came['id']}/cancel"
                    f"?token={came['cancel_token']}")
        assert family.heading() == "La tua iscrizione"
        assert "Il tuo pass per l'ingresso" in family.text
        code = re.search(r"Codice: (\w{4}-\w{4})", family.text).group(1)
        assert code == came["check_in_code"]
        assert family.find(".pass img").get_attribute("src").startswith("data:image/svg+xml")
        family.screenshot("registration-pass")
        family.open(f"/events/{event['id']}/registrations/{waiting['id']}/cancel"
                    f"?token={waiting['cancel_token']}")
        assert "In lista d'attesa" in family.text
        assert "Il tuo pass per l'ingresso" not in family.text
    finally:
        family.quit()

    address = f"{platform.url}/events/{event['id']}/check-in?code={came['check_in_code']}"
    door = Browser(platform.url, camera=y4m_of(address, tmp_path / "pass.y4m"))
    try:
        door.log_in(ORGANISER).viewport(390, 844)
        door.open(f"/events/{event['id']}/check-in")
        assert door.heading() == "Ingresso: Festa di quartiere"
        door.submit("Inquadra il codice QR")
        door.wait_for(lambda: door.has("#check-in-result"), "the pass read by the camera", 30)
        assert "Benvenuti!" in door.text and "1 adulto, 2 bambini" in door.text
        door.screenshot("check-in", sizes=((390, 844),))
    finally:
        door.quit()

    organiser.open(f"/events/{event['id']}/check-in")  # no camera: the code typed
    organiser.fill("Codice del pass", code.lower()).submit("Registra l'ingresso")
    assert "Già entrati alle" in organiser.text
    organiser.fill("Codice del pass", "ZZZZ-ZZZZ").submit("Registra l'ingresso")
    assert "Non entra con questo pass" in organiser.text
    assert "Nessuna iscrizione a questo evento ha questo codice" in organiser.text
    listed = Client(platform, ORGANISER).get(f"/events/{event['id']}/registrations").json()
    checked = {r["id"]: (r["attended"], bool(r["checked_in_at"])) for r in listed["items"]}
    assert checked[came["id"]] == (True, True) and checked[waiting["id"]] == (None, False)


def test_a_family_promoted_from_the_waiting_list_gets_the_link_to_its_pass(platform):
    event = create_event(Client(platform, ORGANISER), title="Cinema all'aperto", capacity=1,
                         registration_required=True)
    first = register(platform, event["id"], f"first-{uuid.uuid4().hex[:8]}@example.org")
    address = f"then-{uuid.uuid4().hex[:8]}@example.org"
    waiting = register(platform, event["id"], address)
    assert waiting["status"] == "waitlisted"
    cancelled = requests.delete(f"{Client(platform).base}/events/{event['id']}/registrations/"
                                f"{first['id']}", params={"token": first["cancel_token"]},
                                timeout=10)
    assert cancelled.status_code == 204, cancelled.text
    promoted = wait_for(lambda: [m for m in platform.smtp.messages() if m["To"] == address
                                 and "/pass?code=" in text_of(m)], 30)
    assert promoted, f"no link to its pass reached {address}"
    link = re.search(r"http\S+/pass\?code=\w+", text_of(promoted[0])).group(0)
    family = Browser(platform.url)
    try:
        family.driver.get(link)
        assert family.heading() == "Il tuo pass" and "Confermata" in family.text
        code = re.search(r"Codice: (\w{4}-\w{4})", family.text).group(1)
        assert link.endswith(code.replace("-", ""))
        family.open(f"/events/{event['id']}/registrations/{waiting['id']}/pass?code=ZZZZZZZZ")
        assert family.heading() != "Il tuo pass"  # a wrong code shows nothing
    finally:
        family.quit()
