"""Property: whatever registrations, confirmations, cancellations, expiries and changes of
capacity an event goes through, the counts it keeps (what its managers see, the places left,
the overview's statistics) are those of its registrations as they stand; and the overview
follows an event to another municipio."""
from datetime import date, datetime, timedelta, timezone

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from services.common.context import Caller
from services.common.database import Store
from services.common.errors import Conflict, Invalid
from services.common.periods import Period
from services.common.privacy import shown
from services.common.schemas import load
from services.events import agenda, registrations, statistics
from services.events.contract import (CANCELLED, CONFIRMED, PENDING, WAITLISTED,
                                      EventCreateSchema)
from services.events.models import Base, Event, Registration
from services.events.tests.registering import confirm, link_token, register_pending
from services.events.tests.test_events_rules import open_drive

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=timezone.utc)
# the coordinator organises an event no organisation organises
COORD8 = Caller(user_id="k8", roles=["coordinator"], municipi=[8])
pick = st.integers(min_value=0, max_value=30)  # which registration, modulo how many
OPERATIONS = st.lists(st.one_of(
    st.tuples(st.just("register"), st.integers(1, 3), st.integers(0, 3), st.booleans()),
    st.tuples(st.just("register"), st.integers(1, 2), st.just(0), st.booleans()),
    st.tuples(st.just("confirm"), pick),
    st.tuples(st.just("confirm"), pick),
    st.tuples(st.just("cancel"), pick),
    st.tuples(st.just("attend"), pick, st.booleans()),
    st.tuples(st.just("expire"), st.integers(1, 30)),
    st.tuples(st.just("capacity"), st.integers(0, 12)),
), min_size=10, max_size=30)


@pytest.fixture
def store(databases):
    store = Store(databases["events"], Base.metadata)
    yield store
    store.dispose()


def empty(store):
    with store.transaction() as tx:
        for table in reversed(Base.metadata.sorted_tables):
            tx.session.execute(table.delete())


