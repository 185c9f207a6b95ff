"""Five years of a city's data: each service's database seeded at 1x, 10x and 100x (100x is
the five-year figures of bench/growth), then the lists, counts and reports people use timed
over HTTP, p50/p99 at each size beside a no-op RPC measured in the same run; each service's
memory and the platform's start time at each size. Needs RabbitMQ at AMQP_URI; on PostgreSQL
when TEST_DATABASE_URL names a server, else SQLite.

    .venv/bin/python -m bench.data_growth [--sizes 1,10,100] [--repeat 200]
"""
import argparse
import importlib
import pkgutil
import shutil
import tempfile
import time
import uuid
from functools import partial
from pathlib import Path

import requests

import bench.growth
from bench.growth import Demo
from bench.measure import summary, timings_ms
from bench.preflight import bench_settings, rpc_config
from deploy.local import Platform
from services.common.config import SERVICE_NAMES
from services.common.rpc import SignedClusterRpcProxy
from tests.databases import make_databases
from tests.platform import free_port

PASSWORD = "qubi-demo"


def growth_modules(only: str = "") -> list:
    names = [info.name for info in pkgutil.iter_modules(bench.growth.__path__)]
    return [importlib.import_module(f"bench.growth.{name}") for name in names
            if not only or name in only.split(",")]


def main(argv=None) -> str:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1,10,100",
                        help="multiples of 1 %% of the five-year figures")
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("--only", default="", help="some of bench/growth's modules: events,funds")
    args = parser.parse_args(argv)
    sizes = [int(size) for size in args.sizes.split(",")]
    modules = growth_modules(args.only)
    with bench_settings("qubi-bench-growth") as settings:
        results = {size: measure_size(size, args.repeat, settings, modules) for size in sizes}
    report = render(results, sizes)
    print(f"\n## Five years of data\n\n{report}\n")
    return report


def measure_size(size: int, repeat: int, settings, modules: list) -> dict:
    workdir = Path(tempfile.mkdtemp(prefix=f"qubi-growth-{size}x-"))
    urls = make_databases(f"qubi_growth_{size}x_{uuid.uuid4().hex[:6]}", workdir)
    platform = Platform({**{f"{name.upper()}_DATABASE_URL": url for name, url in urls.items()},
                         "AMQP_URI": settings.amqp_uri, "QUBI_VAR_DIR": str(workdir),
                         "QUIET_HOURS": "", "LOGIN_RATE_PER_MINUTE": "100000",
                         "WRITE_RATE_PER_MINUTE": "100000"},
                        port=free_port(), log_dir=workdir / "logs")
    platform.prepare()
    demo = Demo.read(urls["directory"])
    scale = size / 100
    contexts, seeding = {}, {}
    for module in modules:
        started = time.monotonic()
        contexts[module] = module.seed(urls[module.SERVICE], scale, demo)
        seeding[module.SERVICE] = time.monotonic() - started
    print(f"{size}x seeded in {sum(seeding.values()):.0f} s "
          + ", ".join(f"{name} {seconds:.0f} s" for name, seconds in seeding.items()))
    started = time.monotonic()
    platform.start()
    try:
        assert platform.wait_ready(timeout=600), f"the platform did not start; logs in {workdir}"
        result = {"start_s": time.monotonic() - started, "timings": {}}
        with SignedClusterRpcProxy(rpc_config(settings), timeout=30) as cluster:
            result["noop"] = summary("no-op RPC", timings_ms(cluster.directory.ping, repeat))
        sessions = {}
        for module, context in contexts.items():
            for operation in module.operations(context):
                http = sessions.get(operation.username) or _session(platform.url,
                                                                    operation.username)
                sessions[operation.username] = http
                before = operation.before and partial(
                    operation.before, platform.url, partial(_logged_in, sessions, platform.url))
                result["timings"][operation.name] = _timed(http, platform.url + operation.path,
                                                           repeat, before)
        result["memory_mb"] = {name: _rss_mb(platform.processes[name].pid)
                               for name in (*SERVICE_NAMES, "gateway")}
    finally:
        platform.stop_all()
    shutil.rmtree(workdir, ignore_errors=True)
    return result


def _session(url: str, username: str | None) -> requests.Session:
    http = requests.Session()
    if username:
        answer = http.post(f"{url}/api/v1/auth/token", timeout=30,
                           json={"username": username, "password": PASSWORD})
        answer.raise_for_status()
        http.headers["Authorization"] = f"Bearer {answer.json()['access_token']}"
    return http


def _logged_in(sessions: dict, url: str, username: str | None) -> requests.Session:
    if username not in sessions:
        sessions[username] = _session(url, username)
    return sessions[username]


def _timed(http: requests.Session, url: str, repeat: int, before=None) -> dict:
    def get():
        answer = http.get(url, timeout=60)
        if answer.status_code != 200:
            raise RuntimeError(f"GET {url}: {answer.status_code} {answer.text[:300]}")
    return summary(url, timings_ms(get, repeat, warmup=5, before=before))


def _rss_mb(pid: int) -> float:
    """Resident memory of a process and its children (a gateway's workers), in MB."""
    total, pending = 0, [pid]
    while pending:
        current = pending.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except OSError:
            continue
        total += int(next(line.split()[1] for line in status.splitlines()
                          if line.startswith("VmRSS:")))
        pending += [int(child) for child in children]
    return total / 1024


def render(results: dict, sizes: list) -> str:
    first, last = sizes[0], sizes[-1]
    header = " | ".join(f"{size}x p50 / p99 ms" for size in sizes)
    lines = [f"| operation | {header} | p99 {last}x / p99 {first}x |",
             "|---|" + "---|" * len(sizes) + "---|"]
    names = list(dict.fromkeys(name for result in results.values() for name in result["timings"]))
    rows = [("no-op RPC (baseline)", [results[size]["noop"] for size in sizes])]
    rows += [(name, [results[size]["timings"].get(name) for size in sizes]) for name in names]
    for name, cells in rows:
        shown = [f"{cell['p50']:.1f} / {cell['p99']:.1f}" if cell else "" for cell in cells]
        ratio = (f"{cells[-1]['p99'] / cells[0]['p99']:.1f}x"
                 if cells[0] and cells[-1] and cells[0]["p99"] else "")
        lines.append(f"| {name} | {' | '.join(shown)} | {ratio} |")
    lines += ["", "| at each size | " + " | ".join(f"{size}x" for size in sizes) + " |",
              "|---|" + "---|" * len(sizes),
              "| platform start to ready, s | "
              + " | ".join(f"{results[size]['start_s']:.1f}" for size in sizes) + " |"]
    for name in (*SERVICE_NAMES, "gateway"):
        lines.append(f"| memory of {name}, MB | "
                     + " | ".join(f"{results[size]['memory_mb'][name]:.0f}" for size in sizes)
                     + " |")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
