"""`make chaos`: under a steady load of referrals and event registrations, RabbitMQ is killed
(SIGKILL) and restarted, each service's process is killed mid-work and restarted, and the
database connections are cut (PostgreSQL); then it counts what the users were promised:
every referral the API accepted (2xx) exists exactly once, every notification owed exists
exactly once, no registration is confirmed beyond capacity. Exits 1 when anything is lost or
duplicated.

Run it on a machine of its own: it kills the local RabbitMQ. With TEST_DATABASE_URL set to a
PostgreSQL server, the services' databases are made there (and their connections can be cut).

With `--cluster 3` (`make chaos CLUSTER=3`) the local RabbitMQ is left alone: three RabbitMQ
nodes of its own are started and joined into one cluster (bench/broker_cluster.py), every
durable queue is a quorum queue (QUORUM_QUEUES=1), and each service and the gateway run twice,
connected to every node (kombu fails over). One node is killed (SIGKILL), and the time until
every gateway's RPCs are answered again is measured (at most 30 s), then it is started again;
then one replica of each service is killed and started again while the other serves on.

    .venv/bin/python -m bench.chaos [--seconds 40] [--cluster 3]
"""
import argparse
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from datetime import datetime, timedelta, timezone
from itertools import cycle
from pathlib import Path

import requests
from sqlalchemy import create_engine, select, text

from bench.broker_cluster import BrokerCluster, Readiness
from bench.preflight import bench_settings
from deploy.local import Platform
from services.common.config import SERVICE_NAMES
from services.common.database import Store
from services.events.models import Base as EventsBase
from services.events.models import Registration
from services.events.places import holds_places
from services.notifications.models import Base as NotificationsBase
from services.notifications.models import Notification
from services.referrals.models import Base as ReferralsBase
from services.referrals.models import Referral
from tests.databases import make_databases
from tests.platform import free_port

CAPACITY = 15
RECOVERY_LIMIT = 30  # seconds: RPCs are answered again within it after a broker node's loss


class Load:
    """Referrals from partner8a to partner8b, and registrations to a small event, until told;
    each request to the next of the gateways' `urls` in turn."""

    def __init__(self, *urls: str):
        self.url = url = urls[0]
        self.urls = cycle(urls)
        self.accepted, self.failures = [], Counter()
        self.stopping = threading.Event()
        self.sender = self._token("partner8a")
        receiver = self._token("partner8b")
        self.receiver_org = requests.get(f"{url}/api/v1/me", headers=receiver, timeout=10).json()[
            "organization_id"]
        starts = datetime.now(timezone.utc) + timedelta(days=20)
        event = requests.post(f"{url}/api/v1/events", headers=self.sender, timeout=10, json={
            "title": "Laboratorio sotto carico", "municipio": 8, "capacity": CAPACITY,
            "starts_at": starts.isoformat(), "ends_at": (starts + timedelta(hours=2)).isoformat()})
        self.event_id = event.json()["id"]
        requests.post(f"{url}/api/v1/events/{self.event_id}/publish", headers=self.sender, timeout=10)

    def _token(self, username) -> dict:
        answer = requests.post(f"{self.url}/api/v1/auth/token", timeout=10, json={
            "username": username, "password": os.environ.get("DEMO_PASSWORD", "qubi-demo")})
        return {"Authorization": f"Bearer {answer.json()['access_token']}"}

    def run(self):
        number = 0
        while not self.stopping.is_set():
            number += 1
            self._referral(number)
            if number % 3 == 0:
                self._registration(number)
            time.sleep(0.05)

    def _referral(self, number):
        now = datetime.now(timezone.utc)
        body = {"to_organization_id": self.receiver_org, "needs": ["educational"],
                "family": {"reference": f"CHAOS-{uuid.uuid4().hex[:8]}-{number}", "municipio": 8,
                           "guardian_name": "Persona di prova", "children": [{"age": 7}]},
                "consent": {"given_by": "Persona di prova", "method": "verbal",
                            "obtained_at": (now - timedelta(minutes=5)).isoformat(),
                            "expires_at": (now + timedelta(days=30)).isoformat()}}
        try:
            answer = requests.post(f"{next(self.urls)}/api/v1/referrals", json=body,
                                   headers=self.sender, timeout=15)
            if answer.status_code == 201:
                self.accepted.append(answer.json()["id"])
            else:
                self.failures[answer.status_code] += 1
        except requests.RequestException:
            self.failures["no answer"] += 1

    def _registration(self, number):
        try:
            requests.post(f"{next(self.urls)}/api/v1/events/{self.event_id}/registrations",
                          timeout=15, json={"name": "Famiglia", "adults": 1,
                                            "contact": f"famiglia{number}@example.org"})
        except requests.RequestException:
            pass


