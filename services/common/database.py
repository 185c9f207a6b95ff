"""One database per service: engines, the per-worker session provider, the transactional
outbox and the record of processed events.

A service method does its work in `with self.db.transaction() as tx:`; the domain rows and
the outbox rows (`tx.emit(...)`) commit together, and the events are published right after the
commit. A sweeper publishes whatever a crash left behind.
"""
import logging
import uuid
from contextlib import contextmanager, nullcontext
from datetime import datetime, timedelta, timezone

import eventlet
from eventlet.semaphore import Semaphore
from nameko.amqp.publish import Publisher
from nameko.extensions import DependencyProvider
from sqlalchemy import (JSON, Column, DateTime, Index, Integer, MetaData, String, Table,
                        TypeDecorator, create_engine, event, func, select, update)
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from services.common.errors import Unavailable
from services.common.events import envelope, events_exchange

log = logging.getLogger(__name__)

OUTBOX = "outbox_events"
OUTBOX_PENDING_INDEX = "ix_outbox_events_published_at"
PROCESSED = "processed_events"


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def new_id() -> str:
    """Ids are UUIDs (HSDS requires them)."""
    return str(uuid.uuid4())


def find(session, model, record_id):
    """The row with this id, or None; what cannot be an id (one with a NUL character, which
    PostgreSQL refuses to compare) finds nothing."""
    try:
        uuid.UUID(str(record_id))
    except ValueError:
        return None
    return session.get(model, record_id)


class UtcDateTime(TypeDecorator):
    """A moment, stored in UTC whatever offset it came with, and read back aware (SQLite keeps
    no offset, so comparing moments stored with different offsets would go wrong)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        value = value.astimezone(timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value


def make_engine(url: str):
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=10)


def outbox_columns():
    return [
        Column("event_id", String(36), primary_key=True),
        Column("event_type", String(80), nullable=False),
        Column("version", Integer, nullable=False),
        Column("occurred_at", UtcDateTime(), nullable=False),
        Column("payload", JSON, nullable=False),
        Column("published_at", UtcDateTime()),
    ]


def processed_columns():
    return [
        Column("event_id", String(36), primary_key=True),
        Column("handler", String(120), primary_key=True),
        Column("processed_at", UtcDateTime(), nullable=False),
    ]


def define_bus_tables(metadata: MetaData):
    """The outbox and processed-event tables, added to a service's own metadata."""
    outbox = Table(OUTBOX, metadata, *outbox_columns())
    Index(OUTBOX_PENDING_INDEX, outbox.c.published_at)
    return outbox, Table(PROCESSED, metadata, *processed_columns())


def next_in_sequence(session, model, **key) -> int:
    """Increments the counter row of `model` with this key (made at 1 the first time), in the
    caller's transaction; the row lock keeps concurrent writers in commit order."""
    where = [getattr(model, column) == value for column, value in key.items()]
    if session.execute(update(model).where(*where).values(value=model.value + 1)).rowcount == 0:
        session.add(model(value=1, **key))
        session.flush()
    return session.execute(select(model.value).where(*where)).scalar_one()


class Transaction:
    """One unit of work: a session, plus the events to publish once it commits."""

    def __init__(self, session: Session, outbox: Table, processed: Table):
        self.session = session
        self._outbox = outbox
        self._processed = processed
        self.events = []

    def emit(self, event_type: str, payload: dict, version: int = 1) -> dict:
        message = envelope(event_type, payload, version)
        self.session.execute(self._outbox.insert().values(
            event_id=message["event_id"], event_type=event_type, version=version,
            occurred_at=datetime.fromisoformat(message["occurred_at"]), payload=payload,
        ))
        self.events.append(message)
        return message

    def first_time(self, event_id: str, handler: str) -> bool:
        """Records that `handler` processed `event_id`; False when it already had."""
        seen = self.session.execute(select(self._processed.c.event_id).where(
            self._processed.c.event_id == event_id, self._processed.c.handler == handler,
        )).first()
        if seen:
            return False
        self.session.execute(self._processed.insert().values(
            event_id=event_id, handler=handler, processed_at=utcnow()))
        return True


_SQLITE_LOCKS = {}


