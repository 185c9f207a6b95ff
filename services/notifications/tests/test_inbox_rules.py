"""The notifications' rules on a real database and a real SMTP server, with a controllable
clock instead of sleeps: channels, preferences, quiet hours, digests, retries and bounces."""
from datetime import datetime, timedelta, timezone
from email import message_from_bytes, policy

import pytest
from sqlalchemy import func, select

from services.common.config import ConfigurationError, load_settings
from services.common.context import Caller
from services.common.database import Store
from services.common.errors import Invalid, NotFound
from services.notifications import digest, inbox, mailer, preferences
from services.notifications.contract import CHANNELS
from services.notifications.kinds import KINDS
from services.notifications.models import Base, Delivery, Notification
from services.notifications.templates import render
from tests.smtp import SmtpServer, html_of, text_of

ALICE = Caller(user_id="alice", roles=["partner"], municipi=[8])
BOB = Caller(user_id="bob", roles=["coordinator"], municipi=[8])
PEOPLE = [{"user_id": "alice", "email": "alice@rete-qubi.example", "language": "it",
           "roles": ["partner"]},
          {"user_id": "bob", "email": "bob@rete-qubi.example", "language": "en",
           "roles": ["coordinator"]}]
REFERRAL = {"code": "R-2026-0042", "sender": "La Casa dei Giochi", "receiver": "Spazio Famiglie",
            "urgency": "high", "referral_id": "r-1"}
ORG = {"organization_name": "APS Otto", "municipi": "8", "organization_id": "o-1"}
PUBLIC = "https://qubi.example"
NOON = datetime(2026, 11, 25, 11, 0, tzinfo=timezone.utc)    # 12:00 in Milan
NIGHT = datetime(2026, 11, 25, 21, 30, tzinfo=timezone.utc)  # 22:30 in Milan


@pytest.fixture
def store(databases):
    store = Store(databases["notifications"], Base.metadata)
    yield store
    store.dispose()


@pytest.fixture
def smtp(tmp_path):
    server = SmtpServer(tmp_path / "mail").start()
    yield server
    server.stop()


def tell(store, kind, params, event_id="e1", people=PEOPLE, now=NOON):
    with store.transaction() as tx:
        return inbox.deliver(tx, people, kind, params, event_id, "/referrals/r-1", PUBLIC, now)


def deliveries(store):
    with store.sessions() as session:
        return session.execute(select(Delivery).order_by(Delivery.to_address)).scalars().all()


def send(store, smtp, now, attempts=3):
    settings = mailer.MailSettings.from_url(smtp.url, "Rete QuBì <noreply@rete-qubi.example>")
    return mailer.send_due(store, settings, now, attempts)


def test_each_person_gets_one_notification_and_sees_only_their_own(store):
    tell(store, "organization_registered", ORG)
    with store.sessions() as session:
        mine = inbox.inbox_page(session, ALICE, 1, 50)["items"]
        assert [n.user_id for n in mine] == ["alice"]
        assert inbox.inbox_page(session, ALICE, 1, 50)["unread"] == 1
    with pytest.raises(NotFound):
        with store.transaction() as tx:
            inbox.mark_read(tx.session, BOB, mine[0].id)
    with store.transaction() as tx:
        assert inbox.mark_all_read(tx.session, ALICE) == 1
    with store.sessions() as session:
        assert inbox.inbox_page(session, ALICE, 1, 50)["unread"] == 0
        assert inbox.inbox_page(session, BOB, 1, 50)["unread"] == 1


def test_a_new_referral_is_emailed_at_once_in_each_persons_language(store, smtp):
    tell(store, "referral_sent", REFERRAL)
    assert send(store, smtp, NOON) == {"sent": 2, "retry": 0, "failed": 0, "bounced": 0}
    by_address = {m["To"]: m for m in smtp.messages()}
    italian = by_address["alice@rete-qubi.example"]
    assert italian["Subject"] == "[Rete QuBì] Nuovo invio per la vostra organizzazione"
    assert "R-2026-0042" in text_of(italian) and "urgenza alta" in text_of(italian)
    assert "https://qubi.example/referrals/r-1" in text_of(italian)
    assert '<a href="https://qubi.example/referrals/r-1">' in html_of(italian)
    assert "New referral" in by_address["bob@rete-qubi.example"]["Subject"]
    assert {d.status for d in deliveries(store)} == {"sent"}


