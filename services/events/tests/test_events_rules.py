"""The events service's rules, on a real database and without a broker."""
from datetime import date, datetime, timedelta, timezone

import eventlet
import icalendar
import pytest
from psycogreen.eventlet import patch_psycopg
from sqlalchemy import select

from services.common.context import Caller
from services.common.database import Store
from services.common.errors import Conflict, Forbidden, Invalid, NotAuthenticated, NotFound
from services.common.schemas import ROME, load
from services.events import agenda, drives, ical, registrations
from services.events.contract import DriveCreateSchema, EventCreateSchema, EventUpdateSchema
from services.events.demo import load_demo
from services.events.models import Base, Drive, Event
from services.events.tests.registering import confirm, link_token, register_pending

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=timezone.utc)
ORG2, ORG8 = "2" * 36, "8" * 36
PARTNER2 = Caller(user_id="p2", roles=["partner"], municipi=[2], organization_id=ORG2)
PARTNER8 = Caller(user_id="p8", roles=["partner"], municipi=[8], organization_id=ORG8)
COORD2 = Caller(user_id="k2", roles=["coordinator"], municipi=[2])
COORD3 = Caller(user_id="k3", roles=["coordinator"], municipi=[3])
ASC2 = Caller(user_id="a2", roles=["social_worker"], municipi=[2])
ANONYMOUS = Caller()


@pytest.fixture
def store(databases):
    store = Store(databases["events"], Base.metadata)
    yield store
    store.dispose()


def at(day: str, hour_minute: str = "16:30") -> str:
    return f"{day}T{hour_minute}:00+01:00"


def create(store, caller=PARTNER2, publish=True, now=NOW, **fields):
    body = {"title": "Laboratorio di Natale", "starts_at": at("2026-12-20", "15:00"),
            "ends_at": at("2026-12-20", "18:00"), **fields}
    with store.transaction() as tx:
        event = agenda.create(tx, caller, load(EventCreateSchema(), body), now)
        if publish:
            agenda.publish(tx, caller, event.id, now)
    return event.id


def change(store, caller, event_id, body, now=NOW):
    with store.transaction() as tx:
        agenda.update(tx, caller, event_id, load(EventUpdateSchema(), body), now)
    return tx.events


def register(store, event_id, contact, adults=1, children=0, caller=ANONYMOUS, now=NOW):
    """Registers and confirms, by the link emailed or, for a phone, as the organiser."""
    pending, token, told = register_pending(store, event_id, contact, now, adults, children,
                                            caller)
    by_link = {"token": link_token(told)} if "@" in pending.contact else {"caller": PARTNER2}
    registration, told = confirm(store, event_id, pending.id, now, **by_link)
    return registration, token, told


def statuses(store, event_id):
    with store.sessions() as session:
        rows = session.execute(registrations.search_statement(session, PARTNER2, event_id))
        return [(r.contact, r.status) for r in rows.scalars()]


# --- events ------------------------------------------------------------------------------------

def test_a_partner_creates_a_draft_for_its_organisation_and_publishing_announces_it(store):
    with store.transaction() as tx:
        event = agenda.create(tx, PARTNER2, load(EventCreateSchema(), {
            "title": "Festa", "starts_at": at("2026-12-22", "14:30"),
            "ends_at": at("2026-12-22", "17:30")}), NOW)
    assert (event.status, event.municipio, event.organizer_ids) == ("draft", 2, [ORG2])
    assert tx.events == []
    with store.transaction() as tx:
        agenda.publish(tx, PARTNER2, event.id, NOW)
    assert [(e["event_type"], e["payload"]["event_id"], e["payload"]["municipio"])
            for e in tx.events] == [("event_published", event.id, 2)]
    with pytest.raises(Conflict):
        with store.transaction() as tx:
            agenda.publish(tx, PARTNER2, event.id, NOW)


def organised_by(store, organization_id):
    with store.sessions() as session:
        return [e.id for e in session.execute(
            agenda.search_statement(ANONYMOUS, organization_id=organization_id)).scalars()]


