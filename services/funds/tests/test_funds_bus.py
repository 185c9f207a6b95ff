"""The funds service on the real RabbitMQ: RPCs, typed errors, and its events on the
`funds.events` exchange."""
import pytest

from services.common.context import Caller
from services.common.errors import Conflict, Invalid, NotFound
from services.common.events import envelope
from services.funds.service import FundsService
from tests.helpers import call, listening, publish_event, received, wait_for

pytestmark = pytest.mark.broker

PARTNER = Caller(user_id="u-p8", username="partner8a", roles=["partner"], municipi=[8],
                 organization_id="8" * 36)
PARTNER3 = Caller(user_id="u-p3", username="partner3", roles=["partner"], municipi=[3],
                  organization_id="3" * 36)
COORD8 = Caller(user_id="u-coord8", username="coord8", roles=["coordinator"], municipi=[8])
CITY = Caller(user_id="u-city", username="citta", roles=["city"])


@pytest.fixture
def funds_queue(service_config):
    with listening(service_config, "funds") as bound:
        yield bound


def test_approving_a_request_announces_it_on_the_funds_exchange(container_factory, service_config,
                                                                funds_queue):
    container_factory(FundsService, service_config).start()
    budget = call(service_config, CITY, "funds", "create_budget", {
        "municipio": 8, "period": "2025-2026",
        "sources": [{"source": "city", "amount": "300.00"}]})
    body = {"budget_id": budget["id"], "kind": "child", "referral_code": "R-2026-0042",
            "purpose": "Quota della società sportiva", "category": "sport", "amount": "120.50"}
    with pytest.raises(Invalid) as invalid:
        call(service_config, PARTNER, "funds", "submit_request", {**body, "child_name": "Mario"})
    assert list(invalid.value.errors) == ["child_name"]
    with pytest.raises(NotFound):
        call(service_config, PARTNER3, "funds", "submit_request", body)
    request = call(service_config, PARTNER, "funds", "submit_request", body)
    assert (request["status"], request["amount"], request["code"][:2]) == ("submitted", "120.50",
                                                                          "F-")
    approved = call(service_config, COORD8, "funds", "approve_request", request["id"],
                    {"reason": "Nel piano del Municipio 8"})
    assert approved["status"] == "approved"
    with pytest.raises(Conflict):
        call(service_config, PARTNER, "funds", "submit_request", {**body, "amount": "180.00"})

    events = []
    wait_for(lambda: events.extend(received(funds_queue)) or len(events) >= 4)
    assert [e["event_type"] for e in events] == [
        "budget_opened", "fund_topped_up", "fund_request_submitted", "fund_request_approved"]
    approval = events[-1]
    assert {"event_id", "occurred_at", "version"} <= set(approval)
    expected = {"request_id": request["id"], "code": request["code"], "municipio": 8,
                "amount_cents": 120_50, "amount": "120.50", "status": "approved",
                "stage": "municipal", "final": True, "requested_by_user_id": "u-p8",
                "organization_id": "8" * 36}
    assert {key: approval["payload"][key] for key in expected} == expected
    assert "R-2026-0042" not in str(events)  # not even the code that leads to the family


def test_a_decision_governance_records_shows_on_the_request_it_authorises(container_factory,
                                                                        service_config):
    container_factory(FundsService, service_config).start()
    budget = call(service_config, CITY, "funds", "create_budget", {
        "municipio": 8, "period": "2025-2026",
        "sources": [{"source": "city", "amount": "300.00"}]})
    request = call(service_config, PARTNER, "funds", "submit_request", {
        "budget_id": budget["id"], "kind": "collective", "action": "Campo estivo",
        "purpose": "Pullman per il campo estivo", "category": "educational", "amount": "200.00"})
    told = envelope("decision_recorded", {
        "decision_id": "d" * 36, "body_id": "c" * 36, "body_kind": "municipal_coordination",
        "body_name": "Coordinamento Municipio 8", "municipio": 8, "meeting_id": "m" * 36,
        "title": "Il campo estivo si finanzia", "decided_on": "2026-01-12",
        "links": [{"kind": "fund_request", "id": request["id"]}]})
    publish_event(service_config, "governance", told)
    shown = wait_for(lambda: call(service_config, PARTNER, "funds", "get_request",
                                  request["id"])["governance_decisions"])
    assert shown == [{"id": "d" * 36, "title": "Il campo estivo si finanzia",
                      "body_name": "Coordinamento Municipio 8", "decided_on": "2026-01-12"}]
