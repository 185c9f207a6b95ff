"""Sessions, lockout and operations of the gateway as they are met over HTTP: every service
process and two gateways under gunicorn (two workers each), on the real RabbitMQ (and
PostgreSQL when TEST_DATABASE_URL says so)."""
import json
import os
import re
import signal
import socket
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests

from deploy.local import Platform
from tests.helpers import wait_for
from tests.platform import free_port, started_platform

pytestmark = pytest.mark.broker

PASSWORD = "qubi-demo"
WRONG = f"wrong-{uuid.uuid4().hex[:12]}"  # a password that must never be written in a log
LOCKOUT_SECONDS = 2
REFRESH_REUSE_SECONDS = 1


@pytest.fixture(scope="module")
def logs(tmp_path_factory):
    return tmp_path_factory.mktemp("logs")


@pytest.fixture(scope="module")
def platform(vhost_pipeline, request, tmp_path_factory, logs):
    with started_platform(vhost_pipeline, request, tmp_path_factory, "gw", logs,
                          GUNICORN_WORKERS="2", GUNICORN_THREADS="4",
                          LIVENESS_PORT=str(free_port()),
                          LOGIN_LOCKOUT_SECONDS=str(LOCKOUT_SECONDS),
                          REFRESH_REUSE_SECONDS=str(REFRESH_REUSE_SECONDS)) as running:
        yield running


@pytest.fixture(scope="module")
def second_gateway(platform, logs):
    """Another gateway process in front of the same services, as a second replica would be."""
    other = Platform({**platform.env, "LIVENESS_PORT": str(free_port())}, port=free_port(),
                     log_dir=logs / "second")
    other.start_gateway()
    try:
        assert other.wait_ready(), f"not ready; logs in {logs / 'second'}"
        yield other
    finally:
        other.stop_all()


def api(platform) -> str:
    return platform.url + "/api/v1"


def log_in(platform, username, password=PASSWORD):
    return requests.post(f"{api(platform)}/auth/token",
                         json={"username": username, "password": password}, timeout=10)


def me(platform, access_token):
    return requests.get(f"{api(platform)}/me", timeout=10,
                        headers={"Authorization": f"Bearer {access_token}"})


def refresh(platform, refresh_token):
    return requests.post(f"{api(platform)}/auth/refresh", json={"refresh_token": refresh_token},
                         timeout=10)


def test_a_refresh_gives_a_new_pair_and_the_old_refresh_token_is_refused(platform):
    tokens = log_in(platform, "partner8a").json()
    assert tokens["expires_in"] == 900 and tokens["refresh_token"]
    renewed = refresh(platform, tokens["refresh_token"])
    assert renewed.status_code == 200
    assert me(platform, renewed.json()["access_token"]).json()["username"] == "partner8a"
    crossed = refresh(platform, tokens["refresh_token"])  # a second request sent at once
    assert crossed.status_code == 200
    time.sleep(REFRESH_REUSE_SECONDS + 0.5)
    again = refresh(platform, tokens["refresh_token"])
    assert again.status_code == 401
    assert again.headers["Content-Type"] == "application/problem+json"
    # the old one was used again, as a thief would: the session is over for everyone
    assert refresh(platform, renewed.json()["refresh_token"]).status_code == 401
    assert wait_for(lambda: me(platform, renewed.json()["access_token"]).status_code == 401,
                    timeout=3)


def test_after_logout_the_access_token_is_refused_by_every_gateway_within_two_seconds(
        platform, second_gateway):
    tokens = log_in(platform, "coord8").json()
    access = tokens["access_token"]
    assert me(second_gateway, access).status_code == 200
    logged_out = requests.post(f"{api(platform)}/auth/logout", timeout=10,
                               headers={"Authorization": f"Bearer {access}"})
    assert logged_out.status_code == 204
    started = time.monotonic()

    def refused_by_every_worker():  # two workers a gateway: some requests reach each
        return all(me(gateway, access).status_code == 401
                   for gateway in (platform, second_gateway) for _ in range(6))

    assert wait_for(refused_by_every_worker, timeout=2)
    print(f"refused everywhere {time.monotonic() - started:.2f} s after logout")
    assert refresh(platform, tokens["refresh_token"]).status_code == 401
    assert me(platform, log_in(platform, "coord8").json()["access_token"]).status_code == 200