def test_an_organisation_named_co_organiser_is_invited_and_organises_once_it_accepts(store):
    with store.transaction() as tx:
        event = agenda.create(tx, PARTNER2, load(EventCreateSchema(), {
            "title": "Festa", "starts_at": at("2026-12-22", "14:30"),
            "ends_at": at("2026-12-22", "17:30"), "organizer_ids": [ORG8]}), NOW)
    assert (event.organizer_ids, event.invited_organizer_ids) == ([ORG2], [ORG8])
    [invited] = tx.events
    assert (invited["event_type"], invited["payload"]["organization_id"],
            invited["payload"]["invited_by_organization_id"]) == (
        "event_organizer_invited", ORG8, ORG2)
    with store.transaction() as tx:
        agenda.publish(tx, PARTNER2, event.id, NOW)
    for move in (lambda tx: agenda.update(tx, PARTNER8, event.id, {"title": "Presa"}, NOW),
                 lambda tx: agenda.cancel(tx, PARTNER8, event.id, NOW)):
        with pytest.raises(Forbidden):
            with store.transaction() as tx:
                move(tx)
    assert organised_by(store, ORG8) == []  # not shown as an organiser yet
    with store.sessions() as session:  # the invited sees it, the others do not see who
        assert agenda.shown_to(PARTNER8, session.get(Event, event.id))[
            "invited_organizer_ids"] == [ORG8]
        assert agenda.shown_to(ANONYMOUS, session.get(Event, event.id))[
            "invited_organizer_ids"] == []
    with pytest.raises(Forbidden):  # only the organisation invited answers
        with store.transaction() as tx:
            agenda.answer_invitation(tx, COORD2, event.id, True, NOW)
    with store.transaction() as tx:
        agenda.answer_invitation(tx, PARTNER8, event.id, True, NOW)
    assert organised_by(store, ORG8) == [event.id]
    change(store, PARTNER8, event.id, {"title": "Festa di tutti"})


def test_an_invited_organisation_that_declines_is_no_longer_named(store):
    draft = create(store, publish=False, organizer_ids=[ORG8])
    with store.sessions() as session:  # the invited sees the draft it is asked to organise
        assert agenda.get_visible(session, PARTNER8, draft).invited_organizer_ids == [ORG8]
        assert [e.id for e in session.execute(
            agenda.invitations_statement(PARTNER8)).scalars()] == [draft]
    with store.transaction() as tx:
        agenda.answer_invitation(tx, PARTNER8, draft, False, NOW)
    with store.sessions() as session:
        assert session.get(Event, draft).organizer_ids == [ORG2]
        assert session.get(Event, draft).invited_organizer_ids == []
        with pytest.raises(NotFound):
            agenda.get_visible(session, PARTNER8, draft)
    # named again: invited again, and told again
    assert [e["event_type"] for e in change(store, PARTNER2, draft, {
        "organizer_ids": [ORG2, ORG8]})] == ["event_organizer_invited"]


def test_bad_input_names_the_field():
    with pytest.raises(Invalid) as invalid:
        load(EventCreateSchema(), {"title": "x", "starts_at": at("2026-12-20", "18:00"),
                                   "ends_at": at("2026-12-20", "17:00"), "capacity": -3})
    assert set(invalid.value.errors) == {"ends_at", "capacity"}


def test_coordinators_create_in_their_municipio_only_and_the_past_is_refused(store):
    assert create(store, COORD2, municipio=2)
    with pytest.raises(Forbidden):
        create(store, COORD3, municipio=2)
    with pytest.raises(Forbidden):
        create(store, ASC2)
    with pytest.raises(Invalid) as invalid:
        create(store, COORD2, municipio=2, now=datetime(2027, 1, 1, tzinfo=timezone.utc))
    assert list(invalid.value.errors) == ["ends_at"]


