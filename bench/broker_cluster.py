"""`make chaos CLUSTER=3`: a RabbitMQ cluster of its own on this machine, and how long RPCs stay
unanswered when one of its nodes is lost.

Each node is a rabbitmq-server process of its own: its node name (qubi-chaos-<n>@localhost),
AMQP and Erlang distribution ports, configuration (no plugins, so no management port), data, log
and pid files, all under one temporary directory, whose home holds the Erlang cookie the nodes
and rabbitmqctl share. Nodes 2.. join node 1 (rabbitmqctl stop_app, join_cluster, start_app).
A RabbitMQ already running on the machine is left alone: only the processes started here are
ever signalled, by their own pids.

The AMQP URI of the cluster names every node, `amqp://...:<port1>/;amqp://...:<port2>/;...`:
kombu, under nameko and the gateway, connects to the first node that answers and fails over to
the next one when its node goes.
"""
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import requests

from tests.platform import free_port

# Debian and Ubuntu: /usr/sbin's rabbitmq-server and rabbitmqctl run these as the rabbitmq user,
# with that user's Erlang cookie; called directly they run as whoever starts them
PACKAGED_SCRIPTS = Path("/usr/lib/rabbitmq/bin")
MISSING = ("make chaos CLUSTER=N starts RabbitMQ nodes of its own, and rabbitmq-server is not "
           "installed: apt-get install rabbitmq-server (it need not be running)")


def rabbitmq_scripts() -> Path | None:
    """The directory of rabbitmq-server and rabbitmqctl, or None when RabbitMQ is not installed."""
    if (PACKAGED_SCRIPTS / "rabbitmq-server").exists():
        return PACKAGED_SCRIPTS
    found = shutil.which("rabbitmq-server")
    return Path(found).resolve().parent if found else None


@dataclass
class Node:
    number: int
    amqp_port: int
    dist_port: int
    directory: Path
    process: subprocess.Popen | None = None

    @property
    def name(self) -> str:
        return f"qubi-chaos-{self.number}@localhost"

    @property
    def uri(self) -> str:
        return f"amqp://guest:guest@127.0.0.1:{self.amqp_port}/"

    def beam_pid(self) -> int | None:
        """The pid of the node's Erlang VM (its pid file), once it wrote it."""
        try:
            return int((self.directory / "pid").read_text().strip())
        except (OSError, ValueError):
            return None


