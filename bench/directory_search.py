"""Directory search on 10,000 services over 350 organisations in the 9 municipi.

Prints p50/p99 of a mix of searches measured inside the service (the same function the RPC
worker runs, on the same database), over RPC and through the gateway over HTTP, beside a no-op
RPC round trip; the last three in turn, one of each per round, so that they see the same
machine. Needs RabbitMQ at AMQP_URI.

    .venv/bin/python -m bench.directory_search [--services 10000] [--repeat 1000]
"""
import argparse
import http.client
import itertools
import os
import random
import sys
import tempfile
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode


from bench.directory_data import CENTRE, WORDS, load
from bench.measure import interleaved_timings_ms, summary, table, timings_ms
from bench.preflight import bench_settings, rpc_config, wait_for_services
from deploy.local import Platform
from services.common.database import Store
from services.common.migrations import upgrade
from services.common.rpc import SignedClusterRpcProxy
from services.common.schemas import ROME
from services.directory.contract.catalogue import DIMENSIONS, ServiceQuerySchema
from services.directory.demo import ZONES
from services.directory.models import Base
from services.directory.search import ServiceIndex
from tests.platform import free_port


def queries(rng: random.Random):
    monday = datetime(2026, 11, 23, tzinfo=ROME)
    while True:
        municipio = rng.randint(1, 9)
        moment = monday + timedelta(days=rng.randint(0, 4), hours=rng.randint(8, 18))
        yield rng.choice([
            {"q": rng.choice(WORDS)},
            {"q": " ".join(rng.sample(WORDS, 2))},
            {"municipio": municipio},
            {"municipio": municipio, "zone": rng.choice(ZONES[municipio])},
            {"age": rng.randint(0, 17), "municipio": municipio},
            {"category": rng.choice(DIMENSIONS)},
            {"open_at": moment.isoformat(), "municipio": municipio},
            {"near": f"{CENTRE[0] + rng.uniform(-0.03, 0.03)},{CENTRE[1] + rng.uniform(-0.03, 0.03)}",
             "radius_km": "1"},
            {"q": rng.choice(WORDS), "age": rng.randint(0, 17), "open_at": moment.isoformat()},
        ])


def http_getter(port: int):
    """GET over one kept-alive connection with the standard library's client, so that what is
    timed is the gateway's work, not an HTTP library's (requests adds about half a millisecond
    of its own to every call)."""
    connection = http.client.HTTPConnection("localhost", port, timeout=10)

    def get(path: str, params: dict):
        connection.request("GET", f"{path}?{urlencode(params)}")
        response = connection.getresponse()
        body = response.read()
        if response.status != 200:
            raise RuntimeError(f"GET {path} answered {response.status}: {body[:300]!r}")

    return get


def main(argv=None) -> str:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--organizations", type=int, default=350)
    parser.add_argument("--services", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=1000)
    args = parser.parse_args(argv)
    with bench_settings("qubi-bench-directory-search") as settings:
        return measure(args, settings)


def measure(args, settings) -> str:

    workdir = Path(tempfile.mkdtemp(prefix="qubi-bench-"))
    url = os.environ.get("BENCH_DIRECTORY_DATABASE_URL", f"sqlite:///{workdir}/directory.sqlite3")
    upgrade("directory", url)
    store = Store(url, Base.metadata)
    print(f"loading {args.services} services over {args.organizations} organisations...",
          file=sys.stderr)
    load(store, args.organizations, args.services)

    rng = random.Random(11)
    mix = list(itertools.islice(queries(rng), args.repeat + 20))
    schema, index = ServiceQuerySchema(), ServiceIndex(store)
    in_service = iter(itertools.cycle(mix))

    def search_in_service():
        index.search(schema.load(next(in_service)), as_json=True)

    inside = summary("search inside the directory (10,000 services)",
                     timings_ms(search_in_service, args.repeat))

    platform = Platform({"AMQP_URI": settings.amqp_uri,
                         "DIRECTORY_DATABASE_URL": url, "QUBI_VAR_DIR": str(workdir),
                         "GUNICORN_WORKERS": "1"}, port=free_port())
    platform.start_service("directory")
    platform.start_gateway()
    try:
        get = http_getter(platform.port)
        over_rpc, through = iter(itertools.cycle(mix)), iter(itertools.cycle(mix))
        with SignedClusterRpcProxy(rpc_config(settings), timeout=10) as cluster:
            wait_for_services(cluster, "directory")
            samples = interleaved_timings_ms({
                "no-op RPC round trip (baseline)": cluster.directory.ping,
                "search over RPC (no gateway)":
                    lambda: cluster.directory.search_services(next(over_rpc)),
                "search through the gateway (HTTP -> RPC -> search)":
                    lambda: get("/api/v1/services", next(through)),
            }, args.repeat)
    finally:
        platform.stop_all()
        store.dispose()
    noop, rpc_search, gateway = (summary(name, values) for name, values in samples.items())
    report = table([noop, inside, rpc_search, gateway], baseline=noop)
    print("\n## Directory search\n\n" + report + "\n")
    return report


if __name__ == "__main__":
    main()