def test_editing_a_published_event_tells_and_raises_its_sequence(store):
    event_id = create(store)
    [told] = change(store, PARTNER2, event_id, {"starts_at": "2026-12-20T15:30",
                                                "title": "Laboratorio di Natale"})
    assert told["event_type"] == "event_updated"
    assert (told["payload"]["changed"], told["payload"]["sequence"]) == (["starts_at"], 2)
    # nothing changes: nothing to tell
    assert change(store, PARTNER2, event_id, {"title": "Laboratorio di Natale"}) == []
    with pytest.raises(Invalid) as invalid:
        change(store, PARTNER2, event_id, {"ends_at": "2026-12-20T14:00"})
    assert list(invalid.value.errors) == ["ends_at"]


def test_only_organisers_and_the_municipio_coordinator_change_an_event(store):
    event_id = create(store)
    change(store, COORD2, event_id, {"capacity": 50})
    for caller in (PARTNER8, COORD3, ASC2):
        with pytest.raises(Forbidden):
            change(store, caller, event_id, {"capacity": 5})


def test_a_past_event_is_read_only_and_a_cancelled_one_stays_cancelled(store):
    event_id = create(store)
    later = datetime(2026, 12, 21, tzinfo=timezone.utc)
    with pytest.raises(Conflict):
        change(store, PARTNER2, event_id, {"title": "Dopo"}, later)
    with store.transaction() as tx:
        agenda.cancel(tx, PARTNER2, event_id, NOW)
    assert tx.events[0]["event_type"] == "event_cancelled"
    with pytest.raises(Conflict):
        with store.transaction() as tx:
            agenda.cancel(tx, PARTNER2, event_id, NOW)


def test_network_events_are_seen_by_their_network_only(store):
    network = create(store, visibility="network")
    draft = create(store, publish=False)
    public = create(store)

    def listed(caller):
        with store.sessions() as session:
            return {e.id for e in session.execute(agenda.search_statement(caller)).scalars()}

    assert listed(ANONYMOUS) == listed(PARTNER8) == listed(COORD3) == {public}
    assert listed(ASC2) == {public, network}
    assert listed(PARTNER2) == listed(COORD2) == {public, network, draft}
    with store.sessions() as session:
        for caller in (ANONYMOUS, COORD3):
            with pytest.raises(NotFound):
                agenda.get_visible(session, caller, network)
        with pytest.raises(NotFound):
            agenda.get_visible(session, ANONYMOUS, draft)
    with pytest.raises(NotFound):
        register(store, network, "fuori@rete.it", caller=PARTNER8)


def test_filters_by_time_age_municipio_and_organisation(store):
    toddlers = create(store, min_age=0, max_age=6)
    teens = create(store, PARTNER8, min_age=12, max_age=17, starts_at=at("2027-01-10"),
                   ends_at=at("2027-01-10", "18:00"), municipio=8)

    def found(**filters):
        with store.sessions() as session:
            return [e.id for e in session.execute(
                agenda.search_statement(ANONYMOUS, **filters)).scalars()]

    assert found(age=4) == [toddlers]
    assert found(municipio=8) == found(organization_id=ORG8) == [teens]
    assert found(from_=datetime(2027, 1, 1, tzinfo=ROME)) == [teens]
    assert found(to=datetime(2027, 1, 1, tzinfo=ROME)) == [toddlers]


# --- registrations -----------------------------------------------------------------------------

def test_confirmed_while_places_remain_then_waitlisted_in_order(store):
    event_id = create(store, capacity=4)
    first, _, told = register(store, event_id, "Anna@Example.it", adults=1, children=2)
    assert first.status == "confirmed" and first.contact == "anna@example.it"
    assert told[0]["event_type"] == "registration_confirmed"
    assert set(told[0]["payload"]) == {"event_id", "registration_id", "municipio", "adults",
                                       "children"}  # no names, no contacts
    assert register(store, event_id, "+39 333 111 2222", adults=2)[0].status == "waitlisted"
    # one place is left, but someone is waiting: no overtaking
    assert register(store, event_id, "333 444 5555")[0].status == "waitlisted"
    with pytest.raises(Conflict):
        register(store, event_id, "anna@example.it")


