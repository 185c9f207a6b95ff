"""The notifications service on the real RabbitMQ: told once, never lost."""
import time
from datetime import date, timedelta

import pytest

from services.admin import dead_letters
from services.common.bus import declare_topology
from services.common.config import load_settings
from services.common.events import envelope
from services.directory.service import DirectoryService
from services.funds.service import FundsService
from services.notifications.service import NotificationsService
from tests.helpers import call, publish_event, seed_directory, wait_for
from tests.smtp import SmtpServer, text_of

pytestmark = pytest.mark.broker


@pytest.fixture
def users(service_config):
    return seed_directory(service_config)


def inbox(config, caller):
    return call(config, caller, "notifications", "list_notifications", {})


def register(config, caller, name, municipi):
    return call(config, caller, "directory", "register_organization",
                {"name": name, "municipi": municipi})


def told_of(config, caller, kind):
    return [n for n in inbox(config, caller)["items"] if n["kind"] == kind]


def fund_for_municipio_8(config, users):
    return call(config, users["citta"], "funds", "create_budget", {
        "municipio": 8, "period": "2026-2027", "approval_threshold": "500.00",
        "sources": [{"source": "city", "amount": "2000.00"}]})


def ask_for_money(config, caller, budget, amount, **fields):
    return call(config, caller, "funds", "submit_request", {
        "budget_id": budget["id"], "kind": "child", "referral_code": "R-2026-0042",
        "purpose": "Quota della società sportiva", "category": "sport", "amount": amount,
        **fields})


def test_a_registered_organisation_is_told_to_the_coordinators_of_its_municipio(
        runner_factory, service_config, users):
    runner = runner_factory(service_config, DirectoryService, NotificationsService)
    runner.start()
    organization = register(service_config, users["citta"], "Ludoteca Gallaratese", [8])

    page = wait_for(lambda: inbox(service_config, users["coord8"])["items"])
    assert [n["body"] for n in page] == ["Ludoteca Gallaratese è entrata nella rete QuBì del Municipio 8."]
    assert page[0]["link"] == f"/organizations/{organization['id']}"
    assert inbox(service_config, users["coord3"])["total"] == 0


def test_the_same_event_delivered_three_times_makes_one_notification(
        runner_factory, service_config, users):
    runner = runner_factory(service_config, DirectoryService, NotificationsService)
    runner.start()
    organization = register(service_config, users["citta"], "APS Villapizzone", [8])
    wait_for(lambda: inbox(service_config, users["coord8"])["total"])

    again = envelope("organization_registered", {"organization_id": organization["id"],
                                                 "municipi": [8], "level": 1})
    for _ in range(3):
        publish_event(service_config, "directory", again)
    wait_for(lambda: inbox(service_config, users["coord8"])["total"] == 2)
    time.sleep(1)  # time enough for the duplicates to be (not) applied
    assert inbox(service_config, users["coord8"])["total"] == 2


def test_an_event_published_while_notifications_is_down_is_told_when_it_starts(
        container_factory, service_config, users):
    declare_topology([NotificationsService], service_config)
    directory = container_factory(DirectoryService, service_config)
    directory.start()
    register(service_config, users["citta"], "Spazio Compiti QT8", [8])

    notifications = container_factory(NotificationsService, service_config)
    notifications.start()
    page = wait_for(lambda: inbox(service_config, users["coord8"])["items"])
    assert [n["kind"] for n in page] == ["organization_registered"]


def test_a_handler_that_keeps_failing_is_dead_lettered_then_replayed_once(
        container_factory, service_config, users, capsys):
    service_config["RPC_TIMEOUT"] = 1
    declare_topology([NotificationsService], service_config)
    directory = container_factory(DirectoryService, service_config)
    directory.start()
    register(service_config, users["citta"], "Doposcuola Trenno", [8])
    directory.stop()
    # the directory is down: the handler cannot learn who to tell, and fails each attempt
    container_factory(NotificationsService, service_config).start()

    settings = load_settings({"QUBI_ENV": "test", "AMQP_URI": service_config["AMQP_URI"]})

    def dead_lettered():
        dead_letters(settings, "notifications")
        return '"attempts": 3' in capsys.readouterr().out
    assert wait_for(dead_lettered, timeout=20, interval=0.5)

    container_factory(DirectoryService, service_config).start()
    assert inbox(service_config, users["coord8"])["total"] == 0
    dead_letters(settings, "notifications", replay=True)
    assert wait_for(lambda: inbox(service_config, users["coord8"])["total"])
    time.sleep(0.5)
    assert inbox(service_config, users["coord8"])["total"] == 1


