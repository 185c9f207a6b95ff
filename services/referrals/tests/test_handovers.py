"""Referrals' rules on a real database, without a broker: moves, who sees what, consent,
audit, deadlines, retention and encryption at rest."""
import dataclasses
import itertools
import logging
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import select

from services.common.context import Caller
from services.common.database import Store
from services.common.errors import Conflict, Forbidden, Invalid, NotFound
from services.common.schemas import load, local_time
from services.common.sealing import Cipher
from services.referrals import crypto, deadlines, handovers, retention
from services.referrals.contract import ReferralCreateSchema
from services.referrals.models import Base, Family, Referral

SENDER_ORG, RECEIVER_ORG, OTHER_ORG = "0" * 35 + "1", "0" * 35 + "2", "0" * 35 + "3"
SENDER = Caller(mfa=True, user_id="u-sender", roles=["partner"], municipi=[8],
                organization_id=SENDER_ORG)
SENDER_COLLEAGUE = Caller(mfa=True, user_id="u-colleague", roles=["partner"], municipi=[8],
                          organization_id=SENDER_ORG)
RECEIVER = Caller(mfa=True, user_id="u-receiver", roles=["partner"], municipi=[4],
                  organization_id=RECEIVER_ORG)
OTHER_PARTNER = Caller(mfa=True, user_id="u-other", roles=["partner"], municipi=[8],
                       organization_id=OTHER_ORG)
ASC8 = Caller(mfa=True, user_id="u-asc8", roles=["social_worker"], municipi=[8])
ASC4 = Caller(mfa=True, user_id="u-asc4", roles=["social_worker"], municipi=[4])
ASC3 = Caller(mfa=True, user_id="u-asc3", roles=["social_worker"], municipi=[3])
COORD8 = Caller(user_id="u-coord8", roles=["coordinator"], municipi=[8])
COORD3 = Caller(user_id="u-coord3", roles=["coordinator"], municipi=[3])
CITY = Caller(user_id="u-city", roles=["city"])
ANONYMOUS = Caller()
GUARDIAN, PHONE, PHONE_KEPT = "Maria Rossi Bianchi", "3471234567", "+39 347 123 4567"
NOW = datetime(2026, 11, 25, 9, 0, tzinfo=timezone.utc)  # a Wednesday


def request(**changes) -> dict:
    body = {
        "to_organization_id": RECEIVER_ORG, "needs": ["educational", "sport"],
        "summary": "Two children need an after-school space and a sports fee.",
        "urgency": "normal",
        "family": {"reference": "QO-17", "guardian_name": GUARDIAN, "phone": PHONE,
                   "address": "Via Aldini 12", "municipio": 8, "zone": "Quarto Oggiaro",
                   "children": [{"age": 3}, {"age": 9}]},
        "consent": {"given_by": GUARDIAN, "method": "written",
                    "obtained_at": (NOW - timedelta(days=1)).isoformat(),
                    "expires_at": (datetime.now(timezone.utc) + timedelta(days=180)).isoformat()},
    }
    body.update(changes)
    return body


@pytest.fixture
def store(databases):
    store = Store(databases["referrals"], Base.metadata)
    yield store
    store.dispose()


@pytest.fixture
def key():
    return Fernet.generate_key()


@pytest.fixture
def cipher(key):
    return Cipher([key])


@pytest.fixture
def referral_id(store, cipher):
    return send(store, cipher)


FAMILIES = itertools.count(1)


def send(store, cipher, caller=SENDER, receiver=RECEIVER_ORG, **changes):
    """A referral of a family of its own, unless `family` is given (the same family twice at
    one organisation is a conflict)."""
    changes.setdefault("family", {**request()["family"], "reference": f"QO-17-{next(FAMILIES)}"})
    data = load(ReferralCreateSchema(), request(to_organization_id=receiver, **changes))
    with store.transaction() as tx:
        return handovers.send(tx, caller, data, {"id": receiver, "municipi": [4]}, cipher,
                              now=NOW).id


