"""The governance service on the real RabbitMQ, alone: it serves its members while every other
service is down (only convening asks the directory), and each of its events reaches a listener
on the `governance.events` exchange once, in the envelope every service's events have."""
import time
from datetime import datetime, timedelta, timezone

import pytest

from services.common.context import Caller
from services.common.errors import NotFound, Unavailable
from services.governance.models import Action, Invitee, Meeting
from services.governance.service import GovernanceService
from tests.helpers import call, listening, received, wait_for

pytestmark = pytest.mark.broker

BODY8, ORG8, ORG8B = "b8" + "0" * 34, "8" * 36, "b" * 36
COORD8 = Caller(user_id="u-coord8", username="coord8", roles=["coordinator"], municipi=[8])
PARTNER8 = Caller(user_id="u-p8", username="partner8a", roles=["partner"], municipi=[8],
                  organization_id=ORG8)
OUTSIDER8 = Caller(user_id="u-p8b", username="partner8b", roles=["partner"], municipi=[8],
                   organization_id=ORG8B)
EVENT_TYPES = ["meeting_updated", "minutes_circulated", "minutes_approved", "decision_recorded",
               "action_assigned"]


def meeting_of_coordination_8(store) -> str:
    """A meeting as convening leaves it, written through the models: no directory needed."""
    starts = datetime.now(timezone.utc).replace(microsecond=0) + timedelta(days=7)
    with store.transaction() as tx:
        meeting = Meeting(body_id=BODY8, body_kind="municipal_coordination",
                          body_name="Coordinamento municipale 8", municipio=8,
                          title="Coordinamento di dicembre", starts_at=starts,
                          ends_at=starts + timedelta(hours=2), place="Via Quarenghi 21",
                          agenda=[{"title": "Fondo di comunità"}], status="scheduled",
                          sequence=0, chair_user_id=COORD8.user_id, invitees=[
                              Invitee(member_id=COORD8.user_id, kind="person",
                                      name="Coordinatrice 8", role="Coordinamento", position=0),
                              Invitee(member_id=ORG8, kind="organization",
                                      name="Cooperativa Otto", role="Rete di primo livello",
                                      position=1)])
        tx.session.add(meeting)
        tx.session.flush()
        return meeting.id


@pytest.fixture
def governance_queue(service_config):
    with listening(service_config, "governance") as bound:
        yield bound


def test_governance_serves_its_members_while_the_other_services_are_down(
        container_factory, service_config, store):
    meeting_id = meeting_of_coordination_8(store)
    container_factory(GovernanceService, service_config).start()

    page = call(service_config, PARTNER8, "governance", "list_meetings", {"upcoming": True})
    assert [meeting["id"] for meeting in page["items"]] == [meeting_id]
    meeting = call(service_config, PARTNER8, "governance", "get_meeting", meeting_id)
    assert meeting["body"]["name"] == "Coordinamento municipale 8"
    assert [invitee["name"] for invitee in meeting["invitees"]] == ["Coordinatrice 8",
                                                                    "Cooperativa Otto"]
    assert "answer" in meeting["actions"]
    answered = call(service_config, PARTNER8, "governance", "answer_invitation", meeting_id,
                    {"answer": "yes"})
    assert answered["my_answer"] == "yes"
    assert call(service_config, OUTSIDER8, "governance", "list_meetings", {})["total"] == 0
    with pytest.raises(NotFound):
        call(service_config, OUTSIDER8, "governance", "get_meeting", meeting_id)

    # convening is what needs the directory: refused as unavailable, not left waiting
    starts = datetime.now(timezone.utc) + timedelta(days=14)
    with pytest.raises(Unavailable) as unavailable:
        call(service_config, COORD8, "governance", "create_meeting", {
            "body_id": BODY8, "title": "Coordinamento di gennaio", "place": "Via Quarenghi 21",
            "starts_at": starts.isoformat(), "ends_at": (starts + timedelta(hours=2)).isoformat()})
    assert unavailable.value.code == "service_not_answering"
    assert call(service_config, COORD8, "governance", "list_meetings", {})["total"] == 1


def test_each_event_reaches_a_listener_once_with_its_envelope(container_factory, service_config,
                                                             store, governance_queue):
    meeting_id = meeting_of_coordination_8(store)
    container_factory(GovernanceService, service_config).start()
    call(service_config, COORD8, "governance", "update_meeting", meeting_id,
         {"place": "Municipio 8, sala consiliare"})
    call(service_config, COORD8, "governance", "write_minutes", meeting_id,
         {"text": "Presenti il coordinamento e la Cooperativa Otto.", "circulate": True})
    call(service_config, COORD8, "governance", "approve_minutes", meeting_id)
    decision = call(service_config, COORD8, "governance", "record_decision", {
        "meeting_id": meeting_id, "title": "Festa di Natale con la rete",
        "text": "La rete organizza la festa di Natale del Municipio 8."})
    due = (datetime.now(timezone.utc) + timedelta(days=30)).date().isoformat()
    action = call(service_config, COORD8, "governance", "assign_action", {
        "meeting_id": meeting_id, "decision_id": decision["id"],
        "title": "Trovare la sala per la festa", "assignee_organization_id": ORG8, "due_on": due})

    events = []
    wait_for(lambda: events.extend(received(governance_queue)) or len(events) >= 5)
    time.sleep(2)  # the outbox's sweeps (each 0.5 s) find nothing left to publish again
    events.extend(received(governance_queue))
    assert [event["event_type"] for event in events] == EVENT_TYPES
    assert len({event["event_id"] for event in events}) == len(EVENT_TYPES)
    for event in events:
        assert {"event_id", "occurred_at", "version"} <= set(event), event["event_type"]
    assert store.pending_events() == []
    updated, circulated, _, recorded, assigned = (event["payload"] for event in events)
    assert (updated["meeting_id"], updated["sequence"], updated["user_ids"],
            updated["organization_ids"]) == (meeting_id, 1, [COORD8.user_id], [ORG8])
    assert (circulated["version"], circulated["municipio"]) == (1, 8)
    assert (recorded["decision_id"], recorded["links"]) == (decision["id"], [])
    assert (assigned["action_id"], assigned["assignee_organization_id"],
            assigned["due_on"]) == (action["id"], ORG8, due)
    # ids and counts only: no name of the invited, no text of the minutes
    assert "Cooperativa Otto" not in str(events) and "Presenti" not in str(events)


def test_the_service_reminds_of_an_action_coming_due_once(container_factory, service_config, store,
                                                         governance_queue):
    meeting_id = meeting_of_coordination_8(store)
    tomorrow = (datetime.now(timezone.utc) + timedelta(days=1)).date()
    with store.transaction() as tx:
        tx.session.add(Action(meeting_id=meeting_id, body_id=BODY8,
                              body_kind="municipal_coordination",
                              body_name="Coordinamento municipale 8", municipio=8,
                              title="Trovare la sala", assignee_organization_id=ORG8,
                              due_on=tomorrow, status="open", created_by_user_id=COORD8.user_id))
    container_factory(GovernanceService, service_config).start()
    events = []
    wait_for(lambda: events.extend(received(governance_queue)) or events)
    time.sleep(2)
    events.extend(received(governance_queue))
    assert [(e["event_type"], e["payload"]["assignee_organization_id"]) for e in events] == [
        ("action_due_soon", ORG8)]
