"""The gateway without services: sessions and revoked tokens, rate limits, metrics and log
lines."""
import io
import json
import logging
import time

import pytest

from gateway.revocations import Revocations
from gateway.tests.support import COORDINATOR, bearer, make_app
from services.common import serialization
from services.common.errors import Unavailable
from services.common.logs import JsonFormatter

GRANT = {**COORDINATOR, "refresh_token": "refresh-1", "refresh_expires_in": 1209600,
         "access_expires_in": 300}


class FakeDirectory:
    """Answers the gateway's RPCs as the directory would, and remembers them."""

    def __init__(self):
        self.calls = []
        self.on_call = None

    def call(self, service, method, *args, context_data=None, as_json=False, **kwargs):
        self.calls.append((method, args))
        self.on_call(service, method, 0.002, "ok")
        logging.getLogger("gateway.rpc").info("rpc %s.%s", service, method)
        result = self.answer(method, args)
        return serialization.dumps(result) if as_json else result

    @staticmethod
    def answer(method, args):
        if method == "end_session":
            return {"session_id": args[0], "until": time.time() + 300}
        if method == "get_organization":
            return {"id": args[0], "name": "Ludoteca"}
        if method == "register_organization":
            return {"id": "o-2", **args[0]}
        return GRANT  # authenticate, refresh_session


@pytest.fixture
def directory():
    return FakeDirectory()


def app_with(directory, **environ):
    return make_app(rpc=directory, **environ)


def test_login_answers_an_access_token_of_the_session_and_its_refresh_token(directory):
    client = app_with(directory).test_client()
    answer = client.post("/api/v1/auth/token", json={"username": "coord8", "password": "pw"})
    assert answer.status_code == 200
    assert answer.json["refresh_token"] == "refresh-1"
    assert (answer.json["expires_in"], answer.json["token_type"]) == (300, "Bearer")
    me = client.get("/api/v1/me", headers={
        "Authorization": f"Bearer {answer.json['access_token']}"})
    assert me.json["username"] == "coord8"
    refreshed = client.post("/api/v1/auth/refresh", json={"refresh_token": "refresh-1"})
    assert refreshed.status_code == 200
    assert directory.calls[-1] == ("refresh_session", ("refresh-1",))
    assert client.post("/api/v1/auth/refresh", json={}).status_code == 422


def test_a_revoked_token_is_401():
    client = make_app(ended={"s-8": time.time() + 60}).test_client()
    response = client.get("/api/v1/me", headers=bearer(COORDINATOR))
    assert response.status_code == 401
    assert response.content_type == "application/problem+json"
    assert "revoked" in response.json["detail"]


def test_after_logout_the_same_token_is_401_at_once(directory):
    client = app_with(directory).test_client()
    headers = bearer(COORDINATOR)
    assert client.post("/api/v1/auth/logout").status_code == 401
    assert client.post("/api/v1/auth/logout", headers=headers).status_code == 204
    assert directory.calls[-1] == ("end_session", ("s-8",))
    assert client.get("/api/v1/me", headers=headers).status_code == 401


def test_tokens_are_refused_until_the_ended_sessions_could_be_read_once():
    def directory_down(since):
        raise Unavailable("The directory service is not answering right now.")

    app = make_app()
    app.extensions["revocations"] = Revocations(directory_down)
    client = app.test_client()
    response = client.get("/api/v1/me", headers=bearer(COORDINATOR))
    assert response.status_code == 503 and response.headers["Retry-After"]
    assert client.get("/healthz").status_code == 200


def test_the_ended_sessions_are_asked_once_an_interval_whatever_the_requests():
    asked, ended = [], {}

    def fetch(since):
        asked.append(since)
        return {"as_of": 1000.0 + len(asked),
                "items": [{"session_id": key, "until": time.time() + 60} for key in ended]}

    revocations = Revocations(fetch, interval=0.2)
    assert not any(revocations.is_ended("s-1") for _ in range(50))
    assert asked == [None]
    ended["s-1"] = True
    time.sleep(0.5)  # no request meanwhile: the copy is kept current all the same
    assert revocations.is_ended("s-1")
    assert 2 <= len(asked) <= 4
    assert asked[1] == 1001.0 - 10  # since the last answer, with some overlap


def test_a_failed_refresh_keeps_what_was_known():
    answers = [{"as_of": 1.0, "items": [{"session_id": "s-1", "until": time.time() + 60}]}]

    def fetch(since):
        if answers:
            return answers.pop()
        raise Unavailable("down")

    revocations = Revocations(fetch, interval=0.01)
    for _ in range(10):
        assert revocations.is_ended("s-1") and not revocations.is_ended("s-2")
        time.sleep(0.01)