def read(store, cipher, caller, referral_id):
    with store.transaction() as tx:
        return handovers.read(tx, caller, referral_id, cipher)


def move(store, caller, referral_id, status, **details):
    with store.transaction() as tx:
        return handovers.move(tx, caller, referral_id, status, **details)


def test_every_legal_move(store, cipher):
    completed = send(store, cipher)
    assert move(store, RECEIVER, completed, "accepted").status == "accepted"
    assert move(store, RECEIVER, completed, "completed", outcome="enrolled").outcome == "enrolled"
    declined = send(store, cipher, family={**request()["family"], "reference": "QO-18"})
    assert move(store, RECEIVER, declined, "declined", decline_reason="no_capacity").status == "declined"
    withdrawn_early = send(store, cipher)
    assert move(store, SENDER, withdrawn_early, "withdrawn", withdraw_reason="moved").status == "withdrawn"
    withdrawn_late = send(store, cipher)
    move(store, RECEIVER, withdrawn_late, "accepted")
    assert move(store, SENDER_COLLEAGUE, withdrawn_late, "withdrawn",
                withdraw_reason="family moved away").status == "withdrawn"


@pytest.mark.parametrize("path, illegal", [
    ([], ("completed", RECEIVER)),                             # sent -> completed
    ([("accepted", RECEIVER)], ("accepted", RECEIVER)),        # accepted twice
    ([("accepted", RECEIVER)], ("declined", RECEIVER)),        # accepted -> declined
    ([("declined", RECEIVER)], ("accepted", RECEIVER)),        # declined is final
    ([("declined", RECEIVER)], ("withdrawn", SENDER)),
    ([("withdrawn", SENDER)], ("accepted", RECEIVER)),         # withdrawn is final
    ([("accepted", RECEIVER), ("completed", RECEIVER)], ("withdrawn", SENDER)),  # completed is final
    ([("accepted", RECEIVER), ("completed", RECEIVER)], ("accepted", RECEIVER)),
])
def test_every_illegal_move_is_a_conflict(store, referral_id, path, illegal):
    details = {"declined": {"decline_reason": "other"}, "completed": {"outcome": "enrolled"},
               "withdrawn": {"withdraw_reason": "x"}}
    for status, caller in path:
        move(store, caller, referral_id, status, **details.get(status, {}))
    status, caller = illegal
    with pytest.raises(Conflict):
        move(store, caller, referral_id, status, **details.get(status, {}))


def test_only_the_receiver_answers_and_only_the_sender_withdraws(store, referral_id):
    for caller in (SENDER, ASC8):
        with pytest.raises(Forbidden):
            move(store, caller, referral_id, "accepted")
    with pytest.raises(Forbidden):
        move(store, RECEIVER, referral_id, "withdrawn", withdraw_reason="x")
    with pytest.raises(NotFound):
        move(store, OTHER_PARTNER, referral_id, "accepted")


def personal_parts(view: dict) -> set:
    family = view.get("family", {})
    return {key for key in ("guardian_name", "phone", "address", "reference") if key in family} | (
        {"given_by"} if "given_by" in view.get("consent", {}) else set())


FULL = {"guardian_name", "phone", "address", "reference", "given_by"}


