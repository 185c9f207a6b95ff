"""One upload does not stop the platform (issue 18): a 10 MB onboarding file sent by a
coordinator is refused within seconds with a short answer, logins keep answering while it is
under way, and everything answers afterwards. So is a file the gateway lets through (under its
5 MB for an import) with ten times the rows one import takes, which the directory refuses."""
import threading
import time

import pytest
import requests

from services.directory.onboarding_cells import COLUMNS
from tests.platform import Client

pytestmark = pytest.mark.broker


def invalid_rows(megabytes: float) -> bytes:
    """A valid header, then rows whose services' cells are not valid."""
    lines, size = [",".join(COLUMNS)], 0
    while size < megabytes * 1_000_000:
        cells = {"organization_name": f"APS {len(lines)}", "municipi": "8", "level": "1",
                 "service_name": f"Doposcuola {len(lines)}", "category": "sportello",
                 "min_age": "molti", "free": "forse"}
        lines.append(",".join(cells.get(column, "") for column in COLUMNS))
        size += len(lines[-1]) + 2
    return "\r\n".join(lines).encode()


def login_seconds(platform) -> tuple:
    started = time.monotonic()
    answer = requests.post(f"{platform.url}/api/v1/auth/token",
                           json={"username": "asc8", "password": "qubi-demo"}, timeout=10)
    return answer.status_code, time.monotonic() - started


@pytest.mark.parametrize("megabytes, refusals", [(10, (413, 422)), (4.5, (422,))])
def test_a_big_import_is_refused_within_seconds_while_logins_keep_answering(
        platform, megabytes, refusals):
    coordinator = Client(platform, "coord8")
    body = invalid_rows(megabytes)
    logins, importing = [], threading.Event()

    def logging_in():
        importing.wait()
        while importing.is_set() or not logins:
            logins.append(login_seconds(platform))
            time.sleep(0.2)  # within the gateway's login rate

    thread = threading.Thread(target=logging_in)
    thread.start()
    try:
        importing.set()
        started = time.monotonic()
        answer = requests.post(f"{coordinator.base}/organizations/import", data=body,
                               headers={**coordinator.headers, "Content-Type": "text/csv"},
                               timeout=30)
        took = time.monotonic() - started
    finally:
        importing.clear()
        thread.join()
    assert answer.status_code in refusals, answer.text[:1000]
    assert took < 10, took
    assert len(answer.content) < 10_000
    if answer.status_code == 422:
        problem = answer.json()
        assert "more than the 5,000 one import takes" in problem["detail"]
        assert list(problem["errors"]) == ["line 5002"]
    assert all(status == 200 and seconds < 2 for status, seconds in logins), logins
    assert login_seconds(platform)[0] == 200
    found = coordinator.get("/services", params={"q": "doposcuola"})
    assert found.status_code == 200
    assert all(process.poll() is None for process in platform.processes.values())