def test_a_referral_told_three_times_makes_one_notification_and_one_email(
        runner_factory, service_config, users, tmp_path):
    smtp = SmtpServer(tmp_path / "mail").start()
    service_config.update(SMTP_URL=smtp.url, QUIET_HOURS="")
    runner = runner_factory(service_config, DirectoryService, NotificationsService)
    runner.start()
    sent = envelope("referral_sent", {
        "referral_id": "r-1", "code": "R-2026-0007", "status": "sent", "urgency": "normal",
        "municipio": 8, "to_municipi": [8], "from_organization_id": users["partner8a"].organization_id,
        "from_user_id": users["partner8a"].user_id, "to_service_id": None,
        "to_organization_id": users["partner8b"].organization_id})
    for _ in range(3):
        publish_event(service_config, "referrals", sent)
    try:
        assert wait_for(lambda: smtp.messages())
        time.sleep(2.5)  # one more round of the mail loop: nothing more is sent
        assert inbox(service_config, users["partner8b"])["total"] == 1
        assert [m["To"] for m in smtp.messages()] == ["partner8b@rete-qubi.example"]
    finally:
        smtp.stop()


def test_members_hear_of_a_published_event_and_a_waitlisted_family_of_its_place(
        runner_factory, service_config, users, tmp_path):
    import re
    from datetime import datetime, timedelta, timezone

    from services.events.service import EventsService

    smtp = SmtpServer(tmp_path / "mail").start()
    service_config.update(SMTP_URL=smtp.url, QUIET_HOURS="")
    runner = runner_factory(service_config, DirectoryService, EventsService, NotificationsService)
    runner.start()
    starts = datetime.now(timezone.utc) + timedelta(days=10)
    event = call(service_config, users["partner8a"], "events", "create_event", {
        "title": "Uscita in natura", "municipio": 8, "capacity": 1,
        "starts_at": starts.isoformat(), "ends_at": (starts + timedelta(hours=3)).isoformat()})
    call(service_config, users["partner8a"], "events", "publish_event", event["id"])
    first = call(service_config, None, "events", "register", event["id"], {
        "name": "Prima famiglia", "contact": "prima@example.org", "adults": 1})
    second = call(service_config, None, "events", "register", event["id"], {
        "name": "Seconda famiglia", "contact": "seconda@example.org", "adults": 1})
    assert (first["status"], second["status"]) == ("pending", "pending")
    try:
        for registration, address in ((first, "prima@example.org"),
                                      (second, "seconda@example.org")):
            asked = wait_for(lambda: [m for m in smtp.messages() if m["To"] == address])
            token = re.search(r"/confirm\?token=([\w-]+)", text_of(asked[0])).group(1)
            confirmed = call(service_config, None, "events", "confirm_registration",
                             event["id"], registration["id"], {"token": token})
        assert confirmed["status"] == "waitlisted"
        call(service_config, None, "events", "cancel_registration", event["id"], first["id"],
             {"token": first["cancel_token"]})
        told = wait_for(lambda: [n for n in inbox(service_config, users["coord8"])["items"]
                                 if n["kind"] == "event_published"])
        assert "Uscita in natura" in told[0]["body"]
        assert wait_for(lambda: [m for m in smtp.messages() if m["To"] == "seconda@example.org"
                                 and "Posto confermato" in m["Subject"]])
        assert len([m for m in smtp.messages() if m["To"] == "prima@example.org"]) == 1
    finally:
        smtp.stop()