def test_who_sees_what_of_the_same_referral(store, cipher, referral_id):
    seen = {name: read(store, cipher, caller, referral_id) for name, caller in {
        "sender": SENDER, "colleague": SENDER_COLLEAGUE, "receiver": RECEIVER, "asc8": ASC8,
        "asc4": ASC4, "coord8": COORD8}.items()}
    assert personal_parts(seen["sender"]) == FULL
    assert seen["sender"]["family"]["guardian_name"] == GUARDIAN
    assert personal_parts(seen["colleague"]) == FULL
    assert personal_parts(seen["asc8"]) == FULL
    assert personal_parts(seen["asc4"]) == FULL  # the receiver's municipio: cross-network
    receiver = seen["receiver"]
    assert personal_parts(receiver) == set() and receiver["view"] == "before_acceptance"
    assert receiver["needs"] == ["educational", "sport"] and receiver["urgency"] == "normal"
    assert receiver["family"] == {"municipio": 8, "zone": "Quarto Oggiaro",
                                  "children": [{"age": 3}, {"age": 9}]}
    coordinator = seen["coord8"]
    assert coordinator["view"] == "metadata"
    assert not {"family", "needs", "summary", "notes", "consent"} & set(coordinator)
    assert coordinator["to_organization_id"] == RECEIVER_ORG and coordinator["status"] == "sent"
    for outsider in (OTHER_PARTNER, ASC3, COORD3, CITY, ANONYMOUS):
        with pytest.raises(NotFound):
            read(store, cipher, outsider, referral_id)

    move(store, RECEIVER, referral_id, "accepted")
    after = read(store, cipher, RECEIVER, referral_id)
    assert after["view"] == "full" and personal_parts(after) == FULL
    assert after["family"]["phone"] == PHONE_KEPT


def test_personal_data_and_notes_need_the_second_factor(store, cipher, referral_id):
    handovers_note = "La mamma, Maria, preferisce essere chiamata dopo le 17."
    with store.transaction() as tx:
        handovers.add_note(tx, SENDER, referral_id, handovers_note, cipher)
    move(store, RECEIVER, referral_id, "accepted")
    for caller in (SENDER, RECEIVER, ASC8):
        without = read(store, cipher, dataclasses.replace(caller, mfa=False), referral_id)
        assert without["view"] == "two_factor_required"
        assert personal_parts(without) == set() and without["notes"] == []
        assert without["needs"] == ["educational", "sport"]  # the hand-over itself is seen
        with_code = read(store, cipher, caller, referral_id)
        assert personal_parts(with_code) == FULL and with_code["notes"][0]["body"] == handovers_note
    with store.transaction() as tx:
        reads = [e.user_id for e in handovers.audit_trail(tx.session, COORD8, referral_id)
                 if e.action == "read_personal_data"]
    assert reads == [SENDER.user_id, RECEIVER.user_id, ASC8.user_id]  # only the reads with it


def test_withdrawing_consent_hides_the_family_from_the_receiver_at_once(store, cipher, referral_id):
    move(store, RECEIVER, referral_id, "accepted")
    with pytest.raises(Forbidden):
        with store.transaction() as tx:
            handovers.withdraw_consent(tx, RECEIVER, referral_id)
    with store.transaction() as tx:
        handovers.withdraw_consent(tx, SENDER, referral_id)
    receiver = read(store, cipher, RECEIVER, referral_id)
    assert personal_parts(receiver) == set() and receiver["status"] == "accepted"
    assert personal_parts(read(store, cipher, ASC8, referral_id)) == FULL  # history stays


def test_an_expired_consent_hides_the_family_from_the_receiver(store, cipher, referral_id):
    move(store, RECEIVER, referral_id, "accepted")
    with store.transaction() as tx:
        referral = tx.session.get(Referral, referral_id)
        referral.consent.expires_at = datetime.now(timezone.utc) - timedelta(minutes=1)
    assert personal_parts(read(store, cipher, RECEIVER, referral_id)) == set()


@pytest.mark.parametrize("consent, field", [
    ({}, "consent"),
    ({"consent": {"given_by": GUARDIAN, "method": "written",
                  "obtained_at": "2026-01-01T10:00:00+01:00",
                  "expires_at": "2026-02-01T10:00:00+01:00"}}, "consent.expires_at"),
    ({"consent": {"given_by": GUARDIAN, "method": "by telepathy",
                  "obtained_at": "2026-01-01T10:00:00+01:00",
                  "expires_at": "2036-02-01T10:00:00+01:00"}}, "consent.method"),
])
def test_no_valid_consent_no_referral(consent, field):
    body = request(**consent) if consent else {k: v for k, v in request().items() if k != "consent"}
    with pytest.raises(Invalid) as invalid:
        load(ReferralCreateSchema(), body)
    assert field in invalid.value.errors


