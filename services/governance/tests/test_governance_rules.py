"""The governance service's rules on a real database, without a broker: convening, answers and
attendance, minutes frozen once approved, decisions by tier, actions and their reminders."""
from datetime import date, datetime, timedelta, timezone

import pytest

from services.common.context import Caller
from services.common.errors import Conflict, Forbidden, Invalid, NotFound
from services.common.schemas import load
from services.governance import actions, decisions, meetings, minutes
from services.governance.contract import (ActionCreateSchema, DecisionCreateSchema,
                                          MeetingCreateSchema, MeetingUpdateSchema)

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc)
TODAY = date(2026, 12, 1)
BODY8, BODY3, CITY_BODY = "b8" + "0" * 34, "b3" + "0" * 34, "bc" + "0" * 34
ORG8, ORG8B, ORG3 = "8" * 36, "b" * 36, "3" * 36
COORD8 = Caller(user_id="u-coord8", roles=["coordinator"], municipi=[8])
ASC8 = Caller(user_id="u-asc8", roles=["social_worker"], municipi=[8])
PARTNER8 = Caller(user_id="u-p8", roles=["partner"], municipi=[8], organization_id=ORG8)
OUTSIDER8 = Caller(user_id="u-p8b", roles=["partner"], municipi=[8], organization_id=ORG8B)
COORD3 = Caller(user_id="u-coord3", roles=["coordinator"], municipi=[3])
ASC3 = Caller(user_id="u-asc3", roles=["social_worker"], municipi=[3])
PARTNER3 = Caller(user_id="u-p3", roles=["partner"], municipi=[3], organization_id=ORG3)
CITY = Caller(user_id="u-city", roles=["city"])
COORDINATION8 = {"id": BODY8, "kind": "municipal_coordination",
                 "name": "Coordinamento municipale 8", "municipio": 8,
                 "people": [{"user_id": "u-coord8", "name": "Coordinatrice 8",
                             "role": "Coordinamento"},
                            {"user_id": "u-asc8", "name": "ASC 8",
                             "role": "Assistente sociale di comunità"}],
                 "organizations": [{"id": ORG8, "name": "Cooperativa Otto",
                                    "role": "Rete di primo livello"}]}
CABINA = {"id": CITY_BODY, "kind": "city_committee", "name": "Cabina di regia cittadina",
          "municipio": None, "people": [{"user_id": "u-city", "name": "Città", "role": None}],
          "organizations": []}


def convene(store, caller=COORD8, body=COORDINATION8, **fields):
    data = load(MeetingCreateSchema(), {
        "body_id": body["id"], "title": "Coordinamento di dicembre",
        "starts_at": "2026-12-10T17:00", "ends_at": "2026-12-10T19:00",
        "place": "Via Val Lagarina 44", "agenda": [{"title": "Fondo di comunità"}], **fields})
    with store.transaction() as tx:
        meeting = meetings.convene(tx, caller, body, data, NOW)
        return meeting.id, tx.events


def test_the_chair_convenes_the_body_and_its_members_are_invited(store):
    meeting_id, events = convene(store)
    [event] = events
    assert event["event_type"] == "meeting_convened"
    assert event["payload"]["user_ids"] == ["u-coord8", "u-asc8"]
    assert event["payload"]["organization_ids"] == [ORG8]
    assert event["payload"]["sequence"] == 0
    with store.transaction() as tx:
        seen = meetings.present(tx.session, PARTNER8,
                                meetings.visible(tx.session, PARTNER8, meeting_id))
    assert [i["name"] for i in seen["invitees"]] == ["Coordinatrice 8", "ASC 8",
                                                     "Cooperativa Otto"]
    assert seen["actions"] == ["answer", "attach_document"]


@pytest.mark.parametrize("caller", [COORD3, PARTNER8, ASC8, CITY])
def test_only_the_bodys_tier_convenes_it(store, caller):
    with pytest.raises(Forbidden):
        convene(store, caller)


def test_a_cabina_di_regia_meeting_is_the_city_tiers(store):
    convene(store, CITY, CABINA)
    with pytest.raises(Forbidden):
        convene(store, COORD8, CABINA)


