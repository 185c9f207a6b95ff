"""A governance body's decision that links a fund request is shown by the request: the governance
service tells it on the bus, the funds service notes it on its requests once, and leaves alone
what it links elsewhere."""
import uuid
from datetime import date
from unittest.mock import Mock

import pytest
from nameko.testing.services import worker_factory
from sqlalchemy import func, select

from services.common.database import DatabaseAccess
from services.common.errors import NotFound
from services.common.events import envelope
from services.funds import governance_decisions
from services.funds.models import GovernanceDecision
from services.funds.service import FundsService
from services.funds.tests.test_funds_rules import (CITY, COORD8, NOW, PARTNER3, PARTNER8, ask,
                                                   open_budget, read)
from services.funds.tests.test_funds_rules import store  # noqa: F401  (the fixture)


def decision(*links, decided_on="2026-01-12", title="Campo estivo: si finanzia"):
    return {"decision_id": str(uuid.uuid4()), "body_id": str(uuid.uuid4()),
            "body_kind": "municipal_coordination", "body_name": "Coordinamento Municipio 8",
            "municipio": 8, "meeting_id": str(uuid.uuid4()), "title": title,
            "decided_on": decided_on, "links": [{"kind": kind, "id": id_} for kind, id_ in links]}


def record(store, payload):
    with store.transaction() as tx:
        return [(row.request_id, row.decision_id)
                for row in governance_decisions.record(tx.session, payload, NOW)]


def noted(store) -> int:
    with store.sessions() as session:
        return session.execute(select(func.count()).select_from(GovernanceDecision)).scalar_one()


def test_a_decision_is_noted_on_the_requests_it_links_here_once(store):
    budget_id = open_budget(store)
    camp, fee = ask(store, budget_id, "300.00"), ask(store, budget_id, "80.00")
    elsewhere = str(uuid.uuid4())  # a request this service never had
    told = decision(("fund_request", camp), ("fund_request", elsewhere), ("event", fee),
                    ("drive", str(uuid.uuid4())), ("fund_request", "not-an-id\x00"))
    assert record(store, told) == [(camp, told["decision_id"])]
    assert record(store, told) == []  # told again: nothing more
    assert noted(store) == 1
    assert read(store, PARTNER8, fee)["governance_decisions"] == []  # linked as an event only


def test_the_request_shows_its_decisions_in_the_order_taken_to_whoever_sees_it(store):
    budget_id = open_budget(store)
    camp = ask(store, budget_id, "300.00")
    later = decision(("fund_request", camp), decided_on="2026-02-02", title="Saldo del campo")
    earlier = decision(("fund_request", camp))
    record(store, later)
    record(store, earlier)
    expected = [{"id": earlier["decision_id"], "title": "Campo estivo: si finanzia",
                 "body_name": "Coordinamento Municipio 8", "decided_on": date(2026, 1, 12)},
                {"id": later["decision_id"], "title": "Saldo del campo",
                 "body_name": "Coordinamento Municipio 8", "decided_on": date(2026, 2, 2)}]
    for caller in (PARTNER8, COORD8, CITY):
        assert read(store, caller, camp)["governance_decisions"] == expected
    with pytest.raises(NotFound):
        read(store, PARTNER3, camp)


def service(store, caller=CITY):
    return worker_factory(FundsService, db=DatabaseAccess(store, Mock()), caller=caller)


def test_the_bus_handler_notes_a_decision_once_and_the_answer_carries_it(store):
    budget_id = open_budget(store)
    camp = ask(store, budget_id, "300.00")
    told = envelope("decision_recorded", decision(("fund_request", camp)))
    service(store).on_decision_recorded(told)
    service(store).on_decision_recorded(told)  # redelivered
    assert noted(store) == 1
    answer = service(store, PARTNER8).get_request(camp)
    assert answer["governance_decisions"] == [{
        "id": told["payload"]["decision_id"], "title": "Campo estivo: si finanzia",
        "body_name": "Coordinamento Municipio 8", "decided_on": "2026-01-12"}]
    [listed] = service(store, PARTNER8).list_requests()["items"]
    assert "governance_decisions" not in listed