def test_cancelling_moves_up_the_first_waitlisted_that_fits(store):
    event_id = create(store, capacity=3)
    _, token, _ = register(store, event_id, "a@x.it", adults=3)
    register(store, event_id, "b@x.it", adults=4)          # too many for 3 places
    waiting, _, _ = register(store, event_id, "c@x.it", adults=2)
    first_of_all = statuses(store, event_id)[0][0]
    with pytest.raises(NotFound):
        with store.transaction() as tx:
            registrations.cancel(tx, ANONYMOUS, event_id, waiting.id, "not-the-token", NOW)
    with store.transaction() as tx:
        registrations.cancel(tx, ANONYMOUS, event_id, _registration(store, event_id, "a@x.it"),
                             token, NOW)
    assert [e["event_type"] for e in tx.events] == ["registration_promoted"]
    assert tx.events[0]["payload"]["registration_id"] == waiting.id
    assert statuses(store, event_id) == [
        (first_of_all, "cancelled"), ("b@x.it", "waitlisted"), ("c@x.it", "confirmed")]
    # raising the capacity moves the others up too
    assert [e["event_type"] for e in change(store, PARTNER2, event_id, {"capacity": 6})] == [
        "registration_promoted", "event_updated"]
    with pytest.raises(Invalid) as invalid:
        change(store, PARTNER2, event_id, {"capacity": 2})
    assert list(invalid.value.errors) == ["capacity"]


def _registration(store, event_id, contact):
    with store.sessions() as session:
        return next(r.id for r in session.execute(
            registrations.search_statement(session, PARTNER2, event_id)).scalars()
            if r.contact == contact)


def test_organisers_cancel_export_and_mark_attendance(store):
    event_id = create(store, capacity=1)
    register(store, event_id, "a@x.it", children=1)  # 2 people for 1 place: waits
    registration, _, _ = register(store, event_id, "b@x.it")
    with pytest.raises(Forbidden):
        with store.transaction() as tx:
            registrations.cancel(tx, PARTNER8, event_id, registration.id, None, NOW)
    with store.transaction() as tx:
        marked = registrations.mark_attendance(tx, PARTNER2, event_id, registration.id, True)
    assert marked.attended is True
    with store.sessions() as session:
        text = registrations.export_csv(session, PARTNER2, event_id)
        assert [r.contact for r in registrations.registrants(session, event_id)] == [
            "a@x.it", "b@x.it"]
    lines = text.splitlines()  # as Excel set to Italian reads it: ";" between cells
    assert lines[0] == "\ufeffNome;Contatto;Adulti;Bambini;Stato;Ordine di arrivo;Presente;Iscrizione"
    assert lines[1].startswith("Famiglia;a@x.it;1;1;in lista d'attesa;1;;")
    assert lines[2].startswith("Famiglia;b@x.it;1;0;in lista d'attesa;2;sì;")
    with store.transaction() as tx:
        registrations.cancel(tx, PARTNER2, event_id, registration.id, None, NOW)


def test_only_the_organisers_see_the_registrants_the_coordinator_and_the_city_count_them(store):
    event_id = create(store, capacity=2)
    register(store, event_id, "a@x.it", children=1)
    register(store, event_id, "b@x.it")
    register_pending(store, event_id, "c@x.it", NOW)
    city = Caller(user_id="c", roles=["city"])
    for caller in (COORD2, city):
        with store.sessions() as session:
            with pytest.raises(Forbidden):
                registrations.export_csv(session, caller, event_id)
            with pytest.raises(Forbidden):
                registrations.search_statement(session, caller, event_id)
            assert agenda.shown_to(caller, session.get(Event, event_id))[
                "registrations"] == {"confirmed_people": 2, "pending_people": 1,
                                     "waitlisted_people": 1, "households": 3}
    with pytest.raises(Forbidden):
        with store.transaction() as tx:
            registrations.mark_attendance(tx, COORD2, event_id,
                                          _registration(store, event_id, "b@x.it"), True)
    with store.sessions() as session:
        assert agenda.shown_to(ANONYMOUS, session.get(Event, event_id))[
            "registrations"] is None