@pytest.mark.parametrize("caller", [PARTNER3, COORD3, ASC3, OUTSIDER8, CITY])
def test_who_is_not_invited_sees_nothing_of_a_meeting(store, caller):
    meeting_id, _ = convene(store)
    with store.transaction() as tx:
        with pytest.raises(NotFound):
            meetings.visible(tx.session, caller, meeting_id)
        assert tx.session.execute(meetings.page_statement(caller)).scalars().all() == []


def test_a_change_raises_the_sequence_and_a_cancellation_too(store):
    meeting_id, _ = convene(store)
    with store.transaction() as tx:
        unchanged = meetings.change(tx, COORD8, meeting_id,
                                    load(MeetingUpdateSchema(), {"title": "Coordinamento di dicembre"}), NOW)
        assert unchanged.sequence == 0 and tx.events == []
        moved = meetings.change(tx, COORD8, meeting_id,
                                load(MeetingUpdateSchema(), {"starts_at": "2026-12-10T18:00"}), NOW)
        assert moved.sequence == 1 and tx.events[-1]["event_type"] == "meeting_updated"
    with store.transaction() as tx:
        with pytest.raises(Invalid) as refused:
            meetings.change(tx, COORD8, meeting_id,
                            load(MeetingUpdateSchema(), {"ends_at": "2026-12-10T17:00"}), NOW)
        assert "ends_at" in refused.value.errors
    with store.transaction() as tx:
        cancelled = meetings.cancel(tx, COORD8, meeting_id, {"reason": "Sciopero"}, NOW)
        assert (cancelled.status, cancelled.sequence) == ("cancelled", 2)
    with store.transaction() as tx:
        with pytest.raises(Conflict):
            meetings.answer(tx, ASC8, meeting_id, "yes", NOW)


def test_the_invited_answer_for_themselves_or_their_organisation(store):
    meeting_id, _ = convene(store)
    with store.transaction() as tx:
        meetings.answer(tx, ASC8, meeting_id, "yes", NOW)
        meeting = meetings.answer(tx, PARTNER8, meeting_id, "maybe", NOW)
        assert {i.member_id: i.answer for i in meeting.invitees} == {
            "u-coord8": None, "u-asc8": "yes", ORG8: "maybe"}
    with store.transaction() as tx:
        with pytest.raises(NotFound):
            meetings.answer(tx, PARTNER3, meeting_id, "yes", NOW)


def test_the_chair_takes_attendance_among_the_invited(store):
    meeting_id, _ = convene(store)
    with store.transaction() as tx:
        with pytest.raises(Invalid) as refused:
            meetings.take_attendance(tx, COORD8, meeting_id, ["u-asc8", ORG3])
        assert list(refused.value.errors) == ["present.1"]
    with store.transaction() as tx:
        with pytest.raises(Forbidden):
            meetings.take_attendance(tx, ASC8, meeting_id, ["u-asc8"])
        meeting = meetings.take_attendance(tx, COORD8, meeting_id, ["u-asc8", ORG8])
        assert [i.attended for i in meeting.invitees] == [False, True, True]


