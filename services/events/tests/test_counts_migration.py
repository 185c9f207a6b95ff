"""Upgrading a database that already has registrations: each event starts with their counts."""
from datetime import datetime, timezone

from alembic import command
from sqlalchemy import MetaData, Table, create_engine, select

from services.common.migrations import alembic_config

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=timezone.utc)
# (status, holds_place, adults, children)
REGISTRATIONS = [("confirmed", False, 2, 1), ("confirmed", False, 1, 0), ("pending", True, 1, 2),
                 ("pending", False, 2, 0), ("waitlisted", False, 1, 1), ("cancelled", False, 4, 0)]


def test_upgrading_counts_the_registrations_already_there(databases):
    config = alembic_config("events", databases["events"])
    command.downgrade(config, "0003")
    engine = create_engine(databases["events"])
    try:
        tables = MetaData()
        events, registrations = (Table(name, tables, autoload_with=engine)
                                 for name in ("events", "registrations"))
        with engine.begin() as connection:
            connection.execute(events.insert().values(
                id="e" * 36, title="Festa", programme=[], starts_at=NOW, ends_at=NOW,
                municipio=8, visibility="public", registration_required=True,
                status="published", sequence=1, created_at=NOW, updated_at=NOW))
            connection.execute(registrations.insert(), [
                {"id": f"{n}" * 36, "event_id": "e" * 36, "name": "Famiglia", "contact": f"{n}",
                 "adults": adults, "children": children, "status": status, "position": n,
                 "cancel_token_hash": "x", "holds_place": holds, "created_at": NOW}
                for n, (status, holds, adults, children) in enumerate(REGISTRATIONS, 1)])
    finally:
        command.upgrade(config, "head")
    with engine.connect() as connection:
        counted = connection.execute(select(Table("events", MetaData(), autoload_with=engine))
                                     ).mappings().one()
    engine.dispose()
    assert {key: counted[key] for key in ("confirmed_people", "pending_people",
                                          "unplaced_pending_people", "waitlisted_people",
                                          "households")} == {
        "confirmed_people": 4, "pending_people": 3, "unplaced_pending_people": 2,
        "waitlisted_people": 2, "households": 5}
