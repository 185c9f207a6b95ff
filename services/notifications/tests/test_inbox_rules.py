"""The inbox's rules, on a real database and without a broker."""
import pytest

from services.common.context import Caller
from services.common.database import Store
from services.common.errors import NotFound
from services.notifications import inbox
from services.notifications.models import Base
from services.notifications.templates import TEMPLATES, render

ALICE = Caller(user_id="alice", roles=["coordinator"], municipi=[8])
BOB = Caller(user_id="bob", roles=["coordinator"], municipi=[8])


@pytest.fixture
def store(databases):
    store = Store(databases["notifications"], Base.metadata)
    yield store
    store.dispose()


def test_each_recipient_gets_one_notification_and_only_sees_their_own(store):
    with store.transaction() as tx:
        inbox.deliver(tx, [{"user_id": "alice"}, {"user_id": "bob"}], "organization_registered",
                      {"organization_name": "APS", "municipi": "8", "organization_id": "o"}, "e1")
    with store.sessions() as session:
        mine = session.execute(inbox.inbox_statement(ALICE)).scalars().all()
        assert [n.user_id for n in mine] == ["alice"]
        assert inbox.unread_count(session, ALICE) == 1


def test_marking_read_is_only_for_the_owner(store):
    with store.transaction() as tx:
        inbox.deliver(tx, [{"user_id": "alice"}], "organization_registered",
                      {"organization_name": "APS", "municipi": "8", "organization_id": "o"}, "e1")
    with store.sessions() as session:
        notification = session.execute(inbox.inbox_statement(ALICE)).scalars().one()
    with pytest.raises(NotFound):
        with store.transaction() as tx:
            inbox.mark_read(tx.session, BOB, notification.id)
    with store.transaction() as tx:
        assert inbox.mark_read(tx.session, ALICE, notification.id).read_at is not None
    with store.sessions() as session:
        assert inbox.unread_count(session, ALICE) == 0


def test_every_template_speaks_italian_and_english():
    params = {"organization_name": "APS Otto", "municipi": "8", "organization_id": "o"}
    for kind, languages in TEMPLATES.items():
        assert set(languages) == {"it", "en"}
    assert render("organization_registered", params)["body"].startswith("APS Otto è entrata")
    assert "joined" in render("organization_registered", params, "en")["body"]