def test_registrations_need_a_published_event_that_has_not_started(store):
    draft = create(store, publish=False)
    with pytest.raises(NotFound):
        register(store, draft, "a@x.it")
    with pytest.raises(Conflict):
        register(store, draft, "a@x.it", caller=PARTNER2)
    started = create(store)
    with pytest.raises(Conflict):
        register(store, started, "a@x.it", now=datetime(2026, 12, 20, 15, tzinfo=timezone.utc))


def test_twenty_at_once_for_ten_places_give_ten_confirmed_and_ten_waitlisted(store):
    patch_psycopg()  # as the services run: PostgreSQL waits cooperatively between green threads
    event_id = create(store, capacity=10)
    pool = eventlet.GreenPool(20)
    results = list(pool.imap(lambda n: register(store, event_id, f"p{n}@x.it")[0].status,
                             range(20)))
    assert sorted(results) == ["confirmed"] * 10 + ["waitlisted"] * 10
    with store.sessions() as session:
        assert session.get(Event, event_id).places_left == 0


# --- calendars ---------------------------------------------------------------------------------

def test_feeds_carry_local_times_across_the_dst_change_and_keep_cancelled_events(store):
    january = datetime(2026, 1, 10, tzinfo=timezone.utc)
    before = create(store, now=january, starts_at="2026-03-28T16:30", ends_at="2026-03-28T18:00",
                    title="Sabato", location={"name": "La Casa dei Giochi",
                                              "address": "Via S. Uguzzone 8"})
    after = create(store, now=january, starts_at="2026-03-30T16:30", ends_at="2026-03-30T18:00",
                   title="Lunedì", price_note="Ingresso a offerta libera")
    create(store, now=january, starts_at="2026-03-31T16:30", ends_at="2026-03-31T18:00",
           visibility="network")
    with store.transaction() as tx:
        agenda.cancel(tx, PARTNER2, after, january)
    with store.sessions() as session:
        text = ical.calendar(session.execute(agenda.feed_statement(municipio=2)).scalars().all(),
                             "Municipio 2")
    feed = icalendar.Calendar.from_ical(text)
    assert [tz["TZID"] for tz in feed.walk("VTIMEZONE")] == ["Europe/Rome"]
    events = {str(e["SUMMARY"]): e for e in feed.walk("VEVENT")}
    assert set(events) == {"Sabato", "Lunedì"}
    saturday, monday = events["Sabato"], events["Lunedì"]
    assert str(saturday["UID"]) == f"{before}@qubi.comune.milano.it"
    for component in (saturday, monday):
        assert component["DTSTART"].params["TZID"] == "Europe/Rome"
        assert component["DTSTART"].dt.strftime("%H:%M") == "16:30"
    assert saturday["DTSTART"].dt.astimezone(timezone.utc).hour == 15  # CET, +01:00
    assert monday["DTSTART"].dt.astimezone(timezone.utc).hour == 14   # CEST, +02:00
    assert str(saturday["LOCATION"]) == "La Casa dei Giochi, Via S. Uguzzone 8 (Municipio 2)"
    assert (str(saturday["STATUS"]), str(monday["STATUS"])) == ("CONFIRMED", "CANCELLED")
    assert (saturday["SEQUENCE"], monday["SEQUENCE"]) == (1, 2)
    assert "Ingresso: Ingresso a offerta libera" in str(monday["DESCRIPTION"])
    assert "DTSTAMP" in saturday


# --- drives ------------------------------------------------------------------------------------

