"""The gateway stays up when what is behind it does not: a stopped service answers 503 within
the RPC timeout while the others keep working, and RabbitMQ restarted under the running
platform is served again within 30 s, without restarting anything. `make run` starts again a
service that stops."""
import os
import shutil
import signal
import subprocess
import sys
import time
from contextlib import suppress

import pytest
import requests

from tests.helpers import wait_for
from tests.platform import Client, free_port, platform_settings

pytestmark = pytest.mark.broker


def networks_status(platform) -> int:  # noqa: F811
    try:
        return requests.get(f"{platform.url}/api/v1/networks", timeout=10).status_code
    except requests.RequestException:
        return 0


def test_a_stopped_service_is_503_while_the_others_keep_working(platform):  # noqa: F811
    platform.stop("directory")
    try:
        started = time.monotonic()
        down = requests.get(f"{platform.url}/api/v1/networks", timeout=10)
        assert down.status_code == 503 and down.headers["Retry-After"]
        assert down.headers["Content-Type"] == "application/problem+json"
        assert time.monotonic() - started < 5
        assert Client(platform).get("/healthz".replace("/healthz", "/networks")).status_code == 503
        assert requests.get(f"{platform.url}/healthz", timeout=5).status_code == 200
        assert requests.get(f"{platform.url}/readyz", timeout=10).status_code == 503
    finally:
        platform.start_service("directory")
    assert wait_for(lambda: networks_status(platform) == 200, timeout=30)
    # ready again once the directory's search index is built again
    assert wait_for(lambda: requests.get(f"{platform.url}/readyz", timeout=10).status_code == 200,
                    timeout=30)


@pytest.mark.skipif(shutil.which("rabbitmqctl") is None, reason="needs the local RabbitMQ's rabbitmqctl")
def test_make_run_stopped_with_its_process_group_stops_every_process_once(
        vhost_pipeline, request, tmp_path_factory):
    """A TERM to the whole process group (a supervisor's, `timeout make run`) reaches every
    process, and the launcher asks each once more: everything stops by itself, nothing is
    left running, and nothing trips over the second signal."""
    output = tmp_path_factory.mktemp("make-run") / "output.log"
    with platform_settings(vhost_pipeline, request, tmp_path_factory, "run",
                           PORT=str(free_port())) as env:
        with open(output, "w") as sink:
            launcher = subprocess.Popen([sys.executable, "-m", "deploy.local"],
                                        env={**os.environ, **env}, stdout=sink,
                                        stderr=subprocess.STDOUT, start_new_session=True)
        try:
            assert wait_for(lambda: "is running at" in output.read_text(), timeout=90)
            group = subprocess.run(["pgrep", "-g", str(launcher.pid)], capture_output=True,
                                   text=True).stdout.split()
            assert len(group) >= 8  # the launcher, six services, gunicorn and its workers
            os.killpg(launcher.pid, signal.SIGTERM)
            assert launcher.wait(timeout=60) == 0
            assert [pid for pid in group if running(int(pid))] == []
            assert "Traceback" not in output.read_text()
        finally:
            with suppress(ProcessLookupError):
                os.killpg(launcher.pid, signal.SIGKILL)


@pytest.mark.skipif(shutil.which("rabbitmqctl") is None, reason="needs the local RabbitMQ's rabbitmqctl")
def test_make_run_starts_again_a_service_that_stops_and_says_so(
        vhost_pipeline, request, tmp_path_factory):
    output = tmp_path_factory.mktemp("make-run-again") / "output.log"
    port = free_port()
    with platform_settings(vhost_pipeline, request, tmp_path_factory, "again",
                           PORT=str(port)) as env:
        with open(output, "w") as sink:
            launcher = subprocess.Popen([sys.executable, "-m", "deploy.local"],
                                        env={**os.environ, **env}, stdout=sink,
                                        stderr=subprocess.STDOUT, start_new_session=True)
        try:
            assert wait_for(lambda: "is running at" in output.read_text(), timeout=90)
            directory = child_running(launcher.pid, "qubi-service directory")
            os.kill(directory, signal.SIGKILL)
            assert wait_for(lambda: "the directory service stopped (killed by signal 9); "
                                    "starting it again in 1 s." in output.read_text(), timeout=10)
            assert wait_for(lambda: login_status(port) == 200, timeout=60)
            assert child_running(launcher.pid, "qubi-service directory") != directory
            assert launcher.poll() is None
        finally:
            os.killpg(launcher.pid, signal.SIGTERM)
            launcher.wait(timeout=60)


def child_running(group: int, command: str) -> int:
    """The process of `group` whose command line holds `command`."""
    for pid in subprocess.run(["pgrep", "-g", str(group)], capture_output=True,
                              text=True).stdout.split():
        with suppress(FileNotFoundError), open(f"/proc/{pid}/cmdline", "rb") as cmdline:
            if command in cmdline.read().replace(b"\0", b" ").decode():
                return int(pid)
    raise AssertionError(f"no {command} running")


def login_status(port: int) -> int:
    try:
        return requests.post(f"http://localhost:{port}/api/v1/auth/token",
                             json={"username": "asc8", "password": "qubi-demo"},
                             timeout=10).status_code
    except requests.RequestException:
        return 0


def running(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def test_the_platform_comes_back_by_itself_after_rabbitmq_restarts(platform):  # noqa: F811
    assert networks_status(platform) == 200
    subprocess.run(["rabbitmqctl", "stop_app"], check=True, capture_output=True)
    try:
        assert networks_status(platform) == 503
    finally:
        subprocess.run(["rabbitmqctl", "start_app"], check=True, capture_output=True)
    restarted = time.monotonic()
    assert wait_for(lambda: networks_status(platform) == 200, timeout=30, interval=0.5)
    print(f"served again {time.monotonic() - restarted:.1f} s after RabbitMQ restarted")
    coordinator = Client(platform, "coord8")
    created = coordinator.post("/organizations", json={"name": "Dopo il riavvio"})
    assert created.status_code == 201
    assert wait_for(lambda: [n for n in coordinator.get("/notifications").json()["items"]
                             if "Dopo il riavvio" in n["body"]], timeout=30)
