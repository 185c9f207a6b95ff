"""SMS to a family that registered with a phone only, through a real SMS gateway: Kannel, with
its fake SMSC (fakesmsc, which stands for the phones). The family registers on the event's page
from a phone (chromium at 390x844), is asked by SMS to confirm and confirms at its link, is told
by SMS when a place frees up for it, with the link to its pass, Kannel's delivery report is
recorded, and after the family answers STOP nothing more is sent to its number."""
import re

import pytest
import requests
from sqlalchemy import select

from services.common.database import Store
from services.notifications.models import Base, Sms, SmsOptOut
from tests.browser import Browser, available
from tests.helpers import wait_for
from tests.kannel import PASSWORD, USERNAME, Kannel
from tests.platform import Client, free_port, started_platform
from tests.test_events_system import create_event

pytestmark = [pytest.mark.broker, pytest.mark.skipif(not available(), reason=(
    "needs Debian's chromium and chromedriver: apt-get install chromium chromium-driver"))]
INBOUND_TOKEN = "kannel-inbound-test-token"
FAMILY = "+393331234567"


@pytest.fixture(scope="module")
def sms_platform(vhost_pipeline, request, tmp_path_factory):
    port = free_port()
    kannel = Kannel(tmp_path_factory.mktemp("kannel"),
                    f"http://127.0.0.1:{port}/api/v1/sms/inbound?from=%p&text=%a"
                    f"&token={INBOUND_TOKEN}").start()
    try:
        with started_platform(
                vhost_pipeline, request, tmp_path_factory, "sms",
                tmp_path_factory.mktemp("sms-logs"), port=port, GUNICORN_WORKERS="1",
                PUBLIC_URL=f"http://localhost:{port}", QUIET_HOURS="",
                SMTP_URL=tmp_path_factory.mktemp("sms-mail").as_uri(),
                KANNEL_SENDSMS_URL=kannel.sendsms_url, KANNEL_USERNAME=USERNAME,
                KANNEL_PASSWORD=PASSWORD, SMS_SENDER="ReteQuBi",
                SMS_REPORT_URL=f"http://127.0.0.1:{port}",
                SMS_INBOUND_TOKEN=INBOUND_TOKEN) as running:
            running.kannel = kannel
            running.notifications = Store(running.env["NOTIFICATIONS_DATABASE_URL"],
                                          Base.metadata)
            yield running
            running.notifications.dispose()
    finally:
        kannel.stop()


def received(platform, number, count) -> list:
    """The texts of the SMS that reached `number`, once there are `count` of them."""
    def texts():
        found = [text for to, text in platform.kannel.received() if to == number]
        return found if len(found) >= count else None

    found = wait_for(texts, 30)
    assert found, f"{count} SMS did not reach {number}: {platform.kannel.received()}"
    return found


def opted_out(platform, number) -> bool:
    with platform.notifications.transaction() as tx:
        return tx.session.get(SmsOptOut, number) is not None


def sms_rows(platform, number) -> list:
    with platform.notifications.transaction() as tx:
        return [(row.kind, row.status, row.reason, row.report_status) for row in
                tx.session.execute(select(Sms).where(Sms.to_number == number)
                                   .order_by(Sms.created_at)).scalars()]


def test_a_phone_only_family_promoted_from_the_waiting_list_hears_it_by_sms(sms_platform):
    platform, organiser = sms_platform, Client(sms_platform, "partner2")
    event = create_event(organiser, title="Festa di quartiere", capacity=2,
                         starts_at="2031-05-10T15:00", ends_at="2031-05-10T18:00")
    registrations = f"{organiser.base}/events/{event['id']}/registrations"
    first = requests.post(registrations, json={"name": "Verdi", "contact": "333 000 0001",
                                               "adults": 2}, timeout=10).json()
    assert organiser.post(f"/events/{event['id']}/registrations/{first['id']}/confirm"
                          ).status_code == 200  # an organiser called them
    phone = Browser(platform.url).viewport(390, 844)
    try:
        _a_family_on_its_phone(platform, phone, organiser, event, first)
    finally:
        phone.quit()


def _a_family_on_its_phone(platform, phone, organiser, event, first):
    """The family's steps, on its phone's browser; `first`'s registration makes way for it."""
    registrations = f"{organiser.base}/events/{event['id']}/registrations"
    phone.open(f"/events/{event['id']}")
    phone.fill("Nome e cognome (o della famiglia)", "Rossi").fill("Email o telefono",
                                                                  "333 1234567")
    phone.fill("Adulti", 1).fill("Bambini e ragazzi", 0).submit("Iscrivimi")
    assert phone.heading() == "Manca la conferma" and "Ti abbiamo mandato un SMS" in phone.text
    mine = phone.find("#cancel-link").get_attribute("href")
    family_id = re.search(r"/registrations/([\w-]+)/cancel", mine).group(1)

    asked = received(platform, FAMILY, 1)[0]
    assert asked.startswith("Rete QuBì: conferma l'iscrizione a Festa di quartiere "
                            "(sab 10/5 ore 15:00) entro ")
    assert len(asked) <= 160 and "Rossi" not in asked
    short = re.search(r"http://localhost:\d+/s/[\w-]+", asked).group(0)
    opened = requests.get(short, allow_redirects=False, timeout=10)
    assert (opened.status_code, opened.headers["Cache-Control"]) == (302, "no-store")
    assert opened.headers["Location"].startswith(
        f"/events/{event['id']}/registrations/{family_id}/confirm?token=")
    phone.driver.get(short)
    phone.submit("Sì, confermo la mia iscrizione")
    assert "Iscrizione confermata, in lista d'attesa" in phone.text

    assert requests.delete(f"{registrations}/{first['id']}", params={
        "token": first["cancel_token"]}, timeout=10).status_code == 204
    promoted = received(platform, FAMILY, 2)[1]
    assert promoted.startswith("Rete QuBì: si è liberato un posto, la tua iscrizione a Festa "
                               "di quartiere (sab 10/5 ore 15:00) è confermata. Il tuo pass: ")
    phone.driver.get(re.search(r"http://localhost:\d+/s/[\w-]+", promoted).group(0))
    assert phone.heading() == "Il tuo pass" and "Codice:" in phone.text
    # Kannel reports it delivered (8: taken by the SMSC, then 1: delivered to the phone)
    assert wait_for(lambda: sms_rows(platform, FAMILY)[-1] == (
        "registration_promoted", "delivered", None, 1), 30), sms_rows(platform, FAMILY)

    platform.kannel.send_from_phone(FAMILY, "STOP")
    assert wait_for(lambda: opted_out(platform, FAMILY), 30)
    assert organiser.patch(f"/events/{event['id']}", json={
        "starts_at": "2031-05-10T16:00", "ends_at": "2031-05-10T19:00"}).status_code == 200
    assert wait_for(lambda: ("event_updated", "held", "stop", None)
                    in sms_rows(platform, FAMILY), 30), sms_rows(platform, FAMILY)
    assert len([to for to, _ in platform.kannel.received() if to == FAMILY]) == 2
