"""A busy person's inbox: every page in order from either end, the counts kept with the person
right however notifications are read, and a page read with LIMIT, not the whole inbox."""
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import event

from services.common.context import Caller
from services.common.database import Store
from services.notifications import inbox
from services.notifications.models import Base

ALICE = Caller(user_id="alice", roles=["partner"], municipi=[8])
BOB = Caller(user_id="bob", roles=["partner"], municipi=[8])
PEOPLE = [{"user_id": "alice", "email": None, "language": "it", "roles": ["partner"]},
          {"user_id": "bob", "email": None, "language": "it", "roles": ["partner"]}]
START = datetime(2026, 11, 2, 9, 0, tzinfo=timezone.utc)
TOLD = 11


@pytest.fixture
def store(databases):
    store = Store(databases["notifications"], Base.metadata)
    for number in range(TOLD):  # alice and bob told together, bob once more at the end
        with store.transaction() as tx:
            inbox.deliver(tx, PEOPLE, "organization_registered",
                          {"organization_name": f"APS {number}", "municipi": "8",
                           "organization_id": f"o-{number}"},
                          f"e{number}", None, "https://qubi.example",
                          START + timedelta(minutes=number), quiet_hours="")
    with store.transaction() as tx:
        inbox.deliver(tx, PEOPLE[1:], "organization_registered",
                      {"organization_name": "APS B", "municipi": "8", "organization_id": "o-b"},
                      "e-bob", None, "https://qubi.example", START + timedelta(hours=1),
                      quiet_hours="")
    yield store
    store.dispose()


def names(page) -> list:
    return [notification.params["organization_name"] for notification in page["items"]]


def pages(store, caller, per_page, unread=False) -> list:
    with store.sessions() as session:
        last = -(-inbox.inbox_page(session, caller, 1, per_page, unread)["total"] // per_page)
        return [inbox.inbox_page(session, caller, number, per_page, unread)
                for number in range(1, last + 2)]


def test_every_page_comes_newest_first_from_either_end_and_past_the_last_is_empty(store):
    newest_first = [f"APS {number}" for number in reversed(range(TOLD))]
    for per_page in (1, 2, 3, 4, 5, TOLD, 50):
        found = pages(store, ALICE, per_page)
        assert sum((names(page) for page in found), []) == newest_first, per_page
        assert found[-1]["items"] == []
        assert {page["total"] for page in found} == {TOLD}


def test_the_counts_follow_each_read_once_however_often_it_is_marked(store):
    with store.sessions() as session:
        newest = inbox.inbox_page(session, ALICE, 1, 3)["items"]
    for _ in range(2):
        for notification in newest[:2]:
            with store.transaction() as tx:
                inbox.mark_read(tx.session, ALICE, notification.id)
    unread_pages = pages(store, ALICE, 4, unread=True)
    assert sum((names(page) for page in unread_pages), []) == [
        f"APS {number}" for number in reversed(range(TOLD - 2))]
    assert {(page["total"], page["unread"]) for page in unread_pages} == {(TOLD - 2, TOLD - 2)}
    with store.transaction() as tx:
        assert inbox.mark_all_read(tx.session, ALICE) == TOLD - 2
    with store.sessions() as session:
        assert inbox.inbox_page(session, ALICE, 1, 5)["unread"] == 0
        assert inbox.inbox_page(session, ALICE, 1, 5)["total"] == TOLD
        assert inbox.inbox_page(session, BOB, 1, 5)["unread"] == TOLD + 1
        assert inbox.inbox_page(session, ALICE, 1, 5, unread=True)["items"] == []


def test_a_page_is_read_with_a_limit_and_counted_without_a_count(store):
    statements = []

    def seen(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement.upper())

    event.listen(store.engine, "before_cursor_execute", seen)
    try:
        with store.sessions() as session:
            for page in (1, 6, 11):
                assert len(inbox.inbox_page(session, ALICE, page, 1)["items"]) == 1
    finally:
        event.remove(store.engine, "before_cursor_execute", seen)
    reads = [s for s in statements if "FROM NOTIFICATIONS" in s]
    assert len(reads) == 3 and all("LIMIT" in s for s in reads)
    assert not any("COUNT(" in s for s in statements)
