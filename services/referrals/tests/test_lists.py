"""The referral lists are paged by the database: what a list shows is what `relation` lets the
caller see, in order (overdue unanswered first, then newest sent), page after page, each read
with a LIMIT; the overview's counts are the tallies every write keeps."""
import json
import statistics as stats
import uuid
from collections import Counter
from datetime import date, timedelta

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import create_engine, event, select, text

from services.common.context import Caller
from services.common.database import Store
from services.common.migrations import upgrade
from services.common.periods import Period, month_of
from services.common.privacy import shown, shown_counts
from services.common.schemas import load
from services.common.sealing import Cipher
from services.referrals import deadlines, handovers, listing, statistics
from services.referrals.contract import OUTCOMES, STATUSES, ReferralCreateSchema
from services.referrals.models import Base, Family, Referral, Tally
from services.referrals.tests.test_handovers import NOW, request
from services.referrals.upkeep import WAITING
from services.referrals.visibility import RECEIVER, SENDER, relation
from tests.databases import database_at, empty_tables

ORGS = ["0" * 35 + "a", "0" * 35 + "b", "0" * 35 + "c"]
RECEIVER_MUNICIPI = [[3], [4], [3, 4], [1], []]


def partner(user_id, organization, **more):
    return Caller(mfa=True, user_id=user_id, roles=["partner"], municipi=[],
                  organization_id=organization, **more)


SENDERS = [partner("pa1", ORGS[0]), partner("pa2", ORGS[0]), partner("pb", ORGS[1]),
           partner("pc", ORGS[2]),
           Caller(mfa=True, user_id="sw3", roles=["social_worker"], municipi=[3]),
           Caller(mfa=True, user_id="sw4", roles=["social_worker"], municipi=[4])]
CALLERS = SENDERS + [
    Caller(mfa=True, user_id="pa1", roles=["partner"], municipi=[], organization_id=ORGS[2]),
    Caller(mfa=True, user_id="px", roles=["partner", "social_worker"], municipi=[3],
           organization_id=ORGS[0]),
    Caller(user_id="py", roles=["partner", "coordinator"], municipi=[4], organization_id=ORGS[1]),
    Caller(user_id="pz", roles=["partner"]),
    Caller(mfa=True, user_id="sw34", roles=["social_worker"], municipi=[3, 4]),
    Caller(user_id="c3", roles=["coordinator"], municipi=[3]),
    Caller(user_id="c34", roles=["coordinator"], municipi=[4, 3]),
    Caller(user_id="c1", roles=["coordinator"], municipi=[1]),
    Caller(user_id="city", roles=["city"]), Caller()]
BOXES = {None: lambda relation_: relation_ is not None, "inbox": lambda r: r == RECEIVER,
         "outbox": lambda r: r == SENDER}


@pytest.fixture(scope="module")
def store(session_databases):
    empty_tables(session_databases)
    store = Store(session_databases["referrals"], Base.metadata)
    yield store
    store.dispose()


