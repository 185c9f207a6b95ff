"""Property-based fuzzing of the whole API from its OpenAPI document (schemathesis, every check
it has: tests/schemathesis.toml says what it is told beyond its defaults): no answer is a 5xx,
and every answer matches what the document says of it. Bounded here; `make fuzz` runs longer
(QUBI_FUZZ_EXAMPLES)."""
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.platform import Client, started_platform

pytestmark = pytest.mark.broker
EXAMPLES = os.environ.get("QUBI_FUZZ_EXAMPLES", "3")


@pytest.fixture(scope="module")
def fuzzed(vhost_pipeline, request, tmp_path_factory):
    """A platform of its own: what the fuzzer changes (it may withdraw a desk it owns) is
    nobody else's test data."""
    with started_platform(vhost_pipeline, request, tmp_path_factory, "fuzz",
                          tmp_path_factory.mktemp("fuzz-logs"), GUNICORN_WORKERS="1",
                          # the limits are tested on their own; here they would only hide
                          # what lies behind them
                          WRITE_RATE_PER_MINUTE="100000", LOGIN_RATE_PER_MINUTE="100000",
                          CLIENT_TARGET_RATE_PER_MINUTE="100000",
                          TARGET_RATE_PER_MINUTE="100000", METRICS_TOKEN="a-metrics-token-for-"
                          "the-fuzzer") as running:
        yield running


@pytest.mark.parametrize("username", [None, "coord8", "partner8a"])
def test_no_5xx_and_every_answer_matches_the_openapi_document(fuzzed, username):
    command = [str(Path(sys.executable).parent / "schemathesis"),
               "--config-file", str(Path(__file__).with_name("schemathesis.toml")), "run",
               f"{fuzzed.url}/api/v1/openapi.json", "--max-examples", EXAMPLES, "--seed", "7",
               "--checks", "all",
               "--phases", "examples,fuzzing",
               # logging out would revoke the token the rest of the run uses
               "--exclude-path", "/api/v1/auth/logout"]
    if username:
        command += ["-H", f"Authorization: {Client(fuzzed, username).headers['Authorization']}"]
    assert shutil.which(command[0])
    # a longer run asks more of each operation: about 12 s per example on a busy 2-core machine
    run = subprocess.run(command, capture_output=True, text=True,
                         timeout=max(600, 12 * int(EXAMPLES)))
    assert run.returncode == 0, run.stdout[-60000:]