def test_quiet_hours_hold_email_until_morning(store, smtp):
    tell(store, "referral_sent", REFERRAL, now=NIGHT)
    assert send(store, smtp, NIGHT)["sent"] == 0
    morning = datetime(2026, 11, 26, 7, 0, tzinfo=timezone.utc)  # 08:00 in Milan
    assert send(store, smtp, morning - timedelta(minutes=1))["sent"] == 0
    assert send(store, smtp, morning)["sent"] == 2


def test_without_quiet_hours_email_goes_at_night_too(store, smtp):
    with store.transaction() as tx:
        inbox.deliver(tx, PEOPLE, "referral_sent", REFERRAL, "e1", "/referrals/r-1", PUBLIC,
                      NIGHT, quiet_hours="")
    assert send(store, smtp, NIGHT)["sent"] == 2


def test_a_person_who_turns_quiet_hours_off_is_emailed_at_night(store, smtp):
    with store.transaction() as tx:
        preferences.write(tx, ALICE, {"quiet_hours": {"start": None, "end": None}})
    with store.sessions() as session:
        assert preferences.read(session, ALICE)["quiet_hours"] == {"start": None, "end": None}
    tell(store, "referral_sent", REFERRAL, now=NIGHT)
    send(store, smtp, NIGHT)
    assert [m["To"] for m in smtp.messages()] == ["alice@rete-qubi.example"]  # Bob: quiet


def test_off_digest_and_in_app_are_obeyed(store, smtp):
    with store.transaction() as tx:
        preferences.write(tx, ALICE, {"preferences": {"organization_registered": "off",
                                                      "referral_accepted": "in_app"}})
        preferences.write(tx, BOB, {"preferences": {"referral_accepted": "digest"}})
    tell(store, "organization_registered", ORG, event_id="e-org")
    tell(store, "referral_accepted", REFERRAL, event_id="e-acc")
    with store.sessions() as session:
        told = sorted((n.user_id, n.kind, n.channel)
                      for n in session.execute(select(Notification)).scalars())
    assert told == [("alice", "referral_accepted", "in_app"),
                    ("bob", "organization_registered", "digest"),
                    ("bob", "referral_accepted", "digest")]
    assert send(store, smtp, NOON)["sent"] == 0  # nothing by email at once


def test_a_referral_sent_to_you_cannot_be_turned_off(store):
    with pytest.raises(Invalid) as invalid:
        with store.transaction() as tx:
            preferences.write(tx, ALICE, {"preferences": {"referral_sent": "off"}})
    assert "preferences.referral_sent" in invalid.value.errors
    with store.sessions() as session:
        shown = preferences.read(session, ALICE)
    assert shown["preferences"]["referral_sent"] == "email" and "referral_sent" in shown["mandatory"]


def test_the_preferences_name_each_kind_in_the_callers_language(store):
    with store.sessions() as session:
        italian = preferences.read(session, ALICE)
        english = preferences.read(session, Caller(user_id="bob", roles=["coordinator"],
                                                   language="en"))
    assert set(italian["names"]) == set(italian["preferences"]) == set(KINDS)
    assert italian["names"]["referral_sent"] == "Nuovo invio ricevuto"
    assert english["names"]["referral_sent"] == "New referral received"
    assert (italian["preferences"]["fund_request_submitted"],
            english["preferences"]["fund_request_submitted"]) == ("in_app", "email")


def test_a_digest_gathers_a_days_items_into_one_email(store, smtp):
    with store.transaction() as tx:
        preferences.write(tx, ALICE, {"preferences": {"referral_accepted": "digest",
                                                      "referral_completed": "digest"}})
    yesterday = NOON - timedelta(days=1)
    tell(store, "organization_registered", ORG, event_id="e1", people=PEOPLE[:1], now=yesterday)
    tell(store, "referral_accepted", REFERRAL, event_id="e2", people=PEOPLE[:1], now=yesterday)
    tell(store, "referral_completed", REFERRAL, event_id="e3", people=PEOPLE[:1], now=yesterday)
    early = datetime(2026, 11, 25, 5, 0, tzinfo=timezone.utc)  # 06:00 in Milan, before 07:00
    with store.transaction() as tx:
        assert digest.build_due(tx, early, 7, PUBLIC) == 0
    with store.transaction() as tx:
        assert digest.build_due(tx, NOON, 7, PUBLIC) == 1
    with store.transaction() as tx:
        assert digest.build_due(tx, NOON + timedelta(hours=1), 7, PUBLIC) == 0  # one a day
    send(store, smtp, NOON)
    [message] = smtp.messages()
    assert message["Subject"] == "[Rete QuBì] Rete QuBì: il riepilogo del 25 novembre 2026"
    body = text_of(message)
    assert "APS Otto" in body and "accettato" in body and "concluso" in body


