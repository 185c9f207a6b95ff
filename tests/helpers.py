"""Small helpers the tests share."""
import time
from contextlib import contextmanager

from kombu import Connection, Queue
from sqlalchemy import event, select

from services.common.context import ANONYMOUS, Caller
from services.common.database import Store
from services.directory.demo import load_demo
from services.directory.models import Base as DirectoryBase
from services.directory.models import User
from services.common.events import events_exchange
from services.common.rpc import SignedClusterRpcProxy


def seed_directory(config) -> dict:
    """Loads the demo data; returns each demo user as a Caller."""
    store = Store(config["DATABASES"]["directory"], DirectoryBase.metadata)
    with store.transaction() as tx:
        load_demo(tx.session, "qubi-demo")
        callers = {user.username: Caller(user_id=user.id, username=user.username,
                                         organization_id=user.organization_id, roles=user.roles,
                                         municipi=user.municipi)
                   for user in tx.session.execute(select(User)).scalars()}
    store.dispose()
    return callers


def call(config, caller, service, method, *args, **kwargs):
    """`service.method(*args, **kwargs)` for `caller` (None: anonymous), signed as the
    gateway signs, with the keys of `config`."""
    with SignedClusterRpcProxy(config, caller or ANONYMOUS, timeout=10) as cluster:
        return getattr(cluster[service], method)(*args, **kwargs)


def publish_event(config, source_service, message):
    exchange = events_exchange(source_service, config)
    with Connection(config["AMQP_URI"]) as connection:
        connection.Producer().publish(message, exchange=exchange, declare=[exchange],
                                      routing_key=message["event_type"], serializer="json",
                                      delivery_mode=2)


def wait_for(predicate, timeout=15.0, interval=0.1):
    """Polls until `predicate()` is truthy; returns its last value."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(interval)


@contextmanager
def listening(config, source_service):
    """A queue that hears every event of `source_service`, as a consumer would."""
    queue = Queue(f"test-{source_service}-events", routing_key="#", durable=False,
                  exchange=events_exchange(source_service, config))
    with Connection(config["AMQP_URI"]) as connection:
        bound = queue.bind(connection.default_channel)
        bound.declare()
        yield bound


def received(bound_queue) -> list:
    """The events that queue heard since last asked."""
    messages = []
    while (message := bound_queue.get(no_ack=True)) is not None:
        messages.append(message.payload)
    return messages


class Statements:
    """The SQL a block of code sends."""

    def __init__(self, store):
        self.engine, self.sent = store.engine, []

    def __enter__(self):
        event.listen(self.engine, "before_cursor_execute", self._record)
        return self.sent

    def __exit__(self, *_exc):
        event.remove(self.engine, "before_cursor_execute", self._record)

    def _record(self, _connection, _cursor, statement, *_args):
        self.sent.append(" ".join(statement.split()))
