"""SMS to families who registered with a phone (sms.py, sms_texts.py, sms_sending.py), without a
broker: what they say, the caps, STOP, the reports, and the files kept in development."""
import json
from datetime import datetime, timedelta, timezone
from pathlib import Path
from types import SimpleNamespace

import pytest
from nameko.testing.services import worker_factory
from sqlalchemy import select

from services import admin
from services.common.database import Store
from services.common.events import envelope
from services.common.errors import Forbidden, NotFound
from services.notifications import sms, sms_sending, sms_texts
from services.notifications.models import Base, Sms
from services.notifications.service import NotificationsService

NOW = datetime(2027, 12, 1, 9, 0, tzinfo=timezone.utc)  # 10:00 in Milan
RULES = sms.SmsRules(per_day=3, per_event=2, max_attempts=2, public_url="https://qubi.example")
PHONE = "+393331234567"
FESTA = {"event_id": "e-1", "registration_id": "r-1", "title": "Festa di Natale",
         "starts_at": "2027-12-19T15:00:00+01:00"}


@pytest.fixture
def store(databases):
    store = Store(databases["notifications"], Base.metadata)
    yield store
    store.dispose()


def owe(store, kind="registration_promoted", about=FESTA, phone=PHONE, now=NOW, **link):
    with store.transaction() as tx:
        owed = sms.owe(tx, RULES, kind, about, phone, now, **link)
        return owed.id, owed.status, owed.reason, owed.text


def row(store, sms_id) -> Sms:
    with store.transaction() as tx:
        found = tx.session.get(Sms, sms_id)
        tx.session.expunge(found)
        return found


def report(store, sms_id, status, now):
    """A delivery report with the SMS's own token, as Kannel brings it back."""
    token = row(store, sms_id).report_token
    with store.transaction() as tx:
        sms.record_report(tx.session, RULES, sms_id, token, status, now)


def test_each_text_says_the_event_its_day_and_time_and_what_happened_in_one_sms():
    link = "https://qubi.example/s/abcdefgh"
    said = {kind: sms_texts.text(kind, "Festa di Natale", "2027-12-19T15:00:00+01:00", link,
                                 "2027-12-18T10:00:00+01:00") for kind in sms_texts.TEXTS}
    assert said["registration_promoted"] == (
        "Rete QuBì: si è liberato un posto, la tua iscrizione a Festa di Natale (dom 19/12 ore "
        "15:00) è confermata. Il tuo pass: https://qubi.example/s/abcdefgh")
    assert said["registration_requested"].startswith(
        "Rete QuBì: conferma l'iscrizione a Festa di Natale (dom 19/12 ore 15:00) entro sab "
        "18/12 ore 10:00: https://qubi.example/s/abcdefgh")
    assert "è cambiato: ora è dom 19/12 ore 15:00. Dettagli: " + link in said["event_updated"]
    assert "Festa di Natale (dom 19/12 ore 15:00) è annullato" in said["event_cancelled"]
    assert "domani ti aspettiamo a Festa di Natale (dom 19/12 ore 15:00)" in said["event_reminder"]
    assert said["event_cancelled"].endswith("Per non ricevere più SMS: STOP")  # where it fits
    assert all(sms_texts.gsm_length(text) <= sms_texts.LIMIT for text in said.values())


def test_a_long_title_is_shortened_to_keep_one_sms_and_its_link_whole():
    title = "«Grande festa di Natale del quartiere» con merenda, giochi, musica " * 3
    said = sms_texts.text("registration_requested", title, "2027-12-19T15:00:00+01:00",
                          "https://qubi.example/s/abcdefgh", "2027-12-18T10:00:00+01:00")
    assert sms_texts.gsm_length(said) <= 160
    assert '"Grande festa di Natale' in said and "... (dom 19/12 ore 15:00)" in said
    assert "https://qubi.example/s/abcdefgh" in said
    assert sms_texts.gsm_length("Natale ☃") is None  # a snowman needs Unicode