def test_a_mail_server_that_is_down_is_retried_with_backoff_then_failed(store, smtp):
    tell(store, "referral_sent", REFERRAL, people=PEOPLE[:1])
    smtp.stop()
    assert send(store, smtp, NOON, attempts=3)["retry"] == 1
    [delivery] = deliveries(store)
    assert delivery.status == "pending" and delivery.attempts == 1
    assert send(store, smtp, NOON + timedelta(seconds=30))["retry"] == 0  # not due yet
    smtp.start()
    assert send(store, smtp, NOON + timedelta(minutes=1))["sent"] == 1
    assert len(smtp.messages()) == 1

    tell(store, "referral_sent", REFERRAL, event_id="e2", people=PEOPLE[:1])
    smtp.stop()
    later = NOON
    for _ in range(3):
        later += timedelta(hours=7)
        send(store, smtp, later, attempts=3)
    failed = [d for d in deliveries(store) if d.status == "failed"]
    assert len(failed) == 1 and failed[0].attempts == 3 and failed[0].last_error


def test_a_refused_address_is_a_bounce(store, smtp):
    tell(store, "referral_sent", REFERRAL, people=[{**PEOPLE[0], "email": "nobody@rete-qubi.example"}])
    assert send(store, smtp, NOON)["bounced"] == 1
    with store.sessions() as session:
        notification = session.execute(select(Notification)).scalar_one()
        assert inbox.email_statuses(session, [notification]) == {notification.id: "bounced"}


def test_a_file_url_keeps_each_email_as_one_eml_file(store, tmp_path):
    directory = tmp_path / "posta in arrivo"
    tell(store, "referral_sent", REFERRAL, people=PEOPLE[:1])
    settings = mailer.MailSettings.from_url(directory.as_uri(), "Rete QuBì <noreply@qubi.example>")
    assert mailer.send_due(store, settings, NOON, 3) == {"sent": 1, "retry": 0, "failed": 0,
                                                         "bounced": 0}
    [delivery] = deliveries(store)
    assert delivery.status == "sent"
    assert [path.name for path in directory.iterdir()] == [f"{delivery.id}.eml"]
    message = message_from_bytes((directory / f"{delivery.id}.eml").read_bytes(),
                                 policy=policy.default)
    assert message["To"] == "alice@rete-qubi.example"
    assert message["Subject"] == "[Rete QuBì] Nuovo invio per la vostra organizzazione"
    assert "R-2026-0042" in text_of(message) and "R-2026-0042" in html_of(message)


@pytest.mark.parametrize("url, where", [
    ("smtp://mail.example:2525", "smtp://mail.example:2525"),
    ("smtps://user:secret@mail.example", "smtps://mail.example:465"),
    ("file:///srv/qubi/mail", "/srv/qubi/mail (one .eml file per email)"),
])
def test_smtp_url_says_where_the_mail_goes_without_its_password(url, where):
    assert load_settings({"QUBI_ENV": "test", "SMTP_URL": url}).mail_transport.where == where


@pytest.mark.parametrize("url", ["file://var/mail", "mailto:ops@example.org"])
def test_an_smtp_url_that_cannot_be_read_is_refused_at_start(url):
    with pytest.raises(ConfigurationError, match="SMTP_URL"):
        load_settings({"QUBI_ENV": "test", "SMTP_URL": url})


def test_one_event_for_a_thousand_people_is_a_thousand_notifications(store):
    people = [{"user_id": f"u{n}", "email": None, "language": "it", "roles": ["partner"]}
              for n in range(1000)]
    assert tell(store, "organization_registered", ORG, people=people) == 1000
    with store.sessions() as session:
        assert session.execute(select(func.count()).select_from(Notification)).scalar_one() == 1000


def test_every_kind_speaks_italian_and_english_without_family_data():
    for kind in KINDS.values():  # their words: test_notification_words.py
        assert "*" in kind.default and set(kind.default.values()) <= set(CHANNELS)
    assert render("organization_registered", ORG)["body"].startswith("APS Otto è entrata")
    assert "joined" in render("organization_registered", ORG, "en")["body"]
    assert render("referral_sent", REFERRAL)["body"].startswith("Un nuovo invio (codice R-2026-0042)")
