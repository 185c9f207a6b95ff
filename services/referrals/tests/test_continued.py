"""Hand-overs that continue: a hold and a first contact, the overdue rules in each state, a
forward with its consent and its chain, the duplicate rule, and the family's card."""
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from services.common.errors import Conflict, Forbidden, Gone, Invalid, NotFound
from services.common.schemas import load, local_time
from services.referrals import deadlines, family_cards, forwards, handovers
from services.referrals.contract import ForwardSchema
from services.referrals.models import FamilyCard, Referral
from services.referrals.tests.test_handovers import (ASC3, ASC8, COORD8, NOW, OTHER_ORG,
                                                     OTHER_PARTNER, PHONE_KEPT, RECEIVER,
                                                     RECEIVER_ORG,
                                                     SENDER, move, read, request, send)
# the fixtures of the referrals' rules
from services.referrals.tests.test_handovers import cipher, key, referral_id, store  # noqa: F401

HOLD = {"held_until": date(2026, 12, 18), "hold_reason": "places free up after the holidays"}
NEW_RECEIVER = OTHER_PARTNER  # a partner of OTHER_ORG, Municipio 8


def forward_data(to=OTHER_ORG, named=None, reason="no_capacity"):
    consent = {**request()["consent"], "organization_id": named or to}
    return load(ForwardSchema(), {"to_organization_id": to, "reason": reason,
                                  "note": "Da noi i posti sono finiti.", "consent": consent})


def propose(store, cipher, referral_id, caller=RECEIVER, **kwargs):
    data = forward_data(**kwargs)
    with store.transaction() as tx:
        return forwards.propose(tx, caller, referral_id, data,
                                {"id": data["to_organization_id"], "municipi": [8]}, cipher, NOW)


def agree(store, cipher, referral_id, caller=SENDER):
    with store.transaction() as tx:
        return forwards.agree(tx, caller, referral_id, cipher, NOW).id


def sweep(store, at):
    with store.transaction() as tx:
        return deadlines.sweep(tx, at), [event["event_type"] for event in tx.events]


def test_a_receiver_holds_then_starts_then_completes(store, cipher, referral_id):
    move(store, RECEIVER, referral_id, "accepted")
    held = move(store, RECEIVER, referral_id, "on_hold", **HOLD)
    assert (held.status, held.held_until, held.hold_reason) == ("on_hold", HOLD["held_until"],
                                                                HOLD["hold_reason"])
    started = move(store, RECEIVER, referral_id, "in_progress")
    first_contact = started.started_at
    move(store, RECEIVER, referral_id, "on_hold", **HOLD)
    again = move(store, RECEIVER, referral_id, "in_progress")
    assert again.started_at == first_contact  # the first contact's day stays
    shown = read(store, cipher, RECEIVER, referral_id)
    assert shown["view"] == "full" and shown["family"]["guardian_name"]  # taken on: it sees them
    assert move(store, RECEIVER, referral_id, "completed", outcome="enrolled").status == "completed"


@pytest.mark.parametrize("path, illegal", [
    ([], "on_hold"), ([], "in_progress"),                       # not taken on yet
    ([("declined", {"decline_reason": "other"})], "on_hold"),   # closed
    ([("accepted", {}), ("on_hold", HOLD)], "on_hold"),         # on hold twice
    ([("accepted", {}), ("in_progress", {})], "in_progress"),
])
def test_illegal_holds_and_starts_are_conflicts(store, referral_id, path, illegal):
    for status, details in path:
        move(store, RECEIVER, referral_id, status, **details)
    with pytest.raises(Conflict):
        move(store, RECEIVER, referral_id, illegal, **(HOLD if illegal == "on_hold" else {}))


def test_only_the_receiver_holds_and_starts(store, referral_id):
    move(store, RECEIVER, referral_id, "accepted")
    for caller in (SENDER, ASC8):
        with pytest.raises(Forbidden):
            move(store, caller, referral_id, "in_progress")
    with pytest.raises(NotFound):
        move(store, OTHER_PARTNER, referral_id, "on_hold", **HOLD)


def test_accepted_without_a_first_contact_becomes_overdue(store, referral_id):
    accepted = move(store, RECEIVER, referral_id, "accepted")  # at the real now
    deadline = local_time(accepted.deadline_at)
    assert deadline > datetime.now(timezone.utc) + timedelta(days=2)  # working days ahead
    assert sweep(store, deadline - timedelta(minutes=1))[0]["overdue"] == 0
    counts, events = sweep(store, deadline + timedelta(minutes=1))
    assert counts["overdue"] == 1 and events == ["referral_overdue"]
    started = move(store, RECEIVER, referral_id, "in_progress")
    assert not started.overdue_waiting
    assert sweep(store, deadline + timedelta(days=60))[0] == {"overdue": 0, "escalated": 0}