def test_a_confirmation_carries_a_short_link_to_the_page_that_confirms(store):
    sms_id, status, _, text = owe(
        store, "registration_requested", {**FESTA, "until": "2027-12-02T10:00:00+01:00"},
        link="/events/e-1/registrations/r-1/confirm?token=tok",
        link_expires=NOW + timedelta(hours=24))
    code = text.split("https://qubi.example/s/")[1].split(" ")[0]
    with store.transaction() as tx:
        assert sms.follow(tx.session, code, NOW) == (
            "/events/e-1/registrations/r-1/confirm?token=tok")
        with pytest.raises(NotFound):
            sms.follow(tx.session, code, NOW + timedelta(hours=24))
    assert status == "pending" and "tok" not in text


def test_over_a_cap_nothing_is_sent_and_the_reason_is_kept(store):
    first, second = owe(store), owe(store)
    assert (first[1], second[1]) == ("pending", "pending")
    assert owe(store)[1:3] == ("held", "event_cap")  # a third about the same event
    assert owe(store, about={**FESTA, "event_id": "e-2"})[1] == "pending"
    assert owe(store, about={**FESTA, "event_id": "e-3"})[1:3] == ("held", "daily_cap")
    tomorrow = NOW + timedelta(days=1)
    assert owe(store, about={**FESTA, "event_id": "e-3"}, now=tomorrow)[1] == "pending"
    assert owe(store, phone="+393339999999")[1] == "pending"  # another family's number


def test_stop_opts_the_number_out_and_holds_what_was_still_to_go(store):
    waiting = owe(store)[0]
    with store.transaction() as tx:
        assert not sms.receive(tx.session, "+39 333 1234567", "ciao", NOW)
        assert sms.receive(tx.session, "3331234567", " stop ", NOW)
    assert (row(store, waiting).status, row(store, waiting).reason) == ("held", "stop")
    assert owe(store, about={**FESTA, "event_id": "e-2"})[1:3] == ("held", "stop")
    assert owe(store, phone="+393339999999")[1] == "pending"


def test_the_inbound_token_is_the_configured_one_and_none_without_it():
    sms.require_token("segreto", "segreto")
    for expected, given in (("segreto", "altro"), ("segreto", ""), ("", "")):
        with pytest.raises(Forbidden):
            sms.require_token(expected, given)


def test_in_development_each_sms_is_a_file_to_read(store, tmp_path):
    sms_id = owe(store)[0]
    gateway = sms_sending.SmsGateway("", "", "", "", tmp_path / "sms", "https://qubi.example")
    assert sms_sending.send_due(store, gateway, NOW, 2) == {"sent": 1, "retry": 0, "failed": 0}
    kept = Path(tmp_path / "sms" / f"{sms_id}.txt").read_text(encoding="utf-8")
    assert kept.startswith(f"To: {PHONE}\n\nRete QuBì: si è liberato un posto")
    assert row(store, sms_id).status == "sent"
    assert sms_sending.send_due(store, gateway, NOW, 2)["sent"] == 0  # sent once


def test_an_sms_one_loop_is_sending_is_not_sent_by_another_replicas(store, tmp_path,
                                                                    monkeypatch):
    owe(store)
    gateway = sms_sending.SmsGateway("", "", "", "", tmp_path / "sms", "https://qubi.example")
    deliver, other_loop = sms_sending._deliver, []

    def deliver_while_another_loop_runs(*args):
        monkeypatch.setattr(sms_sending, "_deliver", deliver)
        other_loop.append(sms_sending.send_due(store, gateway, NOW, 2))
        return deliver(*args)

    monkeypatch.setattr(sms_sending, "_deliver", deliver_while_another_loop_runs)
    assert sms_sending.send_due(store, gateway, NOW, 2)["sent"] == 1
    assert other_loop == [{"sent": 0, "retry": 0, "failed": 0}]
    assert len(list((tmp_path / "sms").iterdir())) == 1


def test_a_gateway_that_does_not_answer_is_tried_again_later_then_given_up(store):
    sms_id = owe(store)[0]
    gateway = sms_sending.SmsGateway("http://127.0.0.1:9/cgi-bin/sendsms", "u", "p", "", Path(),
                                     "https://qubi.example", timeout=1)
    assert sms_sending.send_due(store, gateway, NOW, 2)["retry"] == 1
    assert sms_sending.send_due(store, gateway, NOW, 2)["retry"] == 0  # not due yet
    later = NOW + timedelta(minutes=2)
    assert sms_sending.send_due(store, gateway, later, 2)["failed"] == 1
    failed = row(store, sms_id)
    assert (failed.status, failed.attempts) == ("failed", 2) and "Connection" in failed.last_error