def test_every_personal_data_read_and_every_change_is_audited(store, cipher, referral_id):
    read(store, cipher, SENDER, referral_id)
    read(store, cipher, RECEIVER, referral_id)  # no personal data shown: not a personal read
    read(store, cipher, ASC8, referral_id)
    move(store, RECEIVER, referral_id, "accepted")
    read(store, cipher, RECEIVER, referral_id)
    with store.transaction() as tx:
        handovers.add_note(tx, RECEIVER, referral_id, "La famiglia è arrivata.", cipher)
    with store.sessions() as session:
        trail = [(e.user_id, e.action) for e in handovers.audit_trail(session, COORD8, referral_id)]
    assert trail == [("u-sender", "sent"), ("u-sender", "read_personal_data"),
                     ("u-asc8", "read_personal_data"), ("u-receiver", "accepted"),
                     ("u-receiver", "read_personal_data"), ("u-receiver", "note_added")]
    with pytest.raises(Forbidden):
        with store.sessions() as session:
            handovers.audit_trail(session, SENDER, referral_id)


def test_no_personal_data_in_events_or_logs(store, cipher, caplog):
    caplog.set_level(logging.DEBUG)
    data = load(ReferralCreateSchema(), request())
    with store.transaction() as tx:
        referral = handovers.send(tx, SENDER, data, {"id": RECEIVER_ORG, "municipi": [4]}, cipher)
        handovers.read(tx, SENDER, referral.id, cipher)
        handovers.move(tx, RECEIVER, referral.id, "accepted")
        handovers.add_note(tx, SENDER, referral.id, f"Chiamare {GUARDIAN}", cipher)
        handovers.withdraw_consent(tx, SENDER, referral.id)
        events = list(tx.events)
    assert [e["event_type"] for e in events] == [
        "referral_sent", "referral_accepted", "referral_note_added", "referral_consent_withdrawn"]
    text = repr(events) + caplog.text
    for secret in (GUARDIAN, "Maria", PHONE, PHONE_KEPT, "Via Aldini", "QO-17", "after-school"):
        assert secret not in text


def test_the_database_holds_no_personal_data_in_clear(store, cipher, databases, referral_id):
    with store.transaction() as tx:
        handovers.add_note(tx, SENDER, referral_id, "Telefonare alla signora Rossi Bianchi", cipher)
    url = databases["referrals"]
    if url.startswith("sqlite"):
        database = Path(url[len("sqlite:///"):])
        raw = b"".join(path.read_bytes() for path in database.parent.glob(database.name + "*"))
    else:
        with store.engine.connect() as connection:
            raw = "\n".join(str(row) for table in Base.metadata.sorted_tables
                            for row in connection.execute(table.select())).encode()
    assert raw  # something was read
    for secret in (GUARDIAN, "Rossi", PHONE, PHONE_KEPT, "Via Aldini"):
        assert secret.encode() not in raw
    assert personal_parts(read(store, cipher, SENDER, referral_id)) == FULL  # with the key


def test_the_same_family_referred_twice_is_one_family(store, cipher):
    family = request()["family"]
    first = send(store, cipher, family=family)
    second = send(store, cipher, receiver=OTHER_ORG, family=family, needs=["health"])
    with store.sessions() as session:
        assert session.get(Referral, first).family_id == session.get(Referral, second).family_id
        assert len(session.execute(select(Family)).scalars().all()) == 1
        assert session.get(Referral, first).code != session.get(Referral, second).code


