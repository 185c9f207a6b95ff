"""Test databases: SQLite files by default, PostgreSQL when TEST_DATABASE_URL names a server."""
import os
import uuid
from contextlib import contextmanager
from functools import cache

from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from services.common.config import SERVICE_NAMES
from services.common.migrations import upgrade
from services.common.registry import service_class


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


@contextmanager
def database_at(service: str, revision: str, tmp_dir):
    """A database of `service` migrated to `revision` only (to test the migrations after it),
    on the tests' server; dropped afterwards."""
    base = os.environ.get("TEST_DATABASE_URL", "")
    if not base.startswith("postgresql"):
        url = f"sqlite:///{tmp_dir}/{service}_{revision}.sqlite3"
        upgrade(service, url, revision)
        yield url
        return
    name = f"qubi_test_{service}_{revision}_{uuid.uuid4().hex[:6]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(base).set(database=name).render_as_string(hide_password=False)
    try:
        upgrade(service, url, revision)
        yield url
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()


def empty_tables(urls: dict):
    """Empties what the migrations made (their agreement with the models is tested apart): the
    tables that hold rows, found in one query per database, through an engine kept for the
    session (a connection and a look at the schema per test cost more than the emptying)."""
    for service, url in urls.items():
        engine, tables = _emptier(service, url)
        with engine.begin() as connection:
            filled = set(connection.execute(text(" UNION ALL ".join(
                f"SELECT '{table.name}' WHERE EXISTS (SELECT 1 FROM {table.name})"
                for table in tables))).scalars())
            for table in tables:
                if table.name in filled:
                    connection.execute(table.delete())


@cache
def _emptier(service: str, url: str) -> tuple:
    """An engine of the database and its tables, children first."""
    engine = create_engine(url)
    existing = set(inspect(engine).get_table_names())
    metadata = service_class(service).db.metadata
    return engine, [table for table in reversed(metadata.sorted_tables) if table.name in existing]