def kill_rabbitmq():
    subprocess.run(["pkill", "-9", "-f", "beam.smp"], check=False)
    time.sleep(2)
    subprocess.run(["rabbitmq-server", "-detached"], check=True, capture_output=True)
    for _ in range(120):
        try:
            socket.create_connection(("127.0.0.1", 5672), timeout=1).close()
            return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError("RabbitMQ did not come back")


def cut_database_connections(urls: dict):
    for name, url in urls.items():
        if not url.startswith("postgresql"):
            print(f"  {name}: SQLite has no connection to cut")
            continue
        engine = create_engine(url, isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            cut = connection.execute(text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()")).scalar()
        engine.dispose()
        print(f"  {name}: {cut} connection(s) cut")


def settle(stores, seconds=90):
    """Waits until no outbox holds an unpublished event and the counts stop moving."""
    last, deadline = None, time.monotonic() + seconds
    while time.monotonic() < deadline:
        pending = sum(len(store.pending_events()) for store in stores.values())
        with stores["notifications"].sessions() as session:
            told = len(session.execute(select(Notification.id)).all())
        if pending == 0 and told == last:
            return
        last = told
        time.sleep(3)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=40)
    parser.add_argument("--cluster", type=int, default=0, metavar="NODES",
                        help="a RabbitMQ cluster of NODES nodes of its own (3 or more), quorum "
                             "queues and two replicas of each part, instead of the local RabbitMQ")
    args = parser.parse_args(argv)
    if args.cluster:
        if args.cluster < 3:
            parser.error("--cluster: a cluster keeps its quorum queues through a node's loss "
                         "with 3 nodes or more")
        os.environ["QUBI_ENV"] = os.environ.get("QUBI_ENV") or "development"
        # the cluster is the run's own: its default vhost is no one else's
        with BrokerCluster(args.cluster) as cluster:
            return run(args.seconds, cluster.amqp_uri, cluster)
    # a vhost of its own: beside a running `make run`, neither platform answers the other's RPCs
    with bench_settings("qubi-chaos") as settings:
        return run(args.seconds, settings.amqp_uri)


def run(seconds: float, amqp_uri: str, cluster: BrokerCluster | None = None) -> int:
    workdir = Path(tempfile.mkdtemp(prefix="qubi-chaos-"))
    # fresh databases: on the PostgreSQL server of TEST_DATABASE_URL when it is set, else SQLite
    urls = make_databases(f"qubi_chaos_{uuid.uuid4().hex[:6]}", workdir)
    replicas = 2 if cluster else 1
    platform = Platform({**{f"{n.upper()}_DATABASE_URL": u for n, u in urls.items()},
                         "AMQP_URI": amqp_uri, "QUBI_VAR_DIR": str(workdir),
                         "OUTBOX_SWEEP_SECONDS": "1",
                         "RPC_TIMEOUT": "3", "QUIET_HOURS": "", "SMTP_URL": "smtp://127.0.0.1:1",
                         "WRITE_RATE_PER_MINUTE": "100000", "LOGIN_RATE_PER_MINUTE": "100000",
                         **({"QUORUM_QUEUES": "1"} if cluster else {})},
                        port=free_port(), log_dir=workdir / "logs", replicas=replicas,
                        other_gateway_ports=[free_port() for _ in range(replicas - 1)])
    platform.prepare()
    platform.start()
    stores = {"referrals": Store(urls["referrals"], ReferralsBase.metadata),
              "notifications": Store(urls["notifications"], NotificationsBase.metadata),
              "events": Store(urls["events"], EventsBase.metadata)}
    try:
        assert platform.wait_ready(), f"the platform did not start; logs in {workdir}/logs"
        load = Load(*platform.urls)
        worker = threading.Thread(target=load.run, daemon=True)
        worker.start()
        step = seconds / (3 + len(SERVICE_NAMES))
        time.sleep(step)
        if cluster:
            recovery = lose_a_node(cluster, platform.urls, step)
        else:
            print("fault: RabbitMQ killed with SIGKILL, then restarted")
            kill_rabbitmq()
        time.sleep(step)
        for name in SERVICE_NAMES:
            print(f"fault: the {name} process killed with SIGKILL, then restarted" +
                  (" (its other replica serving on)" if cluster else ""))
            platform.stop(name, signal.SIGKILL)
            platform.start_service(name)
            time.sleep(step)
        print("fault: database connections cut")
        cut_database_connections(urls)
        time.sleep(step)
        load.stopping.set()
        worker.join(timeout=30)
        settle(stores)
        broken = report(load, stores)
        if cluster:
            return broken | report_recovery(recovery)
        return broken
    finally:
        platform.stop_all()
        for store in stores.values():
            store.dispose()


def lose_a_node(cluster: BrokerCluster, urls: list, step: float) -> float | None:
    """Kills the first node of the cluster (every connection's first choice, and the leader of
    the queues declared through it), measures when every gateway's RPCs are answered again, then
    starts the node again: the seconds it took, or None when they were not answered again."""
    node = cluster.nodes[0]
    readiness = Readiness(urls).start()
    try:
        time.sleep(1)
        print(f"fault: RabbitMQ node {node.name} killed with SIGKILL (pid {node.beam_pid()})")
        killed_at = cluster.kill(node)
        recovery = readiness.answered_again(killed_at, timeout=max(3 * RECOVERY_LIMIT, step))
    finally:
        readiness.stop()
    if recovery is None:
        print(f"  RPCs: not answered again within {3 * RECOVERY_LIMIT} s of the node's loss")
    else:
        print(f"  RPCs: answered again {recovery:.1f} s after the node's loss")
    time.sleep(step)
    print(f"fault: RabbitMQ node {node.name} started again")
    cluster.restart(node)
    return recovery


def report_recovery(recovery: float | None) -> int:
    if recovery is None:
        print(f"RPC RECOVERY: RPCs were not answered again after a broker node's loss "
              f"(over {RECOVERY_LIMIT} s)")
        return 1
    within = recovery <= RECOVERY_LIMIT
    print(f"RPC RECOVERY: answered again {recovery:.1f} s after a broker node's loss "
          f"({'within' if within else 'over'} {RECOVERY_LIMIT} s)")
    return 0 if within else 1


def report(load: Load, stores) -> int:
    with stores["referrals"].sessions() as session:
        # each referral of the load is of a family of its own: two of one family are one
        # request handled twice
        stored = dict(session.execute(select(Referral.id, Referral.family_id)).all())
    per_family = Counter(stored.values())
    with stores["notifications"].sessions() as session:
        told = Counter(n.params.get("referral_id") for n in session.execute(
            select(Notification).where(Notification.kind == "referral_sent")).scalars())
        receivers = len({n.user_id for n in session.execute(
            select(Notification).where(Notification.kind == "referral_sent")).scalars()}) or 1
    with stores["events"].sessions() as session:
        # confirmed, and pending ones keeping their places until their contact answers
        held = sum(r.people for r in session.execute(select(Registration).where(
            Registration.event_id == load.event_id)).scalars() if holds_places(r))
    accepted = set(load.accepted)
    lost_referrals = [r for r in accepted if r not in stored]
    duplicate_referrals = [family for family, n in per_family.items() if n > 1]
    owed = set(stored)
    lost_notifications = [r for r in owed if told[r] == 0]
    duplicate_notifications = [r for r in owed if told[r] > receivers]
    print(f"\nreferrals: sent {len(accepted) + sum(load.failures.values())}, accepted (2xx) "
          f"{len(accepted)}, refused or unanswered {dict(load.failures)}, stored {len(stored)}, "
          f"duplicates {len(duplicate_referrals)}, lost {len(lost_referrals)}")
    print(f"notifications (referral_sent, {receivers} receiver(s) each): owed {len(owed)}, "
          f"notified {sum(1 for r in owed if told[r])}, duplicates "
          f"{len(duplicate_notifications)}, lost {len(lost_notifications)}")
    print(f"registrations: {held} people hold places for {CAPACITY} places")
    broken = (lost_referrals or duplicate_referrals or lost_notifications
              or duplicate_notifications or held > CAPACITY)
    print("RESULT: " + ("something was lost or duplicated" if broken else
                        "0 lost, 0 duplicated"))
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