def test_approved_minutes_are_frozen_and_a_correction_is_a_new_version(store):
    meeting_id, _ = convene(store)
    with store.transaction() as tx:
        minutes.write(tx, COORD8, meeting_id, {"text": "Presenti: tutti."}, NOW)
        assert tx.events == []
    with store.transaction() as tx:
        with pytest.raises(Conflict):  # comments wait for the draft to be circulated
            minutes.comment(tx, ASC8, meeting_id, "Manca la data.", NOW)
        circulated = minutes.write(tx, COORD8, meeting_id,
                                   {"text": "Presenti: tutti. 10 dicembre.", "circulate": True}, NOW)
        assert circulated.status == "circulated"
        assert tx.events[-1]["event_type"] == "minutes_circulated"
    with store.transaction() as tx:
        commented = minutes.comment(tx, PARTNER8, meeting_id, "D'accordo.", NOW)
        assert [(c.author, c.text) for c in commented.comments] == [("Cooperativa Otto",
                                                                     "D'accordo.")]
        with pytest.raises(Forbidden):
            minutes.approve(tx, ASC8, meeting_id, NOW)
        minutes.approve(tx, COORD8, meeting_id, NOW)
    with store.transaction() as tx:
        with pytest.raises(Conflict):
            minutes.write(tx, COORD8, meeting_id, {"text": "Altro testo"}, NOW)
    with store.transaction() as tx:
        corrected = minutes.write(tx, COORD8, meeting_id,
                                  {"text": "Presenti: tutti tranne uno.", "reason": "Un assente"},
                                  NOW)
        assert (corrected.version, corrected.status, corrected.reason) == (2, "draft",
                                                                           "Un assente")
    with store.transaction() as tx:
        first = minutes.version_of(tx.session, meeting_id, 1)
        assert (first.text, first.status) == ("Presenti: tutti. 10 dicembre.", "approved")


def record(store, meeting_id, links=(), exists=lambda kind, record_id: True, caller=COORD8):
    data = load(DecisionCreateSchema(), {"meeting_id": meeting_id, "title": "Campo estivo",
                                         "text": "Si approva la spesa.", "links": list(links)})
    with store.transaction() as tx:
        decision = decisions.record(tx, caller, data, exists, NOW)
        return decision.id, tx.events


def test_a_decision_links_what_it_authorises_and_tells_the_bus(store):
    meeting_id, _ = convene(store)
    request_id = "f" * 36
    decision_id, [event] = record(store, meeting_id, [{"kind": "fund_request", "id": request_id}])
    assert event["event_type"] == "decision_recorded"
    assert event["payload"]["links"] == [{"kind": "fund_request", "id": request_id}]
    assert event["payload"]["decided_on"] == "2026-12-10"
    with pytest.raises(Invalid) as refused:
        record(store, meeting_id, [{"kind": "event", "id": "e" * 36}],
               exists=lambda kind, record_id: False)
    assert list(refused.value.errors) == ["links.0.id"]
    with pytest.raises(Invalid):  # an action of this body only
        record(store, meeting_id, [{"kind": "action", "id": "a" * 36}])
    with pytest.raises(Forbidden):
        record(store, meeting_id, caller=ASC8)
    with store.transaction() as tx:
        linked = decisions.page_statement(COORD8, link_kind="fund_request", link_id=request_id)
        assert [d.id for d in tx.session.execute(linked).scalars()] == [decision_id]


def test_the_decisions_register_is_read_by_tier(store):
    meeting8, _ = convene(store)
    city_meeting, _ = convene(store, CITY, CABINA)
    of_coordination, _ = record(store, meeting8)
    of_city, _ = record(store, city_meeting, caller=CITY)

    def read(caller):
        with store.transaction() as tx:
            found = tx.session.execute(decisions.page_statement(caller)).scalars().all()
            return {d.id: decisions.present(tx.session, caller, d)["text"] for d in found}

    assert read(PARTNER8) == {of_coordination: "Si approva la spesa."}
    assert read(ASC8) == {of_coordination: "Si approva la spesa.", of_city: None}
    assert read(CITY) == {of_coordination: None, of_city: "Si approva la spesa."}
    assert read(COORD3) == {of_city: None}
    assert read(ASC3) == {of_city: None}
    assert read(PARTNER3) == {}
    with store.transaction() as tx:
        with pytest.raises(NotFound):
            decisions.visible(tx.session, PARTNER3, of_coordination)


def assign(store, meeting_id, due_on, caller=COORD8, **fields):
    data = load(ActionCreateSchema(), {"meeting_id": meeting_id, "title": "Preparare il bando",
                                       "due_on": due_on.isoformat(),
                                       "assignee_organization_id": ORG8, **fields})
    with store.transaction() as tx:
        action = actions.assign(tx, caller, data, TODAY, NOW)
        return action.id, [e["event_type"] for e in tx.events]


