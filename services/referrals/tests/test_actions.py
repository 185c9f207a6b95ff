"""The `actions` a referral carries: the moves this caller may make now, by how it stands to
the referral and the referral's state."""
import dataclasses
from datetime import date

import pytest
from cryptography.fernet import Fernet

from services.common.database import Store
from services.common.errors import Conflict, Forbidden
from services.common.sealing import Cipher
from services.referrals import handovers
from services.referrals.models import Base
from services.referrals.tests.test_handovers import (ASC4, ASC8, COORD8, RECEIVER, SENDER,
                                                     SENDER_COLLEAGUE, move, read, send)

SENDS = ["withdraw", "family_card", "withdraw_consent", "add_note"]
SOCIAL = ["family_card", "withdraw_consent", "add_note", "audit"]
CLOSED_SOCIAL = ["withdraw_consent", "add_note", "audit"]
EXPECTED = {  # state: {caller: actions}
    "sent": {RECEIVER: ["accept", "decline", "forward", "add_note"], SENDER: SENDS,
             SENDER_COLLEAGUE: SENDS, ASC8: SOCIAL, ASC4: SOCIAL, COORD8: ["audit"]},
    "accepted": {RECEIVER: ["hold", "start", "complete", "forward", "add_note"], SENDER: SENDS,
                 ASC8: SOCIAL, COORD8: ["audit"]},
    "on_hold": {RECEIVER: ["start", "complete", "forward", "add_note"], SENDER: SENDS,
                ASC8: SOCIAL, COORD8: ["audit"]},
    "in_progress": {RECEIVER: ["hold", "complete", "forward", "add_note"], SENDER: SENDS,
                    ASC8: SOCIAL, COORD8: ["audit"]},
    "declined": {RECEIVER: ["add_note"], SENDER: ["withdraw_consent", "add_note"],
                 ASC8: CLOSED_SOCIAL, COORD8: ["audit"]},
    "completed": {RECEIVER: ["add_note"], SENDER: ["withdraw_consent", "add_note"],
                  ASC8: CLOSED_SOCIAL, COORD8: ["audit"]},
    "withdrawn": {RECEIVER: ["add_note"], SENDER: ["withdraw_consent", "add_note"],
                  ASC8: CLOSED_SOCIAL, COORD8: ["audit"]},
}
HOLD = {"held_until": date(2027, 1, 15), "hold_reason": "places free up in January"}
PATHS = {"sent": [], "accepted": [("accepted", RECEIVER, {})],
         "on_hold": [("accepted", RECEIVER, {}), ("on_hold", RECEIVER, HOLD)],
         "in_progress": [("accepted", RECEIVER, {}), ("in_progress", RECEIVER, {})],
         "declined": [("declined", RECEIVER, {"decline_reason": "no_capacity"})],
         "completed": [("accepted", RECEIVER, {}),
                       ("completed", RECEIVER, {"outcome": "enrolled"})],
         "withdrawn": [("withdrawn", SENDER, {"withdraw_reason": "moved"})]}


@pytest.fixture
def store(databases):
    store = Store(databases["referrals"], Base.metadata)
    yield store
    store.dispose()


@pytest.fixture
def cipher():
    return Cipher([Fernet.generate_key()])


def referral_in(store, cipher, state):
    referral_id = send(store, cipher)
    for status, caller, details in PATHS[state]:
        move(store, caller, referral_id, status, **details)
    return referral_id


@pytest.mark.parametrize("state", list(EXPECTED))
def test_each_caller_is_offered_its_own_moves_in_each_state(store, cipher, state):
    referral_id = referral_in(store, cipher, state)
    for caller, actions in EXPECTED[state].items():
        assert read(store, cipher, caller, referral_id)["actions"] == actions, caller.user_id


@pytest.mark.parametrize("state", ["sent", "accepted", "on_hold", "in_progress"])
def test_the_moves_offered_are_the_moves_allowed(store, cipher, state):
    moves = {"accept": ("accepted", {}), "decline": ("declined", {"decline_reason": "other"}),
             "complete": ("completed", {"outcome": "enrolled"}), "hold": ("on_hold", HOLD),
             "start": ("in_progress", {}),
             "withdraw": ("withdrawn", {"withdraw_reason": "moved"})}
    for caller in EXPECTED[state]:
        for action, (status, details) in moves.items():
            referral_id = referral_in(store, cipher, state)
            offered = action in read(store, cipher, caller, referral_id)["actions"]
            if offered:
                assert move(store, caller, referral_id, status, **details).status == status
            else:
                with pytest.raises((Conflict, Forbidden)):
                    move(store, caller, referral_id, status, **details)


def test_once_consent_is_withdrawn_nobody_is_offered_to_withdraw_it_again(store, cipher):
    referral_id = referral_in(store, cipher, "accepted")
    with store.transaction() as tx:
        handovers.withdraw_consent(tx, ASC8, referral_id)
    assert read(store, cipher, SENDER, referral_id)["actions"] == ["withdraw", "family_card",
                                                                   "add_note"]
    assert read(store, cipher, ASC8, referral_id)["actions"] == ["family_card", "add_note",
                                                                 "audit"]


def test_without_the_second_factor_the_moves_stay_and_lists_carry_the_same_actions(store, cipher):
    referral_id = referral_in(store, cipher, "sent")
    receiver = dataclasses.replace(RECEIVER, mfa=False)
    shown = read(store, cipher, receiver, referral_id)
    assert shown["view"] == "two_factor_required"
    assert shown["actions"] == ["accept", "decline", "forward", "add_note"]
    with store.sessions() as session:
        [(_referral, _view, actions)], _total = handovers.visible_page(session, RECEIVER,
                                                                       box="inbox")
    assert actions == ["accept", "decline", "forward", "add_note"]
