"""A referral sent through the API until the receiver's in-app notification is stored:
p50/p99 over many referrals, beside a no-op RPC round trip measured in the same run.

    .venv/bin/python -m bench.referral_notification [--referrals 100]
"""
import argparse
import tempfile
import time
from pathlib import Path

from sqlalchemy import select

from bench.measure import summary, table, timings_ms
from bench.preflight import bench_settings, rpc_config
from deploy.local import Platform
from services.common.database import Store
from services.common.rpc import SignedClusterRpcProxy
from services.notifications.models import Base, Notification
from tests.platform import Client, free_port, referral_body


def main(argv=None) -> str:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--referrals", type=int, default=100)
    args = parser.parse_args(argv)
    with bench_settings("qubi-bench-referral-notification") as settings:
        return measure(args, settings)


def measure(args, settings) -> str:
    workdir = Path(tempfile.mkdtemp(prefix="qubi-referral-bench-"))
    platform = Platform({"AMQP_URI": settings.amqp_uri,
                         "QUBI_VAR_DIR": str(workdir), "QUIET_HOURS": "",
                         "SMTP_URL": "smtp://127.0.0.1:1", "WRITE_RATE_PER_MINUTE": "100000"},
                        port=free_port())
    platform.prepare()
    platform.start()
    store = Store(f"sqlite:///{workdir}/notifications.sqlite3", Base.metadata)
    try:
        assert platform.wait_ready(), "the platform did not start"
        sender, receiver = Client(platform, "partner8a"), Client(platform, "partner8b")
        receiver_org = receiver.get("/me").json()["organization_id"]
        seconds = []
        for _ in range(args.referrals):
            started = time.perf_counter()
            referral = sender.post("/referrals", json=referral_body(receiver_org)).json()
            while not _told(store, referral["id"]):
                time.sleep(0.002)
            seconds.append((time.perf_counter() - started) * 1000)
        with SignedClusterRpcProxy(rpc_config(settings), timeout=10) as cluster:
            noop = summary("no-op RPC (baseline)", timings_ms(cluster.directory.ping, 300))
    finally:
        platform.stop_all()
        store.dispose()
    report = table([noop, summary("referral sent -> receiver's notification stored", seconds)],
                   baseline=noop)
    print(f"\n## Referral to notification\n\n{report}\n")
    return report


def _told(store, referral_id) -> bool:
    with store.sessions() as session:
        return any(n.params.get("referral_id") == referral_id for n in session.execute(
            select(Notification).where(Notification.kind == "referral_sent")
            .order_by(Notification.created_at.desc()).limit(5)).scalars())


if __name__ == "__main__":
    main()
