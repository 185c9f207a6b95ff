"""One bus event told to 1,000 people: the time from the event's publication until 1,000
in-app notifications are stored, beside one no-op RPC round trip measured in the same run.
Needs RabbitMQ at AMQP_URI.

    .venv/bin/python -m bench.notifications_fanout [--people 1000] [--rounds 5]
"""
import argparse
import statistics
import tempfile
import time
from pathlib import Path

from kombu import Connection
from sqlalchemy import func, select

from bench.measure import summary, table, timings_ms
from bench.preflight import bench_settings, rpc_config, wait_for_services
from deploy.local import Platform
from services.common.database import Store
from services.common.events import envelope, events_exchange
from services.common.migrations import upgrade
from services.common.rpc import SignedClusterRpcProxy
from services.directory.demo import load_demo
from services.directory.models import Base as DirectoryBase
from services.directory.models import Organization, User
from services.notifications.models import Base as NotificationsBase
from services.notifications.models import Notification


def add_members(url: str, people: int) -> str:
    """`people` coordinators of Municipio 8 (one password hash for all: this is a bench)."""
    store = Store(url, DirectoryBase.metadata)
    with store.transaction() as tx:
        load_demo(tx.session, "bench")
        password_hash = tx.session.execute(select(User.password_hash)).scalars().first()
        tx.session.add_all(User(username=f"membro{n:04d}", password_hash=password_hash,
                                roles=["coordinator"], municipi=[8],
                                email=f"membro{n:04d}@rete-qubi.example") for n in range(people))
        organization_id = tx.session.execute(select(Organization.id)).scalars().first()
    store.dispose()
    return organization_id


def main(argv=None) -> str:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args(argv)
    with bench_settings("qubi-bench-notifications-fanout") as settings:
        return measure(args, settings)


def measure(args, settings) -> str:
    workdir = Path(tempfile.mkdtemp(prefix="qubi-fanout-"))
    urls = {name: f"sqlite:///{workdir}/{name}.sqlite3" for name in ("directory", "notifications")}
    for name, url in urls.items():
        upgrade(name, url)
    organization_id = add_members(urls["directory"], args.people)
    platform = Platform({"AMQP_URI": settings.amqp_uri,
                         "DIRECTORY_DATABASE_URL": urls["directory"],
                         "NOTIFICATIONS_DATABASE_URL": urls["notifications"],
                         "QUBI_VAR_DIR": str(workdir)})
    platform.admin("declare")
    platform.start_service("directory")
    platform.start_service("notifications")
    store = Store(urls["notifications"], NotificationsBase.metadata)
    config = rpc_config(settings)
    exchange = events_exchange("directory", config)
    try:
        with SignedClusterRpcProxy(config, timeout=30) as cluster:
            wait_for_services(cluster, "directory", "notifications")
            noop = summary("no-op RPC round trip (baseline)", timings_ms(cluster.directory.ping, 300))
        seconds = []
        with Connection(settings.amqp_uri) as connection:
            producer = connection.Producer()
            for _ in range(args.rounds):
                event = envelope("organization_registered", {"organization_id": organization_id,
                                                             "municipi": [8], "level": 1})
                started = time.perf_counter()
                producer.publish(event, exchange=exchange, declare=[exchange],
                                 routing_key=event["event_type"], serializer="json")
                while _told(store, event["event_id"]) < args.people:
                    time.sleep(0.005)
                seconds.append(time.perf_counter() - started)
    finally:
        platform.stop_all()
        store.dispose()
    fanout = summary(f"one event to {args.people} inboxes", [s * 1000 for s in seconds])
    report = table([noop, fanout], baseline=noop)
    print(f"\n## Notifications fan-out\n\n{report}\n\nmedian {statistics.median(seconds):.2f} s "
          f"for {args.people} inboxes (target: under 2 s)\n")
    return report


def _told(store, event_id) -> int:
    with store.sessions() as session:
        return session.execute(select(func.count()).select_from(Notification).where(
            Notification.event_id == event_id)).scalar_one()


if __name__ == "__main__":
    main()