def web_login(gateway, username) -> dict:
    """A browser's cookies after the login form. (They are Secure, which a browser honours on
    localhost and `requests` only on https: so they are kept here and sent by hand.)"""
    form = requests.get(f"{gateway.url}/login", timeout=10)
    token = re.search(r'name="csrf_token" value="([^"]+)"', form.text).group(1)
    answer = requests.post(f"{gateway.url}/login", timeout=10, allow_redirects=False,
                           cookies=form.cookies.get_dict(), data={
                               "username": username, "password": PASSWORD, "csrf_token": token})
    assert answer.status_code == 303, answer.text
    return {**form.cookies.get_dict(), **answer.cookies.get_dict()}


def test_a_deactivated_person_is_refused_by_every_gateway_within_five_seconds(
        platform, second_gateway):
    tokens = log_in(platform, "partner8b").json()
    access = tokens["access_token"]
    cookies = web_login(second_gateway, "partner8b")
    assert requests.get(f"{second_gateway.url}/referrals", cookies=cookies,
                        allow_redirects=False, timeout=10).status_code == 200
    person = me(platform, access).json()["user_id"]
    coordinator = {"Authorization": f"Bearer {log_in(platform, 'coord8').json()['access_token']}"}
    deactivated = requests.patch(f"{api(platform)}/users/{person}", json={"active": False},
                                 headers=coordinator, timeout=10)
    assert deactivated.status_code == 200 and deactivated.json()["active"] is False
    started = time.monotonic()

    def refused_by_every_worker():  # two workers a gateway: some requests reach each
        return all(me(gateway, access).status_code == 401
                   for gateway in (platform, second_gateway) for _ in range(6))

    assert wait_for(refused_by_every_worker, timeout=5)
    print(f"refused everywhere {time.monotonic() - started:.2f} s after the deactivation")
    page = requests.get(f"{second_gateway.url}/referrals", cookies=cookies, timeout=10,
                        allow_redirects=False)
    assert page.status_code in (302, 303) and "/login" in page.headers["Location"]
    assert refresh(platform, tokens["refresh_token"]).status_code == 401
    assert log_in(platform, "partner8b").status_code == 401
    history = requests.get(f"{api(platform)}/users/{person}/history", headers=coordinator,
                           timeout=10).json()["items"]
    assert history[0]["action"] == "deactivated"
    assert history[0]["actor_name"] == "Coordinamento Municipio 8"
    assert requests.patch(f"{api(platform)}/users/{person}", json={"active": True},
                          headers=coordinator, timeout=10).json()["active"] is True
    assert log_in(platform, "partner8b").status_code == 200


def test_twenty_wrong_passwords_lock_the_account_for_the_configured_period(platform):
    refusals = [log_in(platform, "asc4", WRONG) for _ in range(20)]
    assert {answer.status_code for answer in refusals} == {401}
    locked = log_in(platform, "asc4")
    assert locked.status_code == 401
    assert locked.json()["detail"] == refusals[0].json()["detail"]  # the same for all refusals
    assert log_in(platform, "nobody-at-all").json()["detail"] == locked.json()["detail"]
    assert log_in(platform, "asc8").status_code == 200  # the others are not locked
    assert wait_for(lambda: log_in(platform, "asc4").status_code == 200,
                    timeout=LOCKOUT_SECONDS + 3, interval=0.5)


def test_metrics_show_requests_by_route_and_rpc_calls_by_service(platform):
    tokens = log_in(platform, "citta").json()
    requests.get(f"{api(platform)}/networks", timeout=10)
    requests.get(f"{api(platform)}/organizations/{uuid.uuid4()}", timeout=10)
    metrics = requests.get(f"{platform.url}/metrics", timeout=10)
    assert metrics.status_code == 200 and metrics.headers["Content-Type"].startswith("text/plain")
    text = metrics.text
    assert ('qubi_gateway_http_request_duration_seconds_count{method="GET",'
            'route="/api/v1/networks",status="200"}') in text
    assert 'route="/api/v1/organizations/<organization_id>",status="404"' in text
    assert ('qubi_gateway_rpc_duration_seconds_bucket{le="0.1",method="authenticate",'
            'outcome="ok",service="directory"}') in text
    assert 'method="list_networks",outcome="ok",service="directory"' in text
    assert tokens["access_token"] not in text


