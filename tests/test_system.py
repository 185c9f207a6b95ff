"""The whole platform as a user meets it: four service processes and the gateway under
gunicorn, over HTTP, on the real RabbitMQ (and PostgreSQL when TEST_DATABASE_URL says so)."""
import socket
import time
import uuid
from urllib.parse import urlparse

import pytest
import requests

from deploy.local import Platform
from tests.databases import make_databases
from tests.helpers import wait_for

pytestmark = pytest.mark.broker


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def platform(vhost_pipeline, request, tmp_path_factory):
    broker = urlparse(request.config.getoption("RABBIT_AMQP_URI"))
    with vhost_pipeline.get() as vhost:
        databases = make_databases(f"qubi_sys_{uuid.uuid4().hex[:6]}", tmp_path_factory.mktemp("sys"))
        env = {f"{name.upper()}_DATABASE_URL": url for name, url in databases.items()}
        env.update(AMQP_URI=f"{broker.scheme}://{broker.netloc}/{vhost}",
                   QUBI_SECRET_KEY="system-test-secret-long-enough-for-hs256",
                   RPC_TIMEOUT="2", OUTBOX_SWEEP_SECONDS="1", GUNICORN_WORKERS="1")
        logs = tmp_path_factory.mktemp("logs")
        running = Platform(env, port=free_port(), log_dir=logs)
        running.prepare()
        running.start()
        try:
            assert running.wait_ready(), f"not ready; logs in {logs}"
            yield running
        finally:
            running.stop_all()


class Client:
    def __init__(self, platform, username=None):
        self.base = platform.url + "/api/v1"
        self.headers = {}
        if username:
            answer = requests.post(f"{self.base}/auth/token",
                                   json={"username": username, "password": "qubi-demo"}, timeout=10)
            assert answer.status_code == 200, answer.text
            self.headers["Authorization"] = f"Bearer {answer.json()['access_token']}"

    def get(self, path, **kwargs):
        return requests.get(self.base + path, headers=self.headers, timeout=10, **kwargs)

    def post(self, path, **kwargs):
        return requests.post(self.base + path, headers=self.headers, timeout=10, **kwargs)


def notifications_about(client, name):
    items = client.get("/notifications").json()["items"]
    return [item for item in items if name in item["body"]]


def test_anyone_sees_the_nine_networks(platform):
    answer = Client(platform).get("/networks")
    assert answer.status_code == 200
    networks = answer.json()["items"]
    assert [n["municipio"] for n in networks] == list(range(1, 10))
    assert {"Quarto Oggiaro", "Gallaratese", "Villapizzone"} <= set(networks[7]["zones"])


def test_demo_users_log_in_and_see_who_they_are(platform):
    me = Client(platform, "coord8").get("/me").json()
    assert (me["username"], me["roles"], me["municipi"], me["tier"]) == (
        "coord8", ["coordinator"], [8], "municipal")
    wrong = requests.post(f"{platform.url}/api/v1/auth/token",
                          json={"username": "coord8", "password": "nope"}, timeout=10)
    assert wrong.status_code == 401


def test_a_new_organisation_reaches_the_coordinators_inbox(platform):
    coordinator = Client(platform, "coord8")
    created = coordinator.post("/organizations", json={"name": "Ludoteca QT8", "municipi": [8]})
    assert created.status_code == 201, created.text
    assert created.json()["municipi"] == [8]
    assert Client(platform).get(f"/organizations/{created.json()['id']}").json()["name"] == "Ludoteca QT8"
    found = wait_for(lambda: notifications_about(coordinator, "Ludoteca QT8"))
    assert found[0]["title"] == "Nuova organizzazione nella rete" and not found[0]["read"]
    assert notifications_about(Client(platform, "coord3"), "Ludoteca QT8") == []


def test_bad_input_is_422_naming_each_field_and_writes_nothing(platform):
    city = Client(platform, "citta")
    before = city.get("/organizations").json()["total"]
    for body, fields in [({}, {"name"}), ({"name": 42, "level": "x"}, {"name", "level"}),
                         ({"name": "Dodici", "municipi": [12]}, {"municipi.0"})]:
        answer = city.post("/organizations", json=body)
        assert answer.status_code == 422
        assert answer.headers["Content-Type"] == "application/problem+json"
        assert set(answer.json()["errors"]) == fields
    assert city.get("/organizations").json()["total"] == before


def test_no_token_is_401_and_a_partner_is_403(platform):
    body = {"name": "APS senza permesso", "municipi": [8]}
    assert Client(platform).post("/organizations", json=body).status_code == 401
    assert Client(platform, "partner8a").post("/organizations", json=body).status_code == 403
    assert Client(platform, "coord3").post("/organizations", json=body).status_code == 403


def test_notifications_owed_while_the_service_was_down_arrive_when_it_returns(platform):
    coordinator = Client(platform, "coord8")
    platform.stop("notifications")
    try:
        started = time.monotonic()
        down = coordinator.get("/notifications")
        assert down.status_code == 503 and down.headers["Retry-After"]
        assert time.monotonic() - started < 5
        created = Client(platform, "citta").post(
            "/organizations", json={"name": "Doposcuola Villapizzone", "municipi": [8]})
        assert created.status_code == 201
    finally:
        platform.start_service("notifications")
    assert wait_for(lambda: coordinator.get("/notifications").status_code == 200, timeout=30)
    assert wait_for(lambda: notifications_about(coordinator, "Doposcuola Villapizzone"), timeout=30)
