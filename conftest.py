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
from sqlalchemy import create_engine, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from services.common.config import SERVICE_NAMES  # noqa: E402
from services.common.migrations import upgrade  # noqa: E402
from services.common.runner import service_class  # noqa: E402

os.environ.setdefault("QUBI_VAR_DIR", "/tmp/qubi-test-var")


def make_databases(prefix: str, tmp_dir) -> dict:
    """A fresh, migrated database per service; on PostgreSQL, created on the test server."""
    base = os.environ.get("TEST_DATABASE_URL")
    urls = {}
    for service in SERVICE_NAMES:
        if base and base.startswith("postgresql"):
            name = f"{prefix}_{service}"
            admin = create_engine(base, isolation_level="AUTOCOMMIT")
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                connection.execute(text(f'CREATE DATABASE "{name}"'))
            admin.dispose()
            urls[service] = make_url(base).set(database=name).render_as_string(hide_password=False)
        else:
            urls[service] = f"sqlite:///{tmp_dir}/{prefix}_{service}.sqlite3"
        upgrade(service, urls[service])
    return urls


def empty_tables(urls: dict):
    for service, url in urls.items():
        metadata = service_class(service).db.metadata
        engine = create_engine(url)
        with engine.begin() as connection:
            for table in reversed(metadata.sorted_tables):
                connection.execute(table.delete())
        engine.dispose()


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
