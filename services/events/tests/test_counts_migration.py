"""Upgrading a database that already has registrations and pledges: each event starts with the
counts of its registrations, each drive's item with its quantities pledged and delivered, each
municipio with its totals for the overview."""
from datetime import date, datetime, timezone

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
        events, registrations, drives, items, pledges, deliveries = (
            Table(name, tables, autoload_with=engine) for name in (
                "events", "registrations", "drives", "drive_items", "pledges", "deliveries"))
        with engine.begin() as connection:
            connection.execute(drives.insert().values(
                id="d" * 36, title="Zaino sospeso", municipio=8, collect_from=date(2026, 8, 24),
                collect_to=date(2026, 9, 15), status="open", created_at=NOW))
            connection.execute(items.insert().values(
                id="i" * 36, drive_id="d" * 36, position=0, name="Quaderni", unit="pezzi",
                quantity_needed=40))
            connection.execute(pledges.insert(), [
                {"id": f"p{n}".ljust(36, "0"), "drive_id": "d" * 36, "item_id": "i" * 36,
                 "quantity": quantity, "created_at": NOW, "cancelled_at": cancelled}
                for n, (quantity, cancelled) in enumerate(((5, None), (3, NOW), (7, None)))])
            connection.execute(deliveries.insert().values(
                id="v" * 36, drive_id="d" * 36, item_id="i" * 36, quantity=4, created_at=NOW))
            connection.execute(events.insert().values(
                id="e" * 36, title="Festa", programme=[], starts_at=NOW, ends_at=NOW,
                municipio=8, visibility="public", registration_required=True,
                status="published", sequence=1, created_at=NOW, updated_at=NOW))
            connection.execute(registrations.insert(), [
                {"id": f"{n}" * 36, "event_id": "e" * 36, "name": "Famiglia", "contact": f"{n}",
                 "adults": adults, "children": children, "status": status, "position": n,
                 "cancel_token_hash": "x", "holds_place": holds, "created_at": NOW,
                 "attended": n == 1}
                for n, (status, holds, adults, children) in enumerate(REGISTRATIONS, 1)])
    finally:
        command.upgrade(config, "head")
    with engine.connect() as connection:
        counted = connection.execute(select(Table("events", MetaData(), autoload_with=engine))
                                     ).mappings().one()
        item = connection.execute(select(Table("drive_items", MetaData(),
                                               autoload_with=engine))).mappings().one()
        municipio = connection.execute(select(Table("municipio_totals", MetaData(),
                                                    autoload_with=engine))).mappings().one()
    engine.dispose()
    assert (item["quantity_pledged"], item["quantity_delivered"]) == (12, 4)
    assert dict(municipio) == {"municipio": 8, "published_events": 1, "confirmed_people": 4,
                               "drives": 1, "attended_people": 3}
    assert counted["attended_people"] == 3  # the first came, two adults and a child
    assert {key: counted[key] for key in ("confirmed_people", "pending_people",
                                          "unplaced_pending_people", "waitlisted_people",
                                          "households")} == {
        "confirmed_people": 4, "pending_people": 3, "unplaced_pending_people": 2,
        "waitlisted_people": 2, "households": 5}
