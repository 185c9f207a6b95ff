"""The gateway stays up when what is behind it does not: a stopped service answers 503 within
the RPC timeout while the others keep working, and RabbitMQ restarted under the running
platform is served again within 30 s, without restarting anything."""
import shutil
import subprocess
import time

import pytest
import requests

from tests.helpers import wait_for
from tests.platform import Client

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
    assert requests.get(f"{platform.url}/readyz", timeout=10).status_code == 200


@pytest.mark.skipif(shutil.which("rabbitmqctl") is None, reason="needs the local RabbitMQ's rabbitmqctl")
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