def test_a_hold_is_overdue_only_after_its_day(store, referral_id):
    move(store, RECEIVER, referral_id, "accepted")
    move(store, RECEIVER, referral_id, "on_hold", **HOLD)
    last_day = datetime(2026, 12, 18, 23, 0, tzinfo=timezone.utc)  # still the 18th... in UTC
    assert sweep(store, last_day - timedelta(hours=1))[0]["overdue"] == 0
    counts, events = sweep(store, datetime(2026, 12, 19, 9, tzinfo=timezone.utc))
    assert counts["overdue"] == 1 and events == ["referral_overdue"]


def test_the_same_family_twice_at_one_organisation_is_a_conflict(store, cipher):
    family = request()["family"]
    first = send(store, cipher, family=family)
    with pytest.raises(Conflict) as refused:
        send(store, cipher, family=family)
    assert refused.value.code == "referral_duplicate"
    assert refused.value.params["referral_id"] == first
    elsewhere = send(store, cipher, receiver=OTHER_ORG, family=family)
    shown = read(store, cipher, SENDER, elsewhere)
    assert [other["id"] for other in shown["open_elsewhere"]] == [first]
    assert read(store, cipher, ASC8, elsewhere)["open_elsewhere"][0]["code"]
    assert read(store, cipher, COORD8, elsewhere)["open_elsewhere"] == []
    move(store, RECEIVER, first, "declined", decline_reason="no_capacity")
    assert send(store, cipher, family=family)  # closed: the family may be sent again
    assert read(store, cipher, SENDER, elsewhere)["open_elsewhere"] != [first]


def test_a_forward_needs_a_consent_naming_the_new_receiver(store, cipher, referral_id):
    with pytest.raises(Invalid) as refused:
        propose(store, cipher, referral_id, named=RECEIVER_ORG)
    assert refused.value.codes["consent.organization_id"][0][0] == "consent_names_other"
    with pytest.raises(Invalid) as same:
        propose(store, cipher, referral_id, to=RECEIVER_ORG)
    assert "to_organization_id" in same.value.errors
    for caller in (SENDER, ASC8):
        with pytest.raises(Forbidden):
            propose(store, cipher, referral_id, caller=caller)


def test_a_forward_agreed_keeps_the_chain_for_everyone_on_it(store, cipher, referral_id):
    propose(store, cipher, referral_id)
    waiting = read(store, cipher, SENDER, referral_id)
    assert waiting["forward_proposal"]["to_organization_id"] == OTHER_ORG
    assert waiting["actions"][:2] == ["agree_forward", "refuse_forward"]
    assert "accept" not in read(store, cipher, RECEIVER, referral_id)["actions"]
    with pytest.raises(Conflict):  # nothing moves while the forward waits
        move(store, RECEIVER, referral_id, "accepted")
    with pytest.raises(Forbidden):
        agree(store, cipher, referral_id, caller=RECEIVER)
    new_id = agree(store, cipher, referral_id, caller=ASC8)
    old = read(store, cipher, RECEIVER, referral_id)
    assert old["status"] == "forwarded" and old["view"] == "before_acceptance"  # no names now
    new = read(store, cipher, SENDER, new_id)
    assert new["status"] == "sent" and new["to_organization_id"] == OTHER_ORG
    assert new["consent"]["given_by"] == request()["consent"]["given_by"]
    chain = [(link["code"], link["status"], link["forward_reason"]) for link in new["chain"]]
    assert chain == [(old["code"], "forwarded", "no_capacity"), (new["code"], "sent", None)]
    for caller, referral in ((RECEIVER, referral_id), (NEW_RECEIVER, new_id), (ASC8, new_id),
                             (COORD8, new_id)):
        assert [link["id"] for link in read(store, cipher, caller, referral)["chain"]] == [
            referral_id, new_id], caller.user_id
    # the receiver that passed it on follows it in its own referral, without opening the next
    assert [link["readable"] for link in read(store, cipher, RECEIVER, referral_id)["chain"]] == [
        True, False]
    assert [link["readable"] for link in read(store, cipher, ASC8, new_id)["chain"]] == [
        True, True]
    with pytest.raises(NotFound):
        read(store, cipher, ASC3, new_id)
    move(store, NEW_RECEIVER, new_id, "accepted")
    move(store, NEW_RECEIVER, new_id, "completed", outcome="enrolled")
    # the first receiver follows the family to the end, through its own referral
    assert [link["status"] for link in read(store, cipher, RECEIVER, referral_id)["chain"]] == [
        "forwarded", "completed"]
    with store.sessions() as session:
        trail = session.execute(select(Referral.status)).scalars().all()
    assert sorted(trail) == ["completed", "forwarded"]


