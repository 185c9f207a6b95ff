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

from tests.databases import empty_tables, make_databases  # noqa: E402

os.environ.setdefault("QUBI_VAR_DIR", "/tmp/qubi-test-var")


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
        "AMQP_URI": rabbit_config["AMQP_URI"],
        "DATABASES": databases,
        "OUTBOX_SWEEP_SECONDS": 0.5,
        "HANDLER_MAX_ATTEMPTS": 3,
        "HANDLER_RETRY_DELAY_MS": 100,
        "RPC_TIMEOUT": 5,
    }


def pytest_unconfigure(config):
    # At interpreter exit, logging's weakref callbacks ask eventlet's patched thread module
    # for an ident while the hub's greenlets are being torn down; nothing is lost, so keep
    # that noise out of the test report.
    import sys

    default_hook = sys.unraisablehook

    def quiet_at_exit(unraisable):
        if "greenlet is being finalized" not in str(unraisable.exc_value):
            default_hook(unraisable)

    sys.unraisablehook = quiet_at_exit
