"""The table of kinds drives the service's bus handlers; a handler asks the other services
before it opens a transaction, and an event told again asks nobody and changes nothing."""
from contextlib import contextmanager

import pytest
from nameko.testing.services import worker_factory
from sqlalchemy import func, select

from services.common.bus import service_queues
from services.common.database import Store
from services.common.events import envelope
from services.notifications.kinds import KINDS
from services.notifications.models import Base, Notification
from services.notifications.service import NotificationsService

CONFIG = {"PUBLIC_URL": "https://qubi.example", "QUIET_HOURS": ""}
SENT = {"referral_id": "r-1", "code": "R-2026-0042", "status": "sent", "urgency": "high",
        "municipio": 8, "to_municipi": [8], "from_organization_id": "o-1",
        "from_user_id": "p8", "to_service_id": None, "to_organization_id": "o-2"}


class WatchedStore:
    """The service's database, saying whether a transaction is open."""

    def __init__(self, store):
        self.store = store
        self.open = False

    @contextmanager
    def transaction(self):
        with self.store.transaction() as tx:
            self.open = True
            try:
                yield tx
            finally:
                self.open = False

    def already_processed(self, event_id, handler):
        return self.store.already_processed(event_id, handler)


class Directory:
    """Answers as the directory does, noting whether the database was held while it was asked."""

    def __init__(self, db):
        self.db = db
        self.asked = []

    def get_organization(self, organization_id):
        self.asked.append(self.db.open)
        return {"id": organization_id, "name": f"Ente {organization_id}"}

    def recipients(self, roles, municipi=None, organization_ids=None):
        self.asked.append(self.db.open)
        return [{"user_id": "p8b", "roles": ["partner"], "language": "it",
                 "email": "p8b@rete-qubi.example"}]


@pytest.fixture
def store(databases):
    store = Store(databases["notifications"], Base.metadata)
    yield store
    store.dispose()


def notifications(store) -> int:
    with store.sessions() as session:
        return session.execute(select(func.count()).select_from(Notification)).scalar_one()


def test_every_kind_has_its_handler_and_its_queue_named_as_before():
    queues = {queue.name for queue in service_queues(NotificationsService, {})}
    for kind in KINDS.values():
        assert callable(getattr(NotificationsService, kind.handler))
        assert (f"evt-{kind.source}-{kind.event_type}--notifications.on_{kind.event_type}"
                in queues)
    assert "evt-directory-invitation_sent--notifications.on_invitation_sent" in queues


def test_the_directory_is_asked_with_no_transaction_open(store):
    db = WatchedStore(store)
    directory = Directory(db)
    service = worker_factory(NotificationsService, db=db, directory_rpc=directory,
                             config=CONFIG)
    service.on_referral_sent(envelope("referral_sent", SENT))
    assert directory.asked and not any(directory.asked)
    assert notifications(store) == 1


def test_an_event_told_again_asks_nobody_and_changes_nothing(store):
    directory = Directory(WatchedStore(store))
    service = worker_factory(NotificationsService, db=store, directory_rpc=directory,
                             config=CONFIG)
    sent = envelope("referral_sent", SENT)
    service.on_referral_sent(sent)
    asked = len(directory.asked)
    service.on_referral_sent(sent)
    assert len(directory.asked) == asked
    assert notifications(store) == 1


def test_a_referral_of_the_social_services_names_them_in_each_language():
    from services.notifications.subjects import SOCIAL_SERVICES
    from services.notifications.templates import render

    params = {"code": "R-1", "sender": SOCIAL_SERVICES, "receiver": "Ente", "urgency": "high",
              "referral_id": "r-1"}
    assert "Servizio sociale" in render("referral_sent", params, "it")["body"]
    assert "Social services" in render("referral_sent", params, "en")["body"]
