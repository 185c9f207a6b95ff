"""Test set-up for the whole suite.

nameko's pytest plugin no longer monkey-patches: the services under test need eventlet's green
sockets, so it is done here, before anything else is imported.

Databases: SQLite files by default; `TEST_DATABASE_URL=postgresql://.../test` runs the same
tests on PostgreSQL (one fresh database per service, made from that server).
"""
import eventlet

eventlet.monkey_patch()  # noqa: E402

import os  # noqa: E402
import uuid  # noqa: E402

import pytest  # noqa: E402

from services.common.config import load_settings  # noqa: E402
from tests.databases import empty_tables, make_databases  # noqa: E402
from tests.platform import platform  # noqa: E402,F401  (the running platform, one per session)

os.environ.setdefault("QUBI_VAR_DIR", "/tmp/qubi-test-var")
# the tests run on the development secrets (each process they start inherits it); those of
# what runs elsewhere pass their own environment
os.environ["QUBI_ENV"] = "test"


@pytest.fixture(scope="session")
def session_databases(tmp_path_factory):
    return make_databases(f"qubi_test_{uuid.uuid4().hex[:6]}", tmp_path_factory.mktemp("db"))


@pytest.fixture
def databases(session_databases):
    """Each service's database, migrated and empty."""
    empty_tables(session_databases)
    return dict(session_databases)


@pytest.fixture
def service_config(rabbit_config, databases):
    """nameko config for the services under test: a fresh vhost, empty databases, quick retries."""
    return {
        **load_settings({"QUBI_ENV": "test"}).nameko_config(),
        "AMQP_URI": rabbit_config["AMQP_URI"],
        "DATABASES": databases,
        "OUTBOX_SWEEP_SECONDS": 0.5,
        "HANDLER_MAX_ATTEMPTS": 3,
        "HANDLER_RETRY_DELAY_MS": 100,
        "RPC_TIMEOUT": 5,
    }


def pytest_configure(config):
    # the broker the suite uses is the one the platform uses: AMQP_URI when it is set
    if os.environ.get("AMQP_URI") and "--amqp-uri" not in " ".join(config.invocation_params.args):
        config.option.RABBIT_AMQP_URI = os.environ["AMQP_URI"]


def pytest_collection_modifyitems(session, config, items):
    """Broker tests need RabbitMQ and its management API: say so in one line, not tracebacks."""
    if not any(item.get_closest_marker("broker") for item in items):
        return
    import requests

    from services.common.broker import START_HINT, broker_reachable, redact

    amqp_uri = config.getoption("RABBIT_AMQP_URI")
    if not broker_reachable(amqp_uri):
        pytest.exit(f"RabbitMQ is not reachable at {redact(amqp_uri)}: {START_HINT}.", returncode=3)
    api_uri = config.getoption("RABBIT_API_URI")
    try:
        requests.get(f"{api_uri.rstrip('/')}/api/overview", timeout=5).raise_for_status()
    except requests.RequestException:
        pytest.exit("RabbitMQ's management API is not reachable at port 15672: "
                    "run `rabbitmq-plugins enable rabbitmq_management`.", returncode=3)


def pytest_sessionfinish(session, exitstatus):
    session.config.qubi_exitstatus = int(exitstatus)


@pytest.hookimpl(trylast=True)
def pytest_unconfigure(config):
    # With eventlet's patched threading, the interpreter's own teardown makes logging's
    # weakref callbacks fail noisily ("greenlet is being finalized") after the report. Every
    # plugin has finished by now (this hook runs last), so leave without that teardown.
    import sys

    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(getattr(config, "qubi_exitstatus", 0))