class BrokerCluster:
    """`size` RabbitMQ nodes joined into one cluster; a context manager that stops them all."""

    def __init__(self, size: int):
        self.scripts = rabbitmq_scripts()
        if self.scripts is None:
            sys.exit(MISSING)
        self.directory = Path(tempfile.mkdtemp(prefix="qubi-broker-cluster-"))
        self.home = self.directory / "home"
        self.home.mkdir()
        cookie = self.home / ".erlang.cookie"
        cookie.write_text(secrets.token_hex(20).upper())
        cookie.chmod(0o400)
        (self.directory / "enabled_plugins").write_text("[].\n")
        self.nodes = []
        for number in range(1, size + 1):
            node = Node(number, free_port(), free_port(), self.directory / f"node{number}")
            node.directory.mkdir()
            (node.directory / "rabbitmq.conf").write_text(
                f"listeners.tcp.1 = 127.0.0.1:{node.amqp_port}\n"
                "disk_free_limit.absolute = 50MB\n"
                "log.console = false\n")
            (node.directory / "rabbitmq-env.conf").write_text("")  # not /etc/rabbitmq's
            self.nodes.append(node)
        self.keep = False  # the directory (logs) stays when something went wrong

    @property
    def amqp_uri(self) -> str:
        return ";".join(node.uri for node in self.nodes)

    def __enter__(self):
        try:
            self.start()
        except BaseException:
            self.keep = True
            self.stop()
            raise
        return self

    def __exit__(self, kind, error, traceback):
        self.keep = self.keep or kind is not None
        self.stop()

    def start(self):
        print(f"RabbitMQ cluster: starting {len(self.nodes)} nodes "
              f"({', '.join(f'{n.name} on port {n.amqp_port}' for n in self.nodes)}) "
              f"in {self.directory}", flush=True)
        for node in self.nodes:
            self.start_node(node)
        for node in self.nodes:
            self.wait_for(node)
        first = self.nodes[0]
        for node in self.nodes[1:]:
            self.ctl(node, "stop_app")
            self.ctl(node, "join_cluster", first.name)
            self.ctl(node, "start_app")
            self.wait_for(node)
        running = json.loads(self.ctl(first, "cluster_status", "--formatter", "json"))[
            "running_nodes"]
        missing = [node.name for node in self.nodes if node.name not in running]
        if missing:
            raise RuntimeError(f"RabbitMQ cluster: {', '.join(missing)} not running in it")
        print(f"RabbitMQ cluster: {len(self.nodes)} nodes running as one", flush=True)

    def environment(self, node: Node) -> dict:
        env = {name: value for name, value in os.environ.items()
               if not name.startswith("RABBITMQ_")}
        return {**env, "HOME": str(self.home), "RABBITMQ_NODENAME": node.name,
                "RABBITMQ_NODE_IP_ADDRESS": "127.0.0.1",
                "RABBITMQ_NODE_PORT": str(node.amqp_port),
                "RABBITMQ_DIST_PORT": str(node.dist_port),
                "RABBITMQ_CONFIG_FILE": str(node.directory / "rabbitmq.conf"),
                "RABBITMQ_ADVANCED_CONFIG_FILE": str(node.directory / "advanced.config"),
                "RABBITMQ_CONF_ENV_FILE": str(node.directory / "rabbitmq-env.conf"),
                "RABBITMQ_ENABLED_PLUGINS_FILE": str(self.directory / "enabled_plugins"),
                "RABBITMQ_MNESIA_BASE": str(node.directory / "mnesia"),
                "RABBITMQ_LOG_BASE": str(node.directory / "log"),
                "RABBITMQ_PID_FILE": str(node.directory / "pid"),
                "RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS":
                    "-kernel inet_dist_use_interface {127,0,0,1}"}

    def start_node(self, node: Node):
        (node.directory / "pid").unlink(missing_ok=True)
        output = open(node.directory / "server.out", "ab")
        node.process = subprocess.Popen(
            [str(self.scripts / "rabbitmq-server")], env=self.environment(node),
            stdin=subprocess.DEVNULL, stdout=output, stderr=subprocess.STDOUT,
            start_new_session=True)
        output.close()

    def wait_for(self, node: Node, timeout: float = 120):
        """Until the node takes AMQP connections."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if node.process.poll() is not None:
                raise RuntimeError(f"RabbitMQ node {node.name} exited with code "
                                   f"{node.process.returncode}; see {node.directory}")
            try:
                socket.create_connection(("127.0.0.1", node.amqp_port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.5)
        raise RuntimeError(f"RabbitMQ node {node.name} did not start within {timeout:g} s; "
                           f"see {node.directory}")

    def ctl(self, node: Node, *args) -> str:
        done = subprocess.run([str(self.scripts / "rabbitmqctl"), "-n", node.name, *args],
                              env=self.environment(node), capture_output=True, text=True,
                              timeout=120)
        if done.returncode != 0:
            raise RuntimeError(f"rabbitmqctl -n {node.name} {' '.join(args)}: "
                               f"{(done.stderr or done.stdout).strip()}")
        return done.stdout

    def kill(self, node: Node) -> float:
        """SIGKILL to the node's Erlang VM; when it was sent (time.monotonic())."""
        pid = node.beam_pid()
        if pid is None:
            raise RuntimeError(f"RabbitMQ node {node.name} wrote no pid file")
        os.kill(pid, signal.SIGKILL)
        killed_at = time.monotonic()
        node.process.wait(timeout=30)  # its rabbitmq-server script, which waited for it
        return killed_at

    def restart(self, node: Node):
        """Starts a node that was killed again; it rejoins the cluster from its own data."""
        self.start_node(node)
        self.wait_for(node)

    def stop(self):
        for node in self.nodes:
            if node.process is not None and node.process.poll() is None:
                try:
                    self.ctl(node, "stop")
                except (RuntimeError, subprocess.TimeoutExpired):
                    pass
        for node in self.nodes:
            if node.process is not None and node.process.poll() is None:
                pid = node.beam_pid()
                if pid is not None:
                    try:
                        os.kill(pid, signal.SIGKILL)
                    except ProcessLookupError:
                        pass
                try:
                    node.process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    node.process.kill()
                    node.process.wait()
        if self.keep:
            print(f"RabbitMQ cluster: its nodes' logs are kept in {self.directory}")
        else:
            shutil.rmtree(self.directory, ignore_errors=True)


class Readiness:
    """Asks every gateway's /readyz (RabbitMQ reachable, every service answering an RPC) a few
    times a second, from one thread per gateway, and keeps when each answer came and whether it
    was 200."""

    def __init__(self, urls):
        self.samples = {url: [] for url in urls}
        self.stopping = threading.Event()
        self.threads = [threading.Thread(target=self._ask, args=(url,), daemon=True)
                        for url in urls]

    def start(self):
        for thread in self.threads:
            thread.start()
        return self

    def stop(self):
        self.stopping.set()
        for thread in self.threads:
            thread.join(timeout=30)

    def _ask(self, url):
        while not self.stopping.is_set():
            try:
                ready = requests.get(f"{url}/readyz", timeout=20).status_code == 200
            except requests.RequestException:
                ready = False
            self.samples[url].append((time.monotonic(), ready))
            time.sleep(0.25)

    def answered_again(self, since: float, steady: float = 5, timeout: float = 90) -> float | None:
        """Seconds from `since` (a node's loss) to the first ready answer of every gateway after
        which every answer was ready for `steady` seconds; None when that did not come within
        `timeout` seconds."""
        deadline = since + timeout
        while time.monotonic() < deadline:
            recovered = [self._recovered(samples, since, steady)
                         for samples in list(self.samples.values())]
            if all(when is not None for when in recovered):
                return max(recovered) - since
            time.sleep(0.5)
        return None

    @staticmethod
    def _recovered(samples, since, steady) -> float | None:
        after = [(when, ready) for when, ready in list(samples) if when >= since]
        failures = [when for when, ready in after if not ready]
        first_good = next((when for when, ready in after
                           if ready and (not failures or when > failures[-1])), None)
        if first_good is None or after[-1][0] - first_good < steady:
            return None
        return first_good