DRIVE = {"title": "Zaino sospeso", "collect_from": "2027-08-24", "collect_to": "2027-09-15",
         "items": [{"name": "Quaderni", "quantity_needed": 10},
                   {"name": "Zaino", "quantity_needed": 2}],
         "drop_off_points": [{"name": "La Casa dei Giochi", "address": "Via S. Uguzzone 8",
                              "schedules": [{"weekday": 1, "opens_at": "16:00",
                                             "closes_at": "19:00"}]}]}


def open_drive(store, caller=PARTNER2):
    with store.transaction() as tx:
        drive = drives.create(tx, caller, load(DriveCreateSchema(), DRIVE), NOW)
    assert [e["event_type"] for e in tx.events] == ["drive_opened"]
    return drive.id


def progress(store, drive_id):
    with store.sessions() as session:
        return drives.present(drives.get(session, drive_id))


def pledge(store, drive_id, item, quantity, **more):
    with store.transaction() as tx:
        return drives.pledge(tx, drive_id, {"item": item, "quantity": quantity, **more}, NOW)


def test_drive_progress_adds_up_pledges_and_deliveries(store):
    drive_id = open_drive(store)
    pledge(store, drive_id, "quaderni", 6, donor_name="Lia")
    pledge(store, drive_id, "Zaino", 1)
    with store.transaction() as tx:
        drives.deliver(tx, COORD2, drive_id, {"item": "Zaino", "quantity": 2}, NOW)
        drives.deliver(tx, PARTNER2, drive_id, {"item": "Quaderni", "quantity": 4}, NOW)
    assert [e["event_type"] for e in tx.events] == ["drive_item_fulfilled"]
    shown = progress(store, drive_id)
    assert [(i["name"], i["quantity_needed"], i["pledged"], i["delivered"], i["fulfilled"])
            for i in shown["items"]] == [("Quaderni", 10, 6, 4, False), ("Zaino", 2, 1, 2, True)]
    assert shown["progress"] == {"quantity_needed": 12, "pledged": 7, "delivered": 6,
                                 "items": 2, "items_fulfilled": 1}


def test_a_pledge_goes_up_to_what_is_still_needed_and_no_further(store):
    drive_id = open_drive(store)
    with pytest.raises(Invalid) as invalid:
        pledge(store, drive_id, "Quaderni", 10000)
    assert invalid.value.codes == {"quantity": [["pledge_over_need", {
        "still_needed": 10, "item": "Quaderni"}]]}
    assert progress(store, drive_id)["items"][0]["pledged"] == 0
    pledge(store, drive_id, "Quaderni", 7)
    with pytest.raises(Invalid) as invalid:
        pledge(store, drive_id, "Quaderni", 4)
    assert invalid.value.codes["quantity"][0][1]["still_needed"] == 3
    pledge(store, drive_id, "Quaderni", 3)
    with pytest.raises(Invalid) as invalid:
        pledge(store, drive_id, "Quaderni", 1)
    assert invalid.value.codes == {"item": [["item_covered", {"item": "Quaderni"}]]}


def test_organisers_list_and_cancel_pledges_which_frees_their_quantity(store):
    drive_id = open_drive(store)
    first = pledge(store, drive_id, "Quaderni", 8, donor_name="Lia")
    pledge(store, drive_id, "Zaino", 1)
    with store.sessions() as session:
        for stranger in (PARTNER8, COORD3, ANONYMOUS):
            with pytest.raises((Forbidden, NotAuthenticated)):
                drives.pledges_statement(session, stranger, drive_id)
        listed = session.execute(drives.pledges_statement(
            session, PARTNER2, drive_id, item="quaderni")).scalars().all()
        assert [(p.quantity, p.donor_name, p.status) for p in listed] == [(8, "Lia", "pledged")]
    with pytest.raises(Forbidden):
        with store.transaction() as tx:
            drives.cancel_pledge(tx, PARTNER8, drive_id, first.id, NOW)
    for _ in range(2):  # twice changes nothing more
        with store.transaction() as tx:
            cancelled = drives.cancel_pledge(tx, PARTNER2, drive_id, first.id, NOW)
        assert cancelled.status == "cancelled"
    assert progress(store, drive_id)["items"][0]["pledged"] == 0
    pledge(store, drive_id, "Quaderni", 10)  # the whole need again
    with store.sessions() as session:
        assert [p.status for p in session.execute(drives.pledges_statement(
            session, COORD2, drive_id, status="cancelled")).scalars()] == ["cancelled"]