def test_a_ten_megabyte_body_is_refused_before_it_is_sent_whole(platform):
    address = urlsplit(platform.url)
    started = time.monotonic()
    with socket.create_connection((address.hostname, address.port), timeout=5) as connection:
        connection.sendall(b"POST /api/v1/auth/token HTTP/1.1\r\nHost: qubi\r\n"
                           b"Content-Type: application/json\r\nContent-Length: 10000000\r\n"
                           b"\r\n" + b"[" * 65536)
        status_line = connection.recv(4096).split(b"\r\n", 1)[0]
    assert status_line.split()[1] == b"413" and time.monotonic() - started < 1

def test_an_address_longer_than_the_gateway_reads_is_a_414_problem_and_a_long_valid_one_is_read(
        platform):
    """The longest address the documented parameters make (every text parameter of a services
    search at its longest, in 4-byte characters) is read; one past gunicorn's limit is answered
    as the API answers every refusal."""
    longest = {"q": "😀" * 200, "zone": "😀" * 120, "category": "material_support",
               "organization_id": "0" * 36, "open_at": "2026-12-07T10:00:00+01:00",
               "near": "45.4642,9.19", "radius_km": "50", "municipio": "8", "age": "10",
               "page": "1000000", "per_page": "200"}
    assert requests.get(f"{platform.url}/api/v1/services", params=longest,
                        timeout=10).status_code == 200
    answer = requests.get(f"{platform.url}/api/v1/services", params={"q": "a" * 9000}, timeout=10)
    assert answer.status_code == 414
    assert answer.headers["Content-Type"] == "application/problem+json"
    assert answer.json()["title"] == "URI too long"



def test_liveness_is_answered_by_the_master_while_every_worker_is_held(platform):
    """A probe that waited behind the workers would restart the busiest gateways."""
    liveness = f"http://localhost:{platform.env['LIVENESS_PORT']}/healthz"
    assert requests.get(liveness, timeout=5).json() == {"status": "ok", "workers": 2}
    master = platform.processes["gateway"].pid
    workers = [int(pid) for pid in
               Path(f"/proc/{master}/task/{master}/children").read_text().split()]
    assert len(workers) == 2
    for pid in workers:
        os.kill(pid, signal.SIGSTOP)
    try:
        started = time.monotonic()
        assert requests.get(liveness, timeout=5).status_code == 200
        assert time.monotonic() - started < 1
        with pytest.raises(requests.Timeout):
            requests.get(f"{platform.url}/healthz", timeout=1)
    finally:
        for pid in workers:
            os.kill(pid, signal.SIGCONT)


def gateway_lines(logs):
    lines = []
    for path in (logs / "gateway.log", logs / "second" / "gateway.log"):
        if path.exists():
            lines += [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    return lines  # every line is JSON, or json.loads fails


def test_the_gateway_logs_json_lines_with_the_request_id_it_was_sent(platform, logs):
    request_id = f"trace-{uuid.uuid4().hex[:8]}"
    answer = requests.get(f"{api(platform)}/organizations", params={"q": "Rossi Maria"},
                          headers={"X-Request-ID": request_id}, timeout=10)
    assert answer.headers["X-Request-ID"] == request_id

    def access_line():
        return [line for line in gateway_lines(logs) if line.get("request_id") == request_id]

    line = wait_for(access_line)[0]
    assert (line["service"], line["logger"], line["method"], line["route"], line["status"]) == (
        "gateway", "gateway.access", "GET", "/api/v1/organizations", 200)
    assert line["duration_ms"] > 0
    assert not any("Rossi" in json.dumps(line) for line in gateway_lines(logs))


def test_no_password_is_in_any_log_of_the_platform(platform, logs):
    """Last: after every login of this module, wrong and right."""
    log_in(platform, "citta", WRONG)
    time.sleep(0.5)  # the last lines reach the files
    files = list(logs.rglob("*.log"))
    assert {path.stem for path in files} >= {"gateway", "directory", "events", "referrals",
                                              "notifications"}
    for path in files:
        text = path.read_text(errors="replace")
        assert WRONG not in text and PASSWORD not in text, path