@pytest.fixture(scope="module")
def referrals(store):
    """90 referrals among three organisations and two social workers, in every state, sent
    two at a time over six months, some to the sender's own organisation; three withdrawn
    after they became overdue."""
    cipher = Cipher([Fernet.generate_key()])
    for number in range(90):
        sender, receiver = SENDERS[number % 6], ORGS[number * 7 % 3]
        sent_at = NOW - timedelta(days=number // 2 * 2)
        family = {**request()["family"], "reference": f"F-{number}",
                  "municipio": [3, 4, 1, 2][number % 4]}
        data = load(ReferralCreateSchema(), request(family=family))
        with store.transaction() as tx:
            referral = handovers.send(tx, sender, data, {
                "id": receiver, "municipi": RECEIVER_MUNICIPI[number % 5]}, cipher, now=sent_at)
        answered = sent_at + timedelta(days=0.1 * (number % 13))
        moves = {1: [("accepted", {})], 2: [("accepted", {}), ("completed", {
            "outcome": OUTCOMES[number % 4]})], 3: [("declined", {"decline_reason": "other"})],
            4: [("withdrawn", {"withdraw_reason": "moved"})]}.get(number % 5, [])
        if sender.organization_id == receiver:  # its sender, first, cannot answer it
            moves = []
        for status, details in moves:
            mover = sender if status == "withdrawn" else partner("r", receiver)
            with store.transaction() as tx:
                handovers.move(tx, mover, referral.id, status, now=answered, **details)
    with store.transaction() as tx:
        deadlines.sweep(tx, NOW + timedelta(days=1))
    with store.sessions() as session:
        overdue = session.execute(select(Referral.id, Referral.from_user_id).where(
            Referral.overdue_at.is_not(None)).order_by(Referral.code).limit(3)).all()
    for referral_id, user_id in overdue:  # answered late: no longer listed first
        with store.transaction() as tx:
            handovers.move(tx, next(s for s in SENDERS if s.user_id == user_id), referral_id,
                           "withdrawn", now=NOW + timedelta(days=2), withdraw_reason="late")
    with store.sessions() as session:
        return session.execute(select(Referral)).unique().scalars().all()


def in_order(found: list) -> list:
    return [r.id for r in sorted(found, key=lambda r: (
        r.status in WAITING and r.overdue_at is not None, r.sent_at, r.id), reverse=True)]


def test_the_list_predicate_is_relation(store, referrals):
    with store.sessions() as session:
        for caller in CALLERS:
            for box, in_box in BOXES.items():
                listed = set(session.execute(select(Referral.id).where(
                    listing.visible(caller, box))).scalars())
                assert listed == {r.id for r in referrals if in_box(relation(caller, r))}, (
                    caller, box)


@pytest.mark.parametrize("status", [None, "sent", "overdue", "accepted"])
def test_pages_come_in_order_each_read_with_a_limit(store, referrals, status):
    statements = []

    def record(_connection, _cursor, statement, parameters, _context, _many):
        statements.append((statement, parameters))

    event.listen(store.engine, "before_cursor_execute", record)
    try:
        for caller in CALLERS[:-1]:  # all but the anonymous, who is refused
            for box, in_box in BOXES.items():
                expected = in_order([r for r in referrals if in_box(relation(caller, r)) and (
                    status in (None, r.status) or status == "overdue" and r.status in WAITING
                    and r.overdue_at is not None)])
                listed, number = [], 1
                with store.sessions() as session:
                    while True:
                        statements.clear()
                        entries, total = handovers.visible_page(
                            session, caller, box, status, number, per_page=7)
                        assert total == len(expected), (caller, box)
                        assert all("LIMIT" in sql or "count(" in sql or len(parameters) <= 7
                                   for sql, parameters in statements), statements
                        if not entries:
                            break
                        listed += [referral.id for referral, _view, _actions in entries]
                        number += 1
                assert listed == expected, (caller, box)
    finally:
        event.remove(store.engine, "before_cursor_execute", record)


def test_the_overview_counts_what_there_is(store, referrals):
    with store.sessions() as session:
        counted = statistics.per_municipio(session, [1, 2, 3, 4, 5])
    for municipio in (1, 2, 3, 4, 5):
        mine = [r for r in referrals if r.municipio == municipio]
        assert counted[str(municipio)]["referrals"] == counts_of(
            mine, lambda r: f"{r.sent_at:%Y-%m}"), municipio


@pytest.mark.parametrize("first, last", [
    (date(2026, 9, 10), date(2026, 11, 20)),  # part, whole and part months
    (date(2026, 9, 1), date(2026, 10, 31)),  # whole months only
    (date(2026, 11, 2), date(2026, 11, 19)),  # days of one month
    (date(2026, 8, 28), date(2026, 8, 30))])  # sent on its last day
def test_a_period_counts_the_referrals_sent_in_its_days_in_rome(store, referrals, first, last):
    period = Period(first, last)
    with store.sessions() as session:
        counted = statistics.per_municipio(session, [1, 2, 3, 4, 5], period)
    start, end = period.moments()
    for municipio in (1, 2, 3, 4, 5):
        mine = [r for r in referrals if r.municipio == municipio and start <= r.sent_at < end]
        assert counted[str(municipio)]["referrals"] == counts_of(
            mine, lambda r: month_of(r.sent_at)), (municipio, first, last)


def counts_of(mine: list, month) -> dict:
    """The overview's counts of these referrals, as a report shows them."""
    by_status, by_outcome = Counter(r.status for r in mine), Counter(r.outcome for r in mine)
    waits = [round((r.accepted_at - r.sent_at).total_seconds() / 8640)  # tenths of a day
             for r in mine if r.accepted_at]
    return {
        "total": shown(len(mine)),
        "by_status": shown_counts({s: by_status[s] for s in STATUSES}),
        "by_outcome": shown_counts({o: by_outcome[o] for o in OUTCOMES}),
        "by_month": shown_counts(dict(sorted(Counter(month(r) for r in mine).items()))),
        "overdue": shown(sum(1 for r in mine if r.status in WAITING and r.overdue_at)),
        "median_days_to_acceptance": round(stats.median(waits) / 10, 1) if len(waits) >= 5
        else None,
        "family_answers": shown_counts({answer: sum(1 for r in mine if r.family_answer == answer)
                                        for answer in ("met", "not_contacted")})}


@pytest.fixture
def at_0001(tmp_path):
    """A referrals database migrated to 0001 only."""
    with database_at("referrals", "0001", tmp_path) as url:
        yield url


def test_the_migration_lists_and_counts_the_referrals_there_were(at_0001):
    rows = [dict(status="sent", overdue_at=NOW, to_municipi=[3]),
            dict(status="accepted", accepted_at=NOW + timedelta(days=2.5), to_municipi=[8]),
            dict(status="completed", accepted_at=NOW + timedelta(days=1), outcome="enrolled",
                 completed_at=NOW + timedelta(days=9), to_municipi=[8, 4])]
    engine = create_engine(at_0001)
    with engine.begin() as connection:
        for number, row in enumerate(rows):
            family = str(uuid.uuid4())
            connection.execute(Family.__table__.insert().values(
                id=family, owner_id=ORGS[0], reference=f"F-{number}", municipio=8,
                children_ages=[5]))
            connection.execute(text(
                "INSERT INTO referrals (id, code, family_id, from_organization_id, from_user_id, "
                "to_organization_id, municipio, to_municipi, needs, urgency, status, sent_at, "
                "deadline_at, overdue_at, accepted_at, completed_at, outcome) VALUES (:id, :code, "
                ":family, :org, 'pa1', :to, 8, :to_municipi, '[]', 'normal', :status, :sent_at, "
                ":sent_at, :overdue_at, :accepted_at, :completed_at, :outcome)"), {
                "overdue_at": None, "accepted_at": None, "completed_at": None, "outcome": None,
                **row, "id": f"r{number}", "code": f"R-2026-{number}", "family": family,
                "org": ORGS[0], "to": ORGS[1], "to_municipi": json.dumps(row["to_municipi"]),
                "sent_at": NOW - timedelta(days=number)})
    engine.dispose()
    upgrade("referrals", at_0001)
    store = Store(at_0001, Base.metadata)
    try:
        with store.sessions() as session:
            listed, total = handovers.visible_page(
                session, Caller(user_id="c", roles=["coordinator"], municipi=[3, 4]))
            assert [referral.id for referral, _view, _actions in listed] == ["r0", "r2"]
            assert total == 2
            assert listing.page(session, SENDERS[0], None, "overdue", 1, 50) == (
                [session.get(Referral, "r0")], 1)
            kept = {(tally.kind, tally.key): tally.count
                    for tally in session.execute(select(Tally)).scalars()}
            month = month_of(NOW)
            assert {key: n for key, n in kept.items() if key[0].startswith("m:")} == {
                ("m:status", f"{month} sent"): 1, ("m:status", f"{month} accepted"): 1,
                ("m:status", f"{month} completed"): 1, ("m:overdue", f"{month} "): 1,
                ("m:outcome", f"{month} enrolled"): 1, ("m:wait", f"{month} 35"): 1,
                ("m:wait", f"{month} 30"): 1}
            assert {key: n for key, n in kept.items() if not key[0].startswith("m:")} == {
                ("status", "sent"): 1, ("status", "accepted"): 1,
                            ("status", "completed"): 1, ("month", f"{NOW:%Y-%m}"): 3,
                            ("overdue", ""): 1, ("outcome", "enrolled"): 1, ("wait", "35"): 1,
                            ("wait", "30"): 1}  # 3.5 and 3 days
    finally:
        store.dispose()