def test_logins_past_the_limit_are_429_with_retry_after(directory):
    client = app_with(directory, LOGIN_RATE_PER_MINUTE="3").test_client()
    for _ in range(3):
        body = {"username": "coord8", "password": "pw"}
        assert client.post("/api/v1/auth/token", json=body).status_code == 200
    refused = client.post("/api/v1/auth/token", json={"username": "coord8", "password": "pw"})
    assert refused.status_code == 429
    assert refused.content_type == "application/problem+json"
    assert 1 <= int(refused.headers["Retry-After"]) <= 60  # when the first of them leaves the minute
    elsewhere = {"REMOTE_ADDR": "10.0.0.9"}  # another client, the same username
    assert client.post("/api/v1/auth/token", json={"username": "COORD8", "password": "pw"},
                       environ_base=elsewhere).status_code == 429
    assert client.post("/api/v1/auth/token", json={"username": "asc8", "password": "pw"},
                       environ_base=elsewhere).status_code == 200


def test_writes_past_the_limit_are_429_per_client_and_per_user(directory):
    client = app_with(directory, WRITE_RATE_PER_MINUTE="2").test_client()
    headers = bearer(COORDINATOR)
    for address in ("10.0.0.1", "10.0.0.2"):  # one user from two places
        answer = client.post("/api/v1/organizations", json={"name": "APS"}, headers=headers,
                             environ_base={"REMOTE_ADDR": address})
        assert answer.status_code == 201
    refused = client.post("/api/v1/organizations", json={"name": "APS"}, headers=headers,
                          environ_base={"REMOTE_ADDR": "10.0.0.3"})
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) >= 1
    for _ in range(5):  # reads are never limited
        assert client.get("/api/v1/organizations/o-1", headers=headers).status_code == 200
    anonymous = [client.post("/api/v1/organizations", json={"name": "APS"}).status_code
                 for _ in range(3)]  # 401, but counted for the client address
    assert anonymous == [401, 401, 429]


def test_metrics_count_requests_by_route_template_and_rpc_calls_by_outcome(directory):
    client = app_with(directory).test_client()
    assert client.get("/api/v1/organizations/9f1c-some-id").status_code == 200
    client.get("/api/v1/no-such-thing")
    text = client.get("/metrics").get_data(as_text=True)
    assert ('qubi_gateway_http_request_duration_seconds_count{method="GET",'
            'route="/api/v1/organizations/<organization_id>",status="200"}') in text
    assert 'route="<unmatched>",status="404"' in text
    assert ('qubi_gateway_rpc_duration_seconds_count{method="get_organization",'
            'outcome="ok",service="directory"}') in text
    assert "9f1c-some-id" not in text and "no-such-thing" not in text


@pytest.fixture
def log_lines():
    """What the gateway logs, formatted as under gunicorn (gateway/logs.py's LOGGING)."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter("gateway"))
    root = logging.getLogger()
    root.addHandler(handler)
    level = root.level
    root.setLevel(logging.INFO)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    root.removeHandler(handler)
    root.setLevel(level)


def test_every_line_logged_while_serving_carries_the_request_id(directory, log_lines):
    client = app_with(directory).test_client()
    client.get("/api/v1/organizations/o-1?q=Maria+Rossi", headers={"X-Request-ID": "trace-42"})
    lines = log_lines()
    assert [line["logger"] for line in lines] == ["gateway.rpc", "gateway.access"]
    assert all(line["request_id"] == "trace-42" for line in lines), lines
    access = lines[-1]
    assert access["route"] == "/api/v1/organizations/<organization_id>"
    assert (access["method"], access["status"]) == ("GET", 200)
    assert access["duration_ms"] >= 0
    assert "Maria" not in json.dumps(log_lines())


def test_a_request_id_that_is_not_a_sane_token_is_replaced():
    client = make_app().test_client()
    for given in ("a b", "x" * 200, "évil"):
        answered = client.get("/healthz", headers={"X-Request-ID": given}).headers["X-Request-ID"]
        assert answered != given and len(answered) == 32


def test_the_openapi_document_has_the_session_endpoints_and_429_on_every_write():
    document = make_app().test_client().get("/api/v1/openapi.json").json
    for path in ("/api/v1/auth/refresh", "/api/v1/auth/logout", "/metrics"):
        assert path in document["paths"], path
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            if method in ("post", "put", "patch", "delete"):
                assert "429" in operation["responses"], (method, path)