def test_a_fund_request_is_told_to_the_coordinators_of_its_municipio_only(
        runner_factory, service_config, users):
    runner = runner_factory(service_config, DirectoryService, FundsService, NotificationsService)
    runner.start()
    request = ask_for_money(service_config, users["partner8a"],
                            fund_for_municipio_8(service_config, users), "120.50")

    [told] = wait_for(lambda: told_of(service_config, users["coord8"], "fund_request_submitted"))
    assert told["link"] == f"/funds/requests/{request['id']}"
    assert told["body"] == (f"Richiesta {request['code']} di 120,50 € (ambito: sport) sul fondo "
                            f"del Municipio 8. Apritela per approvarla o respingerla.")
    assert "R-2026-0042" not in str(inbox(service_config, users["coord8"]))
    assert inbox(service_config, users["coord3"])["total"] == 0


def test_approvals_reach_the_city_or_the_requester_and_so_do_payments(
        runner_factory, service_config, users):
    runner = runner_factory(service_config, DirectoryService, FundsService, NotificationsService)
    runner.start()
    budget = fund_for_municipio_8(service_config, users)
    partner, coordinator = users["partner8a"], users["coord8"]
    fee = ask_for_money(service_config, partner, budget, "120.50")
    camp = ask_for_money(service_config, partner, budget, "800.00", kind="collective",
                         referral_code=None, action="Campo estivo", category="educational")

    call(service_config, coordinator, "funds", "approve_request", camp["id"],
         {"reason": "Azione condivisa"})
    [awaiting] = wait_for(lambda: told_of(service_config, users["citta"],
                                          "fund_request_approved"))
    assert awaiting["link"] == f"/funds/requests/{camp['id']}"
    assert "attende la decisione della cabina di regia" in awaiting["body"]
    assert told_of(service_config, partner, "fund_request_approved") == []

    call(service_config, coordinator, "funds", "approve_request", fee["id"],
         {"reason": "Nel piano della rete"})
    [approved] = wait_for(lambda: told_of(service_config, partner, "fund_request_approved"))
    assert approved["link"] == f"/funds/requests/{fee['id']}"
    assert fee["code"] in approved["body"] and "la spesa è autorizzata" in approved["body"]
    assert len(told_of(service_config, users["citta"], "fund_request_approved")) == 1
    assert inbox(service_config, users["partner8b"])["total"] == 0

    yesterday = (date.today() - timedelta(days=1)).isoformat()
    call(service_config, coordinator, "funds", "record_payment", fee["id"],
         {"amount": "120.50", "paid_on": yesterday, "receipt_reference": "FT-7"})
    [paid] = wait_for(lambda: told_of(service_config, partner, "payment_recorded"))
    assert paid["link"] == f"/funds/requests/{fee['id']}"
    assert "120,50 €" in paid["body"] and "interamente pagata" in paid["body"]
    assert inbox(service_config, users["partner8b"])["total"] == 0


def test_a_webhook_that_never_takes_its_delivery_is_disabled_and_its_administrator_told(
        runner_factory, service_config, users):
    config = {**service_config, "WEBHOOK_ALLOW_PRIVATE": True, "WEBHOOK_MAX_ATTEMPTS": 1}
    runner_factory(config, DirectoryService, NotificationsService).start()
    admin = users["partner8a"]  # partner_admin of its organisation
    webhook = call(config, admin, "notifications", "create_webhook", {
        "url": "https://127.0.0.1:9/nobody-listens", "kinds": ["referral_sent"]})
    publish_event(config, "referrals", envelope("referral_sent", {
        "referral_id": "r-1", "code": "R-2026-0001", "status": "sent", "urgency": "high",
        "municipio": 8, "to_municipi": [], "from_organization_id": None,
        "from_user_id": users["asc8"].user_id, "to_organization_id": admin.organization_id,
        "to_service_id": None}))

    told = wait_for(lambda: told_of(config, admin, "webhook_disabled"))
    assert told[0]["link"] == "/webhooks" and webhook["url"] in told[0]["body"]
    [shown] = call(config, admin, "notifications", "list_webhooks")
    assert shown["status"] == "disabled"
    [delivery] = call(config, admin, "notifications", "webhook_deliveries", webhook["id"])["items"]
    assert (delivery["status"], delivery["attempts"], delivery["last_status"]) == ("failed", 1, None)
