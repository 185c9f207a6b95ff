"""Check-in at the door over HTTP: from a pass's QR code read (its address sent by the check-in
page) to the organiser's confirmation, p50/p99 beside a no-op RPC round trip measured in the
same run (on a vhost of the bench's own). Each reading is a different family's first, on an
event of 1,000 confirmed registrations.

    .venv/bin/python -m bench.check_in [--readings 300]
"""
import argparse
import tempfile
import uuid
from datetime import timedelta
from pathlib import Path

import requests
from sqlalchemy import insert

from bench.growth import Demo
from bench.measure import summary, table, timings_ms
from bench.preflight import own_vhost, rpc_config, settings_or_exit
from deploy.local import Platform
from services.common.database import Store, utcnow
from services.common.rpc import SignedClusterRpcProxy
from services.events.codes import new_code
from services.events.contract import ACCEPTED, CONFIRMED, PUBLISHED
from services.events.models import Base, Event, EventOrganizer, Registration
from tests.platform import free_port

ORGANISER = "partner8a"
PASSWORD = "qubi-demo"
FAMILIES = 1_000


def main(argv=None) -> str:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--readings", type=int, default=300)
    args = parser.parse_args(argv)
    settings = settings_or_exit()
    workdir = Path(tempfile.mkdtemp(prefix="qubi-check-in-bench-"))
    with own_vhost(settings, "qubi-bench-check-in") as amqp_uri:
        platform = Platform({"QUBI_VAR_DIR": str(workdir), "AMQP_URI": amqp_uri,
                             "SMTP_URL": f"file://{workdir}/mail",
                             "LOGIN_RATE_PER_MINUTE": "100000",
                             "WRITE_RATE_PER_MINUTE": "100000"}, port=free_port())
        platform.prepare()
        demo = Demo.read(f"sqlite:///{workdir}/directory.sqlite3")  # QUBI_VAR_DIR's own
        event_id, codes = _event(f"sqlite:///{workdir}/events.sqlite3",
                                 demo.users[ORGANISER]["organization_id"])
        platform.start()
        try:
            assert platform.wait_ready(), "the platform did not start"
            http = requests.Session()
            token = http.post(f"{platform.url}/api/v1/auth/token", timeout=30, json={
                "username": ORGANISER, "password": PASSWORD}).json()["access_token"]
            http.headers["Authorization"] = f"Bearer {token}"
            url = f"{platform.url}/api/v1/events/{event_id}/check-ins"
            read = iter(f"{platform.url}/events/{event_id}/check-in?code={code}"
                        for code in codes)
            readings = timings_ms(lambda: _check_in(http, url, next(read)), args.readings,
                                  warmup=20)
            with SignedClusterRpcProxy(rpc_config(settings) | {"AMQP_URI": amqp_uri},
                                       timeout=10) as cluster:
                noop = summary("no-op RPC (baseline)", timings_ms(cluster.events.ping, 300))
        finally:
            platform.stop_all()
    report = table([noop, summary("check-in: a pass's QR code read to the organiser's "
                                  "confirmation", readings)], baseline=noop)
    print(f"\n## Check-in at the door\n\n{report}\n")
    return report


def _check_in(http, url: str, address: str):
    answer = http.post(url, json={"code": address}, timeout=30)
    assert answer.status_code == 200 and answer.json()["first"], answer.text
    return answer


def _event(url: str, organization_id: str) -> tuple:
    """An event of FAMILIES confirmed registrations, starting in an hour: its id and codes."""
    now = utcnow()
    event_id = str(uuid.uuid4())
    codes = [new_code() for _ in range(FAMILIES)]
    store = Store(url, Base.metadata)
    try:
        with store.transaction() as tx:
            tx.session.execute(insert(Event).values(
                id=event_id, title="Festa d'estate", programme=[], municipio=8,
                starts_at=now + timedelta(hours=1), ends_at=now + timedelta(hours=4),
                status=PUBLISHED, published_at=now, registration_required=True,
                confirmed_people=2 * FAMILIES, households=FAMILIES))
            tx.session.execute(insert(EventOrganizer).values(
                id=str(uuid.uuid4()), event_id=event_id, position=0,
                organization_id=organization_id, status=ACCEPTED))
            tx.session.execute(insert(Registration), [
                {"id": str(uuid.uuid4()), "event_id": event_id, "name": f"Famiglia {n}",
                 "contact": f"famiglia{n}@example.org", "adults": 1, "children": 1,
                 "status": CONFIRMED, "position": n + 1, "cancel_token_hash": "-",
                 "confirmed_at": now, "created_at": now, "check_in_code": code}
                for n, code in enumerate(codes)])
    finally:
        store.dispose()
    return event_id, codes


if __name__ == "__main__":
    main()