class Store:
    """A service's database: engine, sessions and outbox relay. Usable without nameko."""

    def __init__(self, url: str, metadata: MetaData):
        self.engine = make_engine(url)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        # SQLite waits for its file lock inside C, which would freeze every green thread of
        # the process (the lock holder included): one transaction at a time per file in a
        # process, waited for greenly.
        self.serial = _SQLITE_LOCKS.setdefault(url, Semaphore(1)) if url.startswith("sqlite") \
            else nullcontext()
        self.outbox = metadata.tables[OUTBOX]
        self.processed = metadata.tables[PROCESSED]

    @contextmanager
    def transaction(self, on_commit=None):
        with self.serial:
            session = self.sessions()
            tx = Transaction(session, self.outbox, self.processed)
            try:
                yield tx
                session.commit()
            except BaseException as error:
                session.rollback()
                if isinstance(error, DBAPIError) and error.connection_invalidated:
                    # the database went away mid-transaction: nothing was written, try again
                    raise Unavailable("The database connection was lost; try again.",
                                      "database_lost") from error
                raise
            finally:
                session.close()
        if on_commit and tx.events:
            on_commit(tx.events)

    def scalar(self, statement):
        """One value read on its own, outside any unit of work: a pooled connection, no session
        (a third of a session's cost, for reads made before every request)."""
        with self.serial, self.engine.connect() as connection:
            return connection.execute(statement).scalar()

    def already_processed(self, event_id: str, handler: str) -> bool:
        """Whether `handler` recorded `event_id` (`Transaction.first_time`), read on its own."""
        return self.scalar(select(self.processed.c.event_id).where(
            self.processed.c.event_id == event_id,
            self.processed.c.handler == handler)) is not None

    def backlog(self) -> int:
        """How many events are written and not yet published (all of them, not a batch)."""
        return self.scalar(select(func.count()).select_from(self.outbox).where(
            self.outbox.c.published_at.is_(None)))

    def pending_events(self, older_than: timedelta = timedelta(0), limit: int = 500) -> list:
        with self.serial, self.sessions() as session:
            rows = session.execute(
                select(self.outbox).where(
                    self.outbox.c.published_at.is_(None),
                    self.outbox.c.occurred_at <= utcnow() - older_than,
                ).order_by(self.outbox.c.occurred_at).limit(limit)
            ).mappings().all()
        return [{
            "event_id": row["event_id"], "event_type": row["event_type"],
            "occurred_at": row["occurred_at"].isoformat(), "version": row["version"],
            "payload": row["payload"],
        } for row in rows]

    def mark_published(self, event_ids):
        with self.serial, self.sessions.begin() as session:
            session.execute(update(self.outbox).where(self.outbox.c.event_id.in_(list(event_ids)))
                            .values(published_at=utcnow()))

    def dispose(self):
        self.engine.dispose()


class OutboxRelay:
    """Publishes outbox events to the service's events exchange, with broker confirms."""

    def __init__(self, store: Store, service_name: str, config: dict):
        self.store = store
        self.exchange = events_exchange(service_name, config)
        self.publisher = Publisher(config["AMQP_URI"], declare=[self.exchange])

    def publish(self, events) -> int:
        published = []
        try:
            for message in events:
                self.publisher.publish(message, exchange=self.exchange,
                                       routing_key=message["event_type"],
                                       message_id=message["event_id"])
                published.append(message["event_id"])
        except Exception as exc:  # the sweeper will try again
            log.warning("outbox: %d event(s) left for the sweeper: %s",
                        len(events) - len(published), exc.__class__.__name__)
        finally:
            if published:
                self.store.mark_published(published)
        return len(published)

    def publish_pending(self, older_than: timedelta = timedelta(0)) -> int:
        return self.publish(self.store.pending_events(older_than))


class Database(DependencyProvider):
    """The service's database, a unit of work per call, and its outbox relay and sweeper."""

    def __init__(self, metadata: MetaData):
        self.metadata = metadata
        self.store = None
        self.relay = None
        self._sweeper = None

    def setup(self):
        config = self.container.config
        url = config["DATABASES"][self.container.service_name]
        self.store = Store(url, self.metadata)
        self.relay = OutboxRelay(self.store, self.container.service_name, config)
        self.sweep_seconds = float(config.get("OUTBOX_SWEEP_SECONDS", 5))

    def start(self):
        self._sweeper = self.container.spawn_managed_thread(self._sweep_forever)

    def _sweep_forever(self):
        while True:
            eventlet.sleep(self.sweep_seconds)
            try:
                self.relay.publish_pending(older_than=timedelta(seconds=self.sweep_seconds))
            except Exception:
                log.exception("outbox sweep failed")

    def stop(self):
        if self._sweeper is not None:
            self._sweeper.kill()
        self.store.dispose()

    def get_dependency(self, worker_ctx):
        return DatabaseAccess(self.store, self.relay)


class DatabaseAccess:
    """What a worker sees as `self.db`."""

    def __init__(self, store: Store, relay: OutboxRelay):
        self.store = store
        self.relay = relay

    def transaction(self):
        return self.store.transaction(on_commit=self.relay.publish)

    def already_processed(self, event_id: str, handler: str) -> bool:
        return self.store.already_processed(event_id, handler)
