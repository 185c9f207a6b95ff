"""The gateway's HTTP answers as an attacker or a careless client would meet them: redirects
that stay on the site, bodies too deep or too big, headers that keep answers out of caches and
frames, links from the public URL, the metrics behind their token, login limits per person."""
import io
import time
from urllib.parse import quote, urlsplit

import pytest
from cryptography.fernet import Fernet

from gateway.auth import issue_token
from gateway.tests.support import COORDINATOR, SECRET, bearer, make_app
from services.common import serialization

DEEP = "[" * 2000 + "]" * 2000


class Services:
    """Answers the few RPCs these pages make, as the services would."""

    def __init__(self):
        self.on_call = None

    def call(self, service, method, *args, context_data=None, as_json=False, **kwargs):
        result = {"items": [], "page": 1, "per_page": 30, "total": 0}
        if method == "authenticate":
            result = {**COORDINATOR, "username": args[0]["username"], "refresh_token": "r",
                      "refresh_expires_in": 600, "access_expires_in": 300}
        return serialization.dumps(result) if as_json else result


@pytest.fixture
def client():
    return make_app(rpc=Services()).test_client()


def logged_in(client):
    client.set_cookie("qubi_access", issue_token(COORDINATOR, SECRET, 60)["access_token"])
    return client


def as_a_browser_reads(location: str) -> str:
    """A Location as browsers resolve it: tabs and newlines dropped, backslashes as slashes."""
    return "".join(ch for ch in location if ch not in "\t\n\r").replace("\\", "/").strip()


@pytest.mark.parametrize("given", [
    "/%09/evil.example/", "/%0A/evil.example/", "%09//evil.example/", "/%5C/evil.example/",
    "//evil.example/", "https://evil.example/", "/%0D%0ASet-Cookie:%20a=b", "%20//evil.example",
    "/\u3000/evil.example/", "javascript:alert(1)"])
def test_after_login_the_next_page_is_always_on_this_site(client, given):
    answer = logged_in(client).get(f"/login?next={given}")
    assert answer.status_code == 302
    target = as_a_browser_reads(answer.headers["Location"])
    parts = urlsplit(target)
    assert not parts.scheme and not parts.netloc, target
    assert target.startswith("/") and not target.startswith("//"), target


def test_after_login_a_page_of_this_site_is_kept(client):
    answer = logged_in(client).get("/login?next=" + quote("/referrals?box=inbox"))
    assert answer.headers["Location"] == "/referrals?box=inbox"


@pytest.mark.parametrize("path", ["/api/v1/auth/token", "/api/v1/organizations",
                                  "/api/v1/events/e-1/registrations"])
def test_a_body_nested_too_deep_is_a_400_problem_without_a_traceback(client, path, caplog):
    answer = client.post(path, data=DEEP, content_type="application/json",
                         headers=bearer(COORDINATOR) if "organizations" in path else {})
    assert answer.status_code == 400
    assert answer.content_type == "application/problem+json"
    assert "depth limit exceeded" in answer.json["detail"]
    assert not [record for record in caplog.records if record.exc_info]


def test_an_empty_json_body_is_still_read_as_missing_fields(client):
    answer = client.post("/api/v1/organizations", data="", content_type="application/json",
                         headers=bearer(COORDINATOR))
    assert answer.status_code == 422


class Endless(io.RawIOBase):
    """A body of `size` bytes that counts what the server reads of it."""

    def __init__(self, size):
        self.size, self.read_so_far = size, 0

    def readable(self):
        return True

    def readinto(self, buffer):
        count = min(len(buffer), self.size - self.read_so_far)
        buffer[:count] = b"a" * count
        self.read_so_far += count
        return count


def post_body(client, path, size, content_type, **headers):
    body = Endless(size)
    started = time.perf_counter()
    answer = client.post(path, content_type=content_type, headers=headers, environ_overrides={
        "wsgi.input": body, "CONTENT_LENGTH": str(size)})
    return answer, body.read_so_far, time.perf_counter() - started


@pytest.mark.parametrize("path", ["/api/v1/auth/token", "/api/v1/organizations/import",
                                  "/api/v1/organizations"])
def test_a_ten_megabyte_body_is_a_413_problem_before_it_is_read(client, path):
    answer, read, seconds = post_body(client, path, 10_000_000, "application/json",
                                      **bearer(COORDINATOR))
    assert answer.status_code == 413 and answer.content_type == "application/problem+json"
    assert read == 0 and seconds < 1


