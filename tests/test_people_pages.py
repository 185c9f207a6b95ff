"""The people pages in a real browser, on a phone: a coordinator invites an organisation's
administrator, who joins from the emailed link, turns two-factor on, logs in with a code, and is
then turned off by the coordinator, which ends the session in the browser."""
import re
import time
import uuid

import pyotp
import pytest

from tests.browser import PHONE, Browser, available
from tests.helpers import wait_for
from tests.smtp import text_of

pytestmark = [pytest.mark.broker, pytest.mark.skipif(not available(), reason=(
    "needs Debian's chromium and chromedriver: apt-get install chromium chromium-driver"))]
PASSWORD = "il quaderno a righe di marta"


@pytest.fixture
def browsers(platform):
    opened = []

    def browser():
        opened.append(Browser(platform.url).viewport(*PHONE))
        return opened[-1]

    yield browser
    for each in opened:
        each.quit()


def emailed_link(platform, address):
    def found():
        return [re.search(r"http://\S+/invitations/accept\?token=[\w-]+", text_of(m))
                for m in platform.smtp.messages() if m["To"] == address]
    links = wait_for(found)
    assert links and links[-1], f"no invitation to {address}"
    return links[-1].group(0)[len(platform.url):]


def test_a_coordinator_invites_an_administrator_who_joins_with_two_factor(platform, browsers):
    suffix = uuid.uuid4().hex[:6]
    address, username = f"referente-{suffix}@example.org", f"referente.{suffix}"
    coordinator = browsers().log_in("coord8")
    coordinator.find(".menu-toggle").click()  # a phone: the menu opens first
    coordinator.follow("Persone")
    assert coordinator.heading() == "Persone"
    assert "partner8b" in coordinator.text and "partner2" not in coordinator.text
    coordinator.follow("Invita una persona")
    coordinator.fill("Nome e cognome", "Marta Referente").fill("Email", address)
    coordinator.choose("Ruolo", "Referente dell'ente")
    coordinator.choose("Ente", "Spazio Famiglie Gallaratese (demo)")
    coordinator.screenshot("people-invite")
    coordinator.submit("Invia l'invito")
    assert "Invito spedito" in coordinator.text and address in coordinator.text

    invitee = browsers().open(emailed_link(platform, address))
    assert invitee.heading() == "Benvenuta, benvenuto Marta Referente"
    assert "Referente dell'ente (Spazio Famiglie Gallaratese (demo))" in invitee.text
    invitee.fill("Nome utente", username).fill("Password", "corta")
    invitee.submit("Crea il mio account")
    assert "Almeno 12 caratteri" in invitee.error_for("Password")
    invitee.fill("Password", PASSWORD).submit("Crea il mio account")
    invitee.screenshot("invitation-accepted")
    assert invitee.path.startswith("/account/two-factor")
    assert "prima di continuare attiva la verifica in due passaggi" in invitee.text
    invitee.submit("Inizia")
    assert invitee.has("img[alt^='Codice QR']")
    secret = invitee.find("main code").text
    invitee.screenshot("two-factor-enrol")
    invitee.fill("Codice", "000000").fill("La tua password", PASSWORD).submit("Attiva")
    assert "codice è sbagliato" in invitee.error_for("Codice")
    invitee.fill("Codice", pyotp.TOTP(secret).now()).fill("La tua password", PASSWORD)
    invitee.submit("Attiva")
    assert invitee.heading() == "Verifica in due passaggi attiva"
    assert len(invitee.driver.find_elements("css selector", "ul.codes li")) == 10
    invitee.screenshot("recovery-codes")

    invitee.log_out().open("/login")
    invitee.fill("Nome utente", username).fill("Password", PASSWORD)
    invitee.submit(css="main form button[type=submit]")
    assert "codice di sei cifre" in invitee.text
    next_code = pyotp.TOTP(secret).at(time.time() + 30)  # the step after the one used
    invitee.fill("Codice", next_code).submit(css="main form button[type=submit]")
    assert invitee.find(".nav-account .who").text == username

    coordinator.open("/people").follow("Marta Referente")
    assert "Entrata" in coordinator.text and "Invitata" in coordinator.text
    coordinator.screenshot("person")
    coordinator.submit("Disattiva l'accesso")
    assert "Accesso disattivato" in coordinator.text
    assert wait_for(lambda: invitee.open("/referrals").path.startswith("/login"), timeout=5)
