"""The actions each answer of the funds service carries: by who asks and by the state of the
request, the budget or the ledger entry, and always what the service then lets through."""
import pytest

from services.common.context import Caller
from services.common.errors import Forbidden, NotFound
from services.funds import approvals, budgets, ledger
from services.funds.tests.test_funds_rules import (ASC8, CITY, COLLEAGUE8, COORD3, COORD8, NOW,
                                                   OTHER_PARTNER8, PARTNER8, ask, collective,
                                                   decide, open_budget, pay, read)
from services.funds.tests.test_funds_rules import store  # noqa: F401  (the fixture)


def actions_of(store, caller, request_id):
    return read(store, caller, request_id)["actions"]


def budget_seen_by(store, caller, budget_id):
    with store.sessions() as session:
        return budgets.present(caller, budgets.visible(session, caller, budget_id))


def ledger_seen_by(store, caller, budget_id):
    """kind, source and amount of each entry -> its actions for the caller."""
    with store.sessions() as session:
        entries = session.execute(ledger.entries_statement(budget_id)).scalars().all()
        corrected = ledger.corrected_ids(session, [entry.id for entry in entries])
        return [ledger.present(session, caller, entry, corrected) for entry in entries]


def test_a_submitted_request_is_decided_by_its_municipios_coordination_withdrawn_by_who_asked(
        store):
    request_id = ask(store, open_budget(store), "100.00")
    assert actions_of(store, PARTNER8, request_id) == ["withdraw"]
    assert actions_of(store, COLLEAGUE8, request_id) == ["withdraw"]  # the same organisation
    assert actions_of(store, COORD8, request_id) == ["approve", "reject"]
    assert actions_of(store, CITY, request_id) == []  # the coordination decides first
    assert actions_of(store, ASC8, request_id) == []
    for outsider in (COORD3, OTHER_PARTNER8):
        with pytest.raises(NotFound):
            read(store, outsider, request_id)


def test_above_the_threshold_the_city_decides_once_the_coordination_approved(store):
    request_id = collective(store, open_budget(store), "800.00")
    decide(store, approvals.approve, COORD8, request_id)
    assert actions_of(store, CITY, request_id) == ["approve", "reject"]
    assert actions_of(store, COORD8, request_id) == []
    assert actions_of(store, PARTNER8, request_id) == ["withdraw"]


def test_an_approved_request_is_paid_or_cancelled_by_the_coordination_or_the_city(store):
    request_id = ask(store, open_budget(store), "100.00")
    decide(store, approvals.approve, COORD8, request_id)
    for keeper in (COORD8, CITY):
        assert actions_of(store, keeper, request_id) == ["cancel", "record_payment"]
    assert actions_of(store, PARTNER8, request_id) == []
    assert actions_of(store, ASC8, request_id) == []
    pay(store, request_id, "100.00", "FT-1")
    for caller in (COORD8, CITY, PARTNER8):
        assert actions_of(store, caller, request_id) == []  # paid: nothing left to do


def test_nobody_is_offered_a_decision_on_their_own_request(store):
    both = Caller(user_id="u-asc-coord8", roles=["social_worker", "coordinator"], municipi=[8])
    request_id = ask(store, open_budget(store), "100.00", caller=both)
    assert actions_of(store, both, request_id) == ["withdraw"]
    with pytest.raises(Forbidden):
        decide(store, approvals.approve, both, request_id)
    assert actions_of(store, COORD8, request_id) == ["approve", "reject"]


def test_what_a_request_does_not_offer_the_service_refuses(store):
    budget_id = open_budget(store)
    for caller in (PARTNER8, COLLEAGUE8, ASC8, COORD8, CITY):
        request_id = ask(store, budget_id, "10.00")
        offered = actions_of(store, caller, request_id)
        for name, move in (("approve", approvals.approve), ("withdraw", approvals.withdraw)):
            if name in offered:
                decide(store, move, caller, request_id)
                break
            with pytest.raises(Forbidden):
                decide(store, move, caller, request_id)


def test_a_budget_says_who_asks_tops_up_edits_and_reads_its_ledger(store):
    budget_id = open_budget(store)
    city = budget_seen_by(store, CITY, budget_id)
    assert (city["actions"], city["top_up_sources"]) == (
        ["top_up", "edit", "ledger"], ["city", "foundation", "donation", "other"])
    coordination = budget_seen_by(store, COORD8, budget_id)
    assert (coordination["actions"], coordination["top_up_sources"]) == (
        ["top_up", "ledger"], ["foundation", "donation", "other"])
    for asker in (PARTNER8, ASC8):
        seen = budget_seen_by(store, asker, budget_id)
        assert (seen["actions"], seen["top_up_sources"]) == (["request"], [])
    with pytest.raises(NotFound):
        budget_seen_by(store, COORD3, budget_id)


def test_a_top_up_is_reversed_by_who_may_record_its_source_a_payment_by_the_keepers_once(
        store):
    budget_id = open_budget(store)  # a top-up from the city, one from a foundation
    request_id = ask(store, budget_id, "100.00")
    decide(store, approvals.approve, COORD8, request_id)
    payment = pay(store, request_id, "40.00", "FT-7")

    def reversible(caller):
        return [(entry["kind"], entry["source"]) for entry in ledger_seen_by(
            store, caller, budget_id) if entry["actions"] == ["reverse"]]

    assert reversible(CITY) == [("top_up", "city"), ("top_up", "foundation"), ("payment", None)]
    assert reversible(COORD8) == [("top_up", "foundation"), ("payment", None)]
    with store.transaction() as tx:
        ledger.reverse(tx, COORD8, payment.id, "Ricevuta sbagliata", NOW)
    assert reversible(COORD8) == [("top_up", "foundation")]  # neither the payment nor its fix