def test_unknown_items_and_strangers_are_refused(store):
    drive_id = open_drive(store)
    with pytest.raises(Invalid) as invalid:
        with store.transaction() as tx:
            drives.pledge(tx, drive_id, {"item": "Tablet", "quantity": 1}, NOW)
    assert list(invalid.value.errors) == ["item"]
    with pytest.raises(Forbidden):
        with store.transaction() as tx:
            drives.deliver(tx, PARTNER8, drive_id, {"item": "Zaino", "quantity": 1}, NOW)
    with pytest.raises(Invalid) as invalid:
        load(DriveCreateSchema(), {**DRIVE, "collect_to": "2027-08-01"})
    assert list(invalid.value.errors) == ["collect_to"]


def test_a_drive_s_window_lies_between_a_year_ago_and_two_years_ahead(store):
    for window, field, code in (
            (("4363-06-19", "4363-06-30"), "collect_to", "day_too_late"),
            (("2026-12-01", "2028-12-01"), "collect_to", "day_too_late"),
            (("2025-11-01", "2026-12-01"), "collect_from", "day_too_early"),
            (("2026-11-01", "2026-11-24"), "collect_to", "day_past")):
        body = {**DRIVE, "collect_from": window[0], "collect_to": window[1]}
        with pytest.raises(Invalid) as invalid:
            with store.transaction() as tx:
                drives.create(tx, PARTNER2, load(DriveCreateSchema(), body), NOW)
        assert {name: [c for c, _ in codes] for name, codes in invalid.value.codes.items()} == {
            field: [code]}, window


def test_a_drive_closes_itself_after_the_last_day_of_its_window(store):
    drive_id = open_drive(store)
    last_evening = datetime(2027, 9, 15, 23, 30, tzinfo=ROME)
    with store.transaction() as tx:
        assert drives.close_due(tx, last_evening) == []
    with store.transaction() as tx:
        closed = drives.close_due(tx, last_evening + timedelta(hours=1))
    assert [d.id for d in closed] == [drive_id]
    assert [e["event_type"] for e in tx.events] == ["drive_closed"]
    assert progress(store, drive_id)["status"] == "closed"
    with pytest.raises(Conflict):
        with store.transaction() as tx:
            drives.pledge(tx, drive_id, {"item": "Zaino", "quantity": 1}, NOW)


# --- demo --------------------------------------------------------------------------------------

def test_the_demo_has_the_christmas_parties_and_zaino_sospeso_once(store):
    names = {"Comunità Oklahoma": "o" * 36, "La Casa dei Giochi": "c" * 36,
             "Mirmica": "m" * 36}
    for _ in range(2):
        with store.transaction() as tx:
            load_demo(tx.session, names, today=date(2026, 11, 25))
    with store.sessions() as session:
        events = session.execute(select(Event).order_by(Event.starts_at)).scalars().all()
        [drive] = session.execute(select(Drive)).scalars().all()
        assert [(e.starts_at.astimezone(ROME).strftime("%Y-%m-%d %H:%M"), e.municipio)
                for e in events] == [("2026-12-17 16:30", 5), ("2026-12-22 14:30", 2)]
        assert events[1].organizer_ids == ["c" * 36, "m" * 36]
        assert events[1].price_note == "Ingresso a offerta libera"
        assert (drive.collect_from, drive.collect_to) == (date(2027, 8, 24), date(2027, 9, 15))
        assert {"Quaderni a righe", "Diario scolastico", "Calcolatrice"} <= {
            item.name for item in drive.items}