# Bounded to run in seconds, without shrinking (as the funds' ledger property)
@settings(max_examples=25, deadline=None, database=None,
          phases=[Phase.explicit, Phase.reuse, Phase.generate],
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(operations=OPERATIONS)
def test_an_events_counts_are_those_of_its_registrations(store, operations):
    empty(store)
    with store.transaction() as tx:
        event = agenda.create(tx, COORD8, load(EventCreateSchema(), {
            "title": "Festa", "capacity": 6, "municipio": 8,
            "starts_at": "2026-12-20T15:00:00+01:00", "ends_at": "2026-12-20T18:00:00+01:00"}),
            NOW)
        agenda.publish(tx, COORD8, event.id, NOW)
    now, contacts = NOW, iter(range(10_000))
    for name, *args in operations:
        try:
            now = apply(store, event.id, contacts, now, name, *args)
        except (Conflict, Invalid):  # e.g. too late, or a capacity below the places taken
            pass
        assert_counted(store, event.id)


def apply(store, event_id, contacts, now, name, *args):
    """One operation as people do it; the moment after it."""
    if name == "register":
        adults, children, by_email = args
        contact = f"famiglia{next(contacts)}@example.org" if by_email else \
            f"+39 02 1234 {next(contacts):04d}"
        register_pending(store, event_id, contact, now, adults, children)
        return now
    if name == "expire":
        now += timedelta(hours=args[0])
        with store.transaction() as tx:
            registrations.expire_due(tx, now)
        return now
    if name == "capacity":
        with store.transaction() as tx:
            agenda.update(tx, COORD8, event_id, {"capacity": args[0]}, now)
        return now
    with store.sessions() as session:
        found = session.execute(select(Registration).where(
            Registration.event_id == event_id).order_by(Registration.position)).scalars().all()
    standing = [r for r in found if r.status != CANCELLED]
    meant = [r for r in standing if r.status == PENDING] if name == "confirm" else standing
    if not meant:
        return now
    registration = meant[args[0] % len(meant)]
    if name == "attend":
        with store.transaction() as tx:
            registrations.mark_attendance(tx, COORD8, event_id, registration.id, args[1])
    elif name == "confirm":
        confirm(store, event_id, registration.id, now, caller=COORD8)
    else:
        with store.transaction() as tx:
            registrations.cancel(tx, COORD8, event_id, registration.id, None, now)
    return now


def assert_counted(store, event_id):
    with store.sessions() as session:
        event = session.get(Event, event_id)
        people = dict(session.execute(
            select(Registration.status, func.sum(Registration.adults + Registration.children))
            .where(Registration.event_id == event_id).group_by(Registration.status)).all())
        holding = session.execute(
            select(func.coalesce(func.sum(Registration.adults + Registration.children), 0))
            .where(Registration.event_id == event_id, Registration.status == PENDING,
                   Registration.holds_place.is_(True))).scalar_one()
        came = session.execute(
            select(func.coalesce(func.sum(Registration.adults + Registration.children), 0))
            .where(Registration.event_id == event_id, Registration.attended.is_(True))
        ).scalar_one()
        households = session.execute(select(func.count()).where(
            Registration.event_id == event_id, Registration.status != CANCELLED)).scalar_one()
        seen = agenda.shown_to(COORD8, event)["registrations"]
        overview = statistics.per_municipio(session, [8])["8"]
    assert seen == {"confirmed_people": people.get(CONFIRMED, 0),
                    "pending_people": people.get(PENDING, 0),
                    "waitlisted_people": people.get(WAITLISTED, 0), "households": households}
    taken = people.get(CONFIRMED, 0) + holding
    assert event.places_left == max(event.capacity - taken, 0)
    assert taken <= event.capacity  # no place is taken twice
    assert overview["registered_people"] == shown(people.get(CONFIRMED, 0))
    assert event.attended_people == came
    assert overview["attended_people"] == shown(came)
    assert overview["events"] == 1  # events are not people: their count is never "<5"


def test_the_overview_follows_an_event_moved_or_cancelled_and_counts_drives(store):
    city = Caller(user_id="c", roles=["city"])
    with store.transaction() as tx:
        event = agenda.create(tx, city, load(EventCreateSchema(), {
            "title": "Festa", "capacity": 20, "municipio": 8,
            "starts_at": "2026-12-20T15:00:00+01:00", "ends_at": "2026-12-20T18:00:00+01:00"}),
            NOW)
        agenda.publish(tx, city, event.id, NOW)
    pending, _token, told = register_pending(store, event.id, "famiglia@example.org", NOW, 3, 2)
    confirm(store, event.id, pending.id, NOW, token=link_token(told))

    def overview():
        with store.sessions() as session:
            return {m: tuple(figures.values())
                    for m, figures in statistics.per_municipio(session, [3, 8]).items()}

    assert overview() == {"3": (0, 0, 0, 0), "8": (1, 5, 0, 0)}  # events, people, came, drives
    with store.transaction() as tx:
        registrations.mark_attendance(tx, COORD8, event.id, pending.id, True)
    assert overview() == {"3": (0, 0, 0, 0), "8": (1, 5, 5, 0)}
    with store.transaction() as tx:
        agenda.update(tx, city, event.id, {"municipio": 3}, NOW)
    assert overview() == {"3": (1, 5, 5, 0), "8": (0, 0, 0, 0)}
    with store.transaction() as tx:
        agenda.cancel(tx, city, event.id, NOW)
    assert overview() == {"3": (0, 5, 5, 0), "8": (0, 0, 0, 0)}
    open_drive(store, caller=Caller(user_id="k3", roles=["coordinator"], municipi=[3]))
    assert overview() == {"3": (0, 5, 5, 1), "8": (0, 0, 0, 0)}


def test_a_period_counts_the_events_starting_and_the_drives_collecting_from_its_days(store):
    city = Caller(user_id="c", roles=["city"])
    with store.transaction() as tx:
        for starts in ("2026-12-20T23:30:00+01:00", "2026-12-21T00:30:00+01:00"):
            event = agenda.create(tx, city, load(EventCreateSchema(), {
                "title": "Festa", "capacity": 20, "municipio": 8, "starts_at": starts,
                "ends_at": "2026-12-22T10:00:00+01:00"}), NOW)
            agenda.publish(tx, city, event.id, NOW)
    pending, _token, told = register_pending(store, event.id, "famiglia@example.org", NOW, 3, 2)
    confirm(store, event.id, pending.id, NOW, token=link_token(told))
    open_drive(store, caller=Caller(user_id="k8", roles=["coordinator"], municipi=[8]))

    def in_period(first, last):
        with store.sessions() as session:
            return tuple(statistics.per_municipio(
                session, [8], Period(date.fromisoformat(first), date.fromisoformat(last)))["8"]
                .values())

    assert in_period("2026-12-01", "2026-12-20") == (1, 0, 0, 0)  # days in Rome
    assert in_period("2026-12-21", "2026-12-31") == (1, 5, 0, 0)
    assert in_period("2026-12-20", "2026-12-21") == (2, 5, 0, 0)
    assert in_period("2027-08-24", "2027-08-24") == (0, 0, 0, 1)  # the drive collects from then
    assert in_period("2027-01-01", "2027-08-23") == (0, 0, 0, 0)