def test_the_import_takes_more_than_the_other_routes_but_not_without_end():
    client = make_app(rpc=Services(), MAX_BODY_BYTES="1000",
                      MAX_IMPORT_BODY_BYTES="5000").test_client()
    over_default, _read, _seconds = post_body(client, "/api/v1/organizations", 2000,
                                              "application/json", **bearer(COORDINATOR))
    assert over_default.status_code == 413
    import_, _read, _seconds = post_body(client, "/api/v1/organizations/import", 2000,
                                         "text/csv", **bearer(COORDINATOR))
    assert import_.status_code == 200
    too_big, _read, _seconds = post_body(client, "/api/v1/organizations/import", 6000,
                                         "text/csv", **bearer(COORDINATOR))
    assert too_big.status_code == 413


def test_a_page_form_too_big_says_so_on_a_page(client):
    answer, read, _seconds = post_body(client, "/login", 10_000_000,
                                       "application/x-www-form-urlencoded")
    assert answer.status_code == 413 and read == 0
    assert answer.mimetype == "text/html" and "troppo grand" in answer.get_data(as_text=True)


def test_the_api_document_says_where_a_body_may_be_too_big_or_malformed(client):
    paths = client.get("/api/v1/openapi.json").json["paths"]
    for path, operations in paths.items():
        for method, operation in operations.items():
            if method == "parameters":
                continue
            if method in ("post", "put", "patch"):
                assert "413" in operation["responses"], (method, path)
            if "application/json" in operation.get("requestBody", {}).get("content", {}):
                assert "400" in operation["responses"], (method, path)


def test_answers_to_a_logged_in_caller_are_never_stored_and_none_is_sniffed(client):
    mine = client.get("/api/v1/me", headers=bearer(COORDINATOR))
    assert mine.headers["Cache-Control"] == "no-store"
    assert mine.headers["X-Content-Type-Options"] == "nosniff"
    public = client.get("/api/v1/networks")
    assert "no-store" not in public.headers.get("Cache-Control", "")
    assert public.headers["X-Content-Type-Options"] == "nosniff"
    static = client.get("/static/web/favicon.svg", headers=bearer(COORDINATOR))
    assert "no-store" not in static.headers["Cache-Control"]  # its own caching, kept
    assert static.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("path", ["/api/v1/docs", "/api/v1/openapi.json", "/healthz"])
def test_the_docs_and_every_answer_refuse_to_be_framed(client, path):
    answer = client.get(path)
    assert answer.headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in answer.headers["Content-Security-Policy"]


def test_a_405_names_the_methods_allowed(client):
    answer = client.delete("/api/v1/networks")
    assert answer.status_code == 405 and answer.content_type == "application/problem+json"
    assert set(answer.headers["Allow"].split(", ")) >= {"GET", "HEAD"}


def test_links_come_from_the_public_url_never_from_the_host_header():
    client = make_app(rpc=Services(), PUBLIC_URL="https://qubi.example").test_client()
    page = client.get("/events?municipio=8", headers={"Host": "evil.example"})
    assert "https://qubi.example/api/v1/calendars/municipio/8.ics" in page.get_data(as_text=True)
    assert "evil.example" not in page.get_data(as_text=True)
    document = client.get("/api/v1/openapi.json", headers={"Host": "evil.example"}).json
    assert document["servers"] == [{"url": "https://qubi.example"}]


def test_metrics_are_open_in_development_and_tests():
    assert make_app().test_client().get("/metrics").status_code == 200


def test_metrics_need_their_token_when_one_is_set():
    client = make_app(METRICS_TOKEN="m" * 40).test_client()
    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 401
    answer = client.get("/metrics", headers={"Authorization": "Bearer " + "m" * 40})
    assert answer.status_code == 200 and b"qubi_gateway_http" in answer.data


def test_metrics_are_off_outside_development_without_a_token():
    client = make_app(QUBI_ENV="production", CONTEXT_KEYS="c" * 40,
                      PERSONAL_DATA_KEYS=Fernet.generate_key().decode()
                      ).test_client()
    assert client.get("/metrics").status_code == 404


def test_one_address_shared_by_many_people_limits_each_login_on_its_own():
    client = make_app(rpc=Services(), LOGIN_RATE_PER_MINUTE="2").test_client()

    def log_in(username):
        return client.post("/api/v1/auth/token",
                           json={"username": username, "password": "pw"}).status_code

    assert [log_in("anna"), log_in("anna"), log_in("anna")] == [200, 200, 429]
    assert [log_in("bruno"), log_in("carla")] == [200, 200]


def test_the_client_address_comes_from_trusted_proxies_only():
    def writes(trusted):
        client = make_app(rpc=Services(), WRITE_RATE_PER_MINUTE="1",
                          TRUSTED_PROXIES=trusted).test_client()
        return [client.post("/api/v1/organizations", json={"name": "APS"},
                            headers={"X-Forwarded-For": address}).status_code
                for address in ("10.0.0.1", "10.0.0.2")]

    assert writes("0") == [401, 429]  # one client, whatever it claims to forward
    assert writes("1") == [401, 401]
