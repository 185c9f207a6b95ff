"""The notes of a referral may name the family: they are shown where the family's personal data
is, said why they are not elsewhere, and each read of them is in the audit. The receiver's note
when declining joins them."""
import pytest
from cryptography.fernet import Fernet

from services.common.database import Store
from services.common.sealing import Cipher
from services.referrals import handovers
from services.referrals.models import Base
from services.referrals.tests.test_handovers import (ASC8, COORD8, RECEIVER, SENDER, move, read,
                                                     send)
from services.referrals.visibility import present

NOTE = "La signora Rossi Bianchi preferisce essere chiamata dopo le 17."


@pytest.fixture
def store(databases):
    store = Store(databases["referrals"], Base.metadata)
    yield store
    store.dispose()


@pytest.fixture
def cipher():
    return Cipher([Fernet.generate_key()])


def add_note(store, cipher, caller, referral_id, body=NOTE):
    with store.transaction() as tx:
        handovers.add_note(tx, caller, referral_id, body, cipher)


def trail(store, referral_id) -> list:
    with store.sessions() as session:
        return [(entry.user_id, entry.action)
                for entry in handovers.audit_trail(session, COORD8, referral_id)]


def bodies(view: dict) -> list:
    return [note["body"] for note in view["notes"]]


def test_the_receiver_reads_no_notes_before_accepting(store, cipher):
    referral_id = send(store, cipher)
    add_note(store, cipher, SENDER, referral_id)
    before = read(store, cipher, RECEIVER, referral_id)
    assert bodies(before) == [] and before["notes_withheld"] == "not_accepted"
    move(store, RECEIVER, referral_id, "accepted")
    after = read(store, cipher, RECEIVER, referral_id)
    assert bodies(after) == [NOTE] and after["notes_withheld"] is None


def test_the_receiver_reads_no_notes_once_consent_is_withdrawn(store, cipher):
    referral_id = send(store, cipher)
    move(store, RECEIVER, referral_id, "accepted")
    add_note(store, cipher, SENDER, referral_id)
    with store.transaction() as tx:
        handovers.withdraw_consent(tx, SENDER, referral_id)
    receiver = read(store, cipher, RECEIVER, referral_id)
    assert bodies(receiver) == [] and receiver["notes_withheld"] == "consent_not_valid"
    assert bodies(read(store, cipher, ASC8, referral_id)) == [NOTE]  # the history stays


def test_lists_say_why_they_carry_no_notes(store, cipher):
    referral_id = send(store, cipher)
    add_note(store, cipher, SENDER, referral_id)
    with store.sessions() as session:
        ((referral, view, actions),), _total = handovers.visible_page(session, SENDER)
        listed = present(referral, view, cipher, handovers.utcnow(), personal=False)
    assert referral.id == referral_id
    assert listed["notes"] == [] and listed["notes_withheld"] == "not_in_lists"


def test_every_read_of_the_notes_is_audited(store, cipher):
    referral_id = send(store, cipher)
    read(store, cipher, SENDER, referral_id)  # no notes yet: nothing of them read
    add_note(store, cipher, SENDER, referral_id)
    read(store, cipher, SENDER, referral_id)
    read(store, cipher, RECEIVER, referral_id)  # before accepting: not shown, not a read
    move(store, RECEIVER, referral_id, "accepted")
    read(store, cipher, RECEIVER, referral_id)
    read(store, cipher, ASC8, referral_id)
    assert [entry for entry in trail(store, referral_id) if entry[1] == "read_notes"] == [
        (SENDER.user_id, "read_notes"), (RECEIVER.user_id, "read_notes"),
        (ASC8.user_id, "read_notes")]


def test_the_note_of_a_decline_reaches_the_sender_among_the_notes(store, cipher):
    referral_id = send(store, cipher)
    note = "Lista d'attesa fino a marzo: provate la Ludoteca QT8."
    with store.transaction() as tx:
        handovers.decline(tx, RECEIVER, referral_id, "no_capacity", f"  {note} ", cipher)
    sender = read(store, cipher, SENDER, referral_id)
    assert sender["status"] == "declined" and sender["decline_reason"] == "no_capacity"
    assert [(n["author_role"], n["body"]) for n in sender["notes"]] == [("receiver", note)]
    assert trail(store, referral_id)[1:3] == [(RECEIVER.user_id, "declined"),
                                               (RECEIVER.user_id, "note_added")]


def test_a_decline_without_a_note_adds_none(store, cipher):
    referral_id = send(store, cipher)
    with store.transaction() as tx:
        handovers.decline(tx, RECEIVER, referral_id, "other", "  ", cipher)
    assert read(store, cipher, SENDER, referral_id)["notes"] == []