def test_a_forward_refused_goes_on_with_its_receiver(store, cipher, referral_id):
    propose(store, cipher, referral_id)
    with pytest.raises(Conflict):
        propose(store, cipher, referral_id)  # one at a time
    with store.transaction() as tx:
        forwards.refuse(tx, SENDER, referral_id, "Preferiamo che restino da voi", NOW)
    with pytest.raises(Conflict):
        agree(store, cipher, referral_id)
    assert read(store, cipher, RECEIVER, referral_id)["forward_proposal"] is None
    assert move(store, RECEIVER, referral_id, "accepted").status == "accepted"


def test_a_forward_to_where_the_family_already_is_is_a_conflict(store, cipher):
    family = request()["family"]
    first = send(store, cipher, family=family)
    send(store, cipher, receiver=OTHER_ORG, family=family)
    with pytest.raises(Conflict) as refused:
        propose(store, cipher, first)
    assert refused.value.code == "referral_duplicate"


def give(store, cipher, referral_id, caller=SENDER, channel="print"):
    with store.transaction() as tx:
        code, _card = handovers.give_card(tx, caller, referral_id, channel, cipher, now=NOW)
        return code, tx.events


def answer(store, code, given, at=None):
    with store.transaction() as tx:
        family_cards.answer(tx, code, given, at or NOW + timedelta(days=3))
        return [event["event_type"] for event in tx.events]


def test_the_family_answers_with_its_code_alone(store, cipher, referral_id):
    code, events = give(store, cipher, referral_id)
    assert len(code) == 10 and events == []
    with store.sessions() as session:
        kept = session.execute(select(FamilyCard.code_hash)).scalar_one()
    assert code not in kept  # only its hash is kept
    assert answer(store, code.lower()[:5] + "-" + code[5:], "met") == ["referral_family_answered"]
    for caller in (RECEIVER, ASC8, SENDER):
        assert read(store, cipher, caller, referral_id)["family_word"]["answer"] == "met"
    assert read(store, cipher, COORD8, referral_id)["family_card"] is None
    with pytest.raises(NotFound):
        answer(store, "0" * 10, "met")
    with pytest.raises(Gone):
        answer(store, code, "not_contacted", at=NOW + family_cards.LIFETIME)


def test_a_new_card_replaces_the_last_and_only_keepers_give_one(store, cipher, referral_id):
    first, _ = give(store, cipher, referral_id)
    second, _ = give(store, cipher, referral_id, caller=ASC8)
    with pytest.raises(NotFound):
        answer(store, first, "met")
    answer(store, second, "met")
    with pytest.raises(Forbidden):
        give(store, cipher, referral_id, caller=RECEIVER)


def test_a_card_by_sms_goes_sealed_to_the_phone_the_family_gave(store, cipher, referral_id):
    code, events = give(store, cipher, referral_id, channel="sms")
    [event] = events
    assert event["event_type"] == "referral_family_card"
    assert PHONE_KEPT not in str(event["payload"]) and code not in str(event["payload"])
    assert cipher.open_text(event["payload"]["sealed"]) == {"phone": PHONE_KEPT, "code": code}
    family = {key: value for key, value in request()["family"].items() if key != "phone"}
    no_phone = send(store, cipher, family={**family, "reference": "QO-NP"})
    with pytest.raises(Invalid):
        give(store, cipher, no_phone, channel="sms")


def test_nobody_called_us_unanswered_is_escalated(store, cipher, referral_id):
    code, _ = give(store, cipher, referral_id)
    answer(store, code, "not_contacted", at=NOW)
    assert read(store, cipher, ASC8, referral_id)["family_word"] == {
        "answer": "not_contacted", "answered_at": read(store, cipher, ASC8, referral_id)[
            "family_word"]["answered_at"], "escalated": False}
    with store.transaction() as tx:
        assert family_cards.escalate_unanswered(tx, NOW + timedelta(days=1)) == 0
        assert family_cards.escalate_unanswered(tx, NOW + timedelta(days=7)) == 1
        assert tx.events[0]["payload"]["reason"] == "family_not_contacted"
    assert read(store, cipher, ASC8, referral_id)["family_word"]["escalated"] is True


def test_the_receivers_move_answers_a_nobody_called_us(store, cipher, referral_id):
    code, _ = give(store, cipher, referral_id)
    answer(store, code, "not_contacted", at=NOW)
    move(store, RECEIVER, referral_id, "accepted")
    with store.transaction() as tx:
        assert family_cards.escalate_unanswered(tx, NOW + timedelta(days=7)) == 0


def test_a_card_follows_the_family_forwarded(store, cipher, referral_id):
    code, _ = give(store, cipher, referral_id)
    propose(store, cipher, referral_id)
    new_id = agree(store, cipher, referral_id)
    answer(store, code, "met")
    assert read(store, cipher, NEW_RECEIVER, new_id)["family_word"]["answer"] == "met"