def test_deadlines_count_working_days():
    friday = datetime(2026, 11, 27, 10, tzinfo=timezone.utc)
    assert deadlines.deadline_for(friday, "high").date().isoformat() == "2026-12-01"  # Tue
    # Sant'Ambrogio and the Immaculate Conception (7-8 December) are not working days in Milan
    assert deadlines.deadline_for(datetime(2026, 12, 4, 10, tzinfo=timezone.utc), "high").date().isoformat() == "2026-12-10"
    assert deadlines.easter_monday(2026).isoformat() == "2026-04-06"


def test_an_unanswered_referral_becomes_overdue_then_escalates(store, cipher, referral_id):
    with store.sessions() as session:
        deadline = session.get(Referral, referral_id).deadline_at
    with store.transaction() as tx:
        assert deadlines.sweep(tx, NOW + timedelta(days=1)) == {"overdue": 0, "escalated": 0}
    with store.transaction() as tx:
        assert deadlines.sweep(tx, local_time(deadline) + timedelta(minutes=1)) == {
            "overdue": 1, "escalated": 0}
        assert [e["event_type"] for e in tx.events] == ["referral_overdue"]
        assert tx.events[0]["payload"]["municipio"] == 8
    with store.transaction() as tx:
        assert deadlines.sweep(tx, NOW + timedelta(days=30)) == {"overdue": 0, "escalated": 1}
        assert [e["event_type"] for e in tx.events] == ["referral_escalated"]
    with store.transaction() as tx:
        assert deadlines.sweep(tx, NOW + timedelta(days=60)) == {"overdue": 0, "escalated": 0}
    overdue_first = send(store, cipher, family={**request()["family"], "reference": "QO-99"})
    with store.sessions() as session:
        listed, total = handovers.visible_page(session, ASC8)
    assert [entry[0].id for entry in listed] == [referral_id, overdue_first] and total == 2


def test_closed_referrals_lose_personal_data_after_the_retention_period(store, cipher, referral_id):
    move(store, RECEIVER, referral_id, "accepted")
    move(store, RECEIVER, referral_id, "completed", outcome="service_provided")
    open_one = send(store, cipher, family={**request()["family"], "reference": "QO-50"})
    with store.transaction() as tx:
        assert retention.erase_expired(tx, datetime.now(timezone.utc) + timedelta(days=365), 24) == 0
    with store.transaction() as tx:
        assert retention.erase_expired(tx, datetime.now(timezone.utc) + timedelta(days=800), 24) == 1
    erased = read(store, cipher, SENDER, referral_id)
    assert personal_parts(erased) == {"reference"}
    assert erased["outcome"] == "service_provided" and erased["needs"] == ["educational", "sport"]
    assert personal_parts(read(store, cipher, SENDER, open_one)) == FULL


def test_a_new_key_reads_old_data_and_rotation_rewrites_it(store, referral_id, key):
    with store.transaction() as tx:
        handovers.add_note(tx, SENDER, referral_id, "Nota", Cipher([key]))
    new = Fernet.generate_key()
    both = Cipher([new, key])
    assert read(store, both, SENDER, referral_id)["family"]["guardian_name"] == GUARDIAN
    with store.transaction() as tx:
        assert crypto.rotate_all(tx.session, both) == 3  # the family, the consent, the note
    view = read(store, Cipher([new]), SENDER, referral_id)
    assert view["family"]["guardian_name"] == GUARDIAN and view["notes"][0]["body"] == "Nota"


def test_rotation_rewrites_every_row_a_batch_at_a_time(store, cipher, key, monkeypatch):
    monkeypatch.setattr(crypto, "BATCH", 2)
    sent = [send(store, cipher, family={**request()["family"], "reference": f"QO-{n}"})
            for n in range(5)]
    new = Fernet.generate_key()
    with store.transaction() as tx:
        assert crypto.rotate_all(tx.session, Cipher([new, key])) == 10  # families and consents
    for referral_id in sent:
        assert read(store, Cipher([new]), SENDER, referral_id)["family"]["guardian_name"] \
            == GUARDIAN
