"""Test databases: SQLite files by default, PostgreSQL when TEST_DATABASE_URL names a server."""
import os
import uuid
from contextlib import contextmanager

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
    """Empties what the migrations made (their agreement with the models is tested apart)."""
    for service, url in urls.items():
        metadata = service_class(service).db.metadata
        engine = create_engine(url)
        with engine.begin() as connection:
            existing = set(inspect(connection).get_table_names())
            for table in reversed(metadata.sorted_tables):
                if table.name in existing:
                    connection.execute(table.delete())
        engine.dispose()
        engine.dispose()
