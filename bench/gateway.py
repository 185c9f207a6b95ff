"""The gateway under load: 10 concurrent clients (wrk) on a directory search and a referral
inbox read (one RPC each) and on /healthz (no RPC), beside a no-op RPC loop measured in the
same run; then the liveness probe (the master's, on LIVENESS_PORT, and a worker's /healthz)
asked by one client while the search load saturates the gateway. Needs RabbitMQ at AMQP_URI
and `wrk` (Debian package wrk).

    .venv/bin/python -m bench.gateway [--seconds 10] [--connections 10]
"""
import argparse
import re
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import requests

from bench.measure import summary, timings_ms
from bench.preflight import bench_settings, rpc_config
from deploy.local import Platform
from services.common.rpc import SignedClusterRpcProxy
from tests.platform import free_port

WARM_UP_SECONDS = 3


def wrk(url: str, token: str | None, seconds: int, connections: int) -> dict:
    command = ["wrk", f"-t{min(2, connections)}", f"-c{connections}", f"-d{seconds}s",
               "--latency", url]
    if token:
        command[1:1] = ["-H", f"Authorization: Bearer {token}"]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    percentiles = dict(re.findall(r"^\s+(50|99)%\s+([\d.]+\w+)", output, re.M))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {"rate": rate, "p50": _ms(percentiles["50"]), "p99": _ms(percentiles["99"]),
            "errors": int(errors.group(1)) if errors else 0}


def measured(url: str, token: str | None, args) -> dict:
    """wrk's figures for `url`, after a first run that is not counted: the gateway opens its
    pooled broker connections, and the services their database connections, on first use."""
    wrk(url, token, WARM_UP_SECONDS, args.connections)
    return wrk(url, token, args.seconds, args.connections)


def probed_under_load(load_url: str, probes: dict, args) -> list:
    """Each probe asked by one client while `args.connections` clients search: (name, figures)
    of the probes; the load runs a second longer than each probe, on both sides."""
    found = []
    for name, url in probes.items():
        load = threading.Thread(target=wrk, args=(load_url, None, args.seconds + 2,
                                                  args.connections))
        load.start()
        try:
            threading.Event().wait(1)
            found.append((name, wrk(url, None, args.seconds, 1)))
        finally:
            load.join()
    return found


def _ms(text: str) -> float:
    value, unit = float(re.match(r"[\d.]+", text).group()), re.search(r"[a-z]+", text).group()
    return value * {"us": 0.001, "ms": 1, "s": 1000}[unit]


def main(argv=None) -> str:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=10)
    args = parser.parse_args(argv)
    with bench_settings("qubi-bench-gateway") as settings:
        return measure(args, settings)


def measure(args, settings) -> str:
    if shutil.which("wrk") is None:
        sys.exit("bench.gateway needs wrk: apt-get install wrk")
    workdir = Path(tempfile.mkdtemp(prefix="qubi-gateway-bench-"))
    liveness = free_port()
    platform = Platform({"AMQP_URI": settings.amqp_uri, "LIVENESS_PORT": str(liveness),
                         "QUBI_VAR_DIR": str(workdir), "GUNICORN_WORKERS": "2",
                         "GUNICORN_THREADS": "8", "LOGIN_RATE_PER_MINUTE": "100000",
                         "WRITE_RATE_PER_MINUTE": "100000"}, port=free_port())
    platform.prepare()
    platform.start()
    try:
        assert platform.wait_ready(), "the platform did not start"
        token = requests.post(f"{platform.url}/api/v1/auth/token", timeout=10, json={
            "username": "partner8b", "password": "qubi-demo"}).json()["access_token"]
        with SignedClusterRpcProxy(rpc_config(settings), timeout=10) as cluster:
            noop = summary("no-op RPC", timings_ms(cluster.directory.ping, 500))
        rows = [(name, measured(f"{platform.url}{path}", token if auth else None, args))
                for name, path, auth in (
                    ("GET /healthz (no RPC)", "/healthz", False),
                    ("directory search, GET /api/v1/services?municipio=8",
                     "/api/v1/services?municipio=8", False),
                    ("referral inbox, GET /api/v1/referrals?box=inbox",
                     "/api/v1/referrals?box=inbox", True))]
        search = f"{platform.url}/api/v1/services?municipio=8"
        rows += [(f"{name}, one client, beside the search load", row) for name, row in
                 probed_under_load(search, {
                     "liveness, GET /healthz on LIVENESS_PORT (the master)":
                         f"http://localhost:{liveness}/healthz",
                     "GET /healthz on the gateway's port (a worker)":
                         f"{platform.url}/healthz"}, args)]
    finally:
        platform.stop_all()
    lines = [f"{args.connections} concurrent clients for {args.seconds} s each (wrk), after "
             f"{WARM_UP_SECONDS} s of warm-up; "
             f"baseline: one no-op RPC after another, p50 {noop['p50']:.2f} ms, "
             f"p99 {noop['p99']:.2f} ms", "",
             "| endpoint | requests/s | p50 ms | p99 ms | p99 / no-op RPC p99 | non-2xx |",
             "|---|---|---|---|---|---|"]
    for name, row in rows:
        lines.append(f"| {name} | {row['rate']:.0f} | {row['p50']:.2f} | {row['p99']:.2f} | "
                     f"{row['p99'] / noop['p99']:.1f}x | {row['errors']} |")
    report = "\n".join(lines)
    print(f"\n## Gateway under load\n\n{report}\n")
    return report


if __name__ == "__main__":
    main()
