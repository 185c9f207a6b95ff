"""Alembic, one migration history per service (each in `services/<name>/migrations`)."""
from pathlib import Path

from alembic import command, context
from alembic.config import Config

from services.common.database import (OUTBOX, OUTBOX_PENDING_INDEX, PROCESSED, UtcDateTime,
                                      make_engine, outbox_columns, processed_columns)

SERVICES_DIR = Path(__file__).resolve().parents[1]


def alembic_config(service: str, url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(SERVICES_DIR / service / "migrations"))
    config.set_main_option("sqlalchemy.url", url)
    return config


def upgrade(service: str, url: str, revision: str = "head"):
    command.upgrade(alembic_config(service, url), revision)


def _render_item(kind, obj, autogen_context):
    """Migrations name plain SQLAlchemy types: a UtcDateTime column is a DateTime with zone."""
    if kind == "type" and isinstance(obj, UtcDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def run_env(target_metadata):
    """The body of every service's migrations/env.py."""
    url = context.config.get_main_option("sqlalchemy.url")
    if context.is_offline_mode():
        context.configure(url=url, target_metadata=target_metadata, render_as_batch=True,
                          literal_binds=True, render_item=_render_item)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = make_engine(url)
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=target_metadata,
                          render_as_batch=True, render_item=_render_item)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


def create_bus_tables(op):
    """For a service's first migration: the outbox and processed-event tables."""
    op.create_table(OUTBOX, *outbox_columns())
    op.create_index(OUTBOX_PENDING_INDEX, OUTBOX, ["published_at"])
    op.create_table(PROCESSED, *processed_columns())


def drop_bus_tables(op):
    op.drop_table(PROCESSED)
    op.drop_index(OUTBOX_PENDING_INDEX, table_name=OUTBOX)
    op.drop_table(OUTBOX)