def test_an_action_goes_to_one_of_the_invited(store):
    meeting_id, _ = convene(store)
    with pytest.raises(Invalid) as refused:
        assign(store, meeting_id, TODAY + timedelta(days=30), assignee_organization_id=ORG3)
    assert list(refused.value.errors) == ["assignee_organization_id"]
    with pytest.raises(Forbidden):
        assign(store, meeting_id, TODAY + timedelta(days=30), caller=ASC8)
    with pytest.raises(Invalid):
        load(ActionCreateSchema(), {"meeting_id": meeting_id, "title": "x", "due_on": "2026-12-20",
                                    "assignee_organization_id": ORG8, "assignee_user_id": "u-asc8"})


def test_an_action_is_reminded_once_before_it_is_due_and_once_when_overdue(store):
    meeting_id, _ = convene(store)
    later, told = assign(store, meeting_id, TODAY + timedelta(days=10))
    assert told == ["action_assigned"]
    _, told = assign(store, meeting_id, TODAY - timedelta(days=1))
    assert told == ["action_assigned", "action_overdue"]
    for day, expected in ((TODAY + timedelta(days=8), ["action_due_soon"]),
                          (TODAY + timedelta(days=9), []),
                          (TODAY + timedelta(days=11), ["action_overdue"]),
                          (TODAY + timedelta(days=12), [])):
        with store.transaction() as tx:
            actions.remind(tx, day, NOW)
            assert [e["event_type"] for e in tx.events] == expected, day
            assert all(e["payload"]["action_id"] == later for e in tx.events)


def test_an_action_moved_to_a_past_day_is_told_overdue_at_once(store):
    meeting_id, _ = convene(store)
    action_id, _ = assign(store, meeting_id, TODAY + timedelta(days=10))
    with store.transaction() as tx:
        actions.update(tx, COORD8, action_id, {"due_on": TODAY - timedelta(days=1)}, TODAY, NOW)
        assert [e["event_type"] for e in tx.events] == ["action_overdue"]
    with store.transaction() as tx:
        actions.remind(tx, TODAY, NOW)
        assert tx.events == []


def test_the_assignee_closes_an_action_with_a_note(store):
    meeting_id, _ = convene(store)
    action_id, _ = assign(store, meeting_id, TODAY + timedelta(days=10))
    with store.transaction() as tx:
        mine = tx.session.execute(actions.page_statement(PARTNER8, TODAY, mine=True)).scalars()
        assert [a.id for a in mine] == [action_id]
        assert actions.present(PARTNER8, actions.visible(
            tx.session, PARTNER8, action_id), TODAY)["actions"] == ["close"]
        with pytest.raises(Invalid) as refused:
            actions.update(tx, PARTNER8, action_id, {"status": "done"}, TODAY, NOW)
        assert list(refused.value.errors) == ["note"]
        with pytest.raises(Forbidden):
            actions.update(tx, ASC8, action_id, {"status": "done", "note": "Fatto"}, TODAY, NOW)
        with pytest.raises(Forbidden):
            actions.update(tx, PARTNER8, action_id, {"due_on": TODAY}, TODAY, NOW)
        with pytest.raises(NotFound):
            actions.visible(tx.session, PARTNER3, action_id)
    with store.transaction() as tx:
        done = actions.update(tx, PARTNER8, action_id, {"status": "done", "note": " Bando pronto "},
                              TODAY, NOW)
        assert (done.status, done.close_note) == ("done", "Bando pronto")


def test_the_bodies_offered_to_convene_are_those_the_caller_chairs():
    from services.governance import bodies

    class Directory:
        def governance_bodies(self, query):
            return {"items": [COORDINATION8, CABINA,
                              {**COORDINATION8, "id": BODY3, "municipio": 3},
                              {**CABINA, "id": "g" * 36, "kind": "project_group"}]}

    def offered(caller):
        return [body["id"] for body in bodies.chaired_by(Directory(), caller)]

    assert offered(COORD8) == [BODY8]
    assert offered(CITY) == [CITY_BODY, "g" * 36]
    assert offered(PARTNER8) == offered(ASC8) == []