def test_delivery_reports_are_recorded_and_a_failed_one_is_sent_again_bounded(store, tmp_path):
    gateway = sms_sending.SmsGateway("", "", "", "", tmp_path, "https://qubi.example")
    delivered, undelivered = owe(store)[0], owe(store, phone="+393339999999")[0]
    sms_sending.send_due(store, gateway, NOW, 2)
    with store.transaction() as tx:
        with pytest.raises(NotFound):  # a forged report
            sms.record_report(tx.session, RULES, delivered, "not-its-token", 1, NOW)
    # in any order: the report that it reached the phone, then the SMSC's that it took it
    for sms_id, status in ((delivered, 1), (delivered, 8), (undelivered, 8), (undelivered, 2)):
        report(store, sms_id, status, NOW)
    assert (row(store, delivered).status, row(store, delivered).report_status) == ("delivered", 1)
    assert row(store, undelivered).status == "pending"  # sent again after a backoff
    sms_sending.send_due(store, gateway, NOW + timedelta(minutes=2), 2)
    report(store, undelivered, 2, NOW + timedelta(minutes=3))
    assert (row(store, undelivered).status, row(store, undelivered).attempts) == ("failed", 2)


def test_registrants_without_a_phone_are_sent_no_sms(store):
    people = [{"registration_id": "r-1", "phone": PHONE}, {"registration_id": "r-2",
                                                          "phone": None}]
    params = {"title": "Festa", "starts_at": "2027-12-19T15:00:00+01:00"}
    with store.transaction() as tx:
        owed = sms.owe_to_registrants(tx, RULES, "event_cancelled", "e-1", people, params, None,
                                      NOW)
        assert [(s.registration_id, s.to_number) for s in owed] == [("r-1", PHONE)]
        assert sms.owe_to_registrants(tx, RULES, "referral_sent", "e-1", people, params, None,
                                      NOW) == []
    with store.transaction() as tx:
        assert len(tx.session.execute(select(Sms)).all()) == 1


class Events:
    """The events service as the notifications service asks it: one event, two registrants."""

    def event_brief(self, event_id):
        return {"id": event_id, "title": "Festa di Natale", "municipio": 8,
                "starts_at": "2027-12-19T16:00:00+01:00"}

    def registrants(self, event_id):
        return [{"registration_id": "r-1", "name": "Rossi", "contact": PHONE,
                 "status": "confirmed"},
                {"registration_id": "r-2", "name": "Bianchi", "contact": "bianchi@example.org",
                 "status": "confirmed"}]


def test_a_change_of_time_reaches_the_phone_it_was_given_for_once(store):
    service = worker_factory(NotificationsService, db=store, events_rpc=Events(),
                             config={"PUBLIC_URL": "https://qubi.example", "QUIET_HOURS": ""})
    updated = envelope("event_updated", {"event_id": "e-1", "municipio": 8,
                                         "changed": ["starts_at"], "registrations": 2})
    service.on_event_updated(updated)
    service.on_event_updated(updated)  # told again: nothing more
    with store.transaction() as tx:
        [owed] = tx.session.execute(select(Sms)).scalars().all()
        assert (owed.to_number, owed.event_id, owed.registration_id) == (PHONE, "e-1", "r-1")
        assert owed.text.startswith("Rete QuBì: Festa di Natale è cambiato: ora è dom 19/12 ore "
                                    "16:00. Dettagli: https://qubi.example/s/")
        code = owed.text.split("/s/")[1].split(" ")[0]
        assert sms.follow(tx.session, code, NOW) == "/events/e-1"


def test_an_operator_lists_the_sms_held_and_why_without_the_numbers(store, databases, capsys):
    owe(store), owe(store)
    held = owe(store)[0]
    admin.sms(SimpleNamespace(databases=databases), ["failed", "held"])
    listed, summary = capsys.readouterr()
    assert [json.loads(line)["id"] for line in listed.splitlines()] == [held]
    assert json.loads(listed)["reason"] == "event_cap" and PHONE not in listed
    assert summary == "1 SMS failed/held\n"
