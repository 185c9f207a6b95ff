"""A drive as its organisers run it: a new drive's every refusal at once, and closing it before
its window ends."""
from datetime import datetime

import pytest

from services.common.context import Caller
from services.common.database import Store
from services.common.errors import Conflict, Forbidden, Invalid, NotAuthenticated
from services.common.schemas import ROME
from services.events import drives
from services.events.models import Base
from services.events.permissions import drive_actions
from services.events.tests.test_events_rules import (ANONYMOUS, COORD2, COORD3, DRIVE, NOW,
                                                     PARTNER2, PARTNER8, open_drive, pledge,
                                                     progress)

CITY_WIDE = Caller(user_id="c", roles=["city"])


@pytest.fixture
def store(databases):
    store = Store(databases["events"], Base.metadata)
    yield store
    store.dispose()


def codes_of(invalid) -> dict:
    return {field: [code for code, _ in reasons] for field, reasons in invalid.codes.items()}


def test_a_new_drive_is_refused_with_every_reason_at_once():
    body = {"title": "", "collect_from": "2026-11-20", "collect_to": "2026-11-10",
            "items": [{"name": "Quaderni", "quantity_needed": 0}, {"unit": "pezzi"}],
            "drop_off_points": [{"name": "Sede", "address": "Via Prova 1",
                                 "schedules": [{"weekday": 2, "opens_at": "18:00",
                                                "closes_at": "16:00"}]}]}
    with pytest.raises(Invalid) as invalid:
        drives.load_new(CITY_WIDE, body, NOW)
    assert codes_of(invalid.value) == {
        "title": ["length_between"],
        "items.0.quantity_needed": ["between"],
        "items.1.name": ["required"], "items.1.quantity_needed": ["required"],
        "drop_off_points.0.schedules.0.closes_at": ["closes_before_opens"],
        "collect_to": ["collection_ends_before", "day_past"],
        "municipio": ["municipio_missing"],  # the city has no municipio of its own
    }


def test_a_new_drive_s_window_and_municipio_are_refused_also_when_the_rest_is_right():
    with pytest.raises(Invalid) as invalid:
        drives.load_new(CITY_WIDE, {**DRIVE, "collect_from": "2026-11-01",
                                       "collect_to": "2026-11-24"}, NOW)
    assert codes_of(invalid.value) == {"collect_to": ["day_past"],
                                       "municipio": ["municipio_missing"]}
    loaded = drives.load_new(PARTNER2, DRIVE, NOW)  # a partner's own municipio by default
    assert [item["name"] for item in loaded["items"]] == ["Quaderni", "Zaino"]


def test_its_organisers_close_a_drive_early_and_it_takes_no_more_pledges(store):
    drive_id = open_drive(store)
    pledge(store, drive_id, "Quaderni", 3, donor_name="Lia")
    with store.sessions() as session:
        drive = drives.get(session, drive_id)
        assert "close" in drive_actions(PARTNER2, drive, NOW)
        assert "close" in drive_actions(COORD2, drive, NOW)
        for stranger in (PARTNER8, COORD3, ANONYMOUS):
            assert "close" not in drive_actions(stranger, drive, NOW), stranger
    for stranger, refusal in ((PARTNER8, Forbidden), (COORD3, Forbidden),
                              (ANONYMOUS, NotAuthenticated)):
        with pytest.raises(refusal):
            with store.transaction() as tx:
                drives.close(tx, stranger, drive_id, NOW)
    assert progress(store, drive_id)["status"] == "open"

    for _ in range(2):  # twice changes nothing more
        with store.transaction() as tx:
            closed = drives.close(tx, PARTNER2, drive_id, NOW)
        assert closed.status == "closed"
    shown = progress(store, drive_id)
    assert shown["status"] == "closed" and shown["closed_at"] == NOW
    assert shown["progress"]["pledged"] == 3
    with pytest.raises(Conflict):
        pledge(store, drive_id, "Zaino", 1)
    with store.transaction() as tx:  # the last boxes are still counted
        drives.deliver(tx, PARTNER2, drive_id, {"item": "Quaderni", "quantity": 3}, NOW)
    with store.sessions() as session:
        assert drive_actions(PARTNER2, drives.get(session, drive_id), NOW) == [
            "record_delivery", "list_pledges"]
    evening = datetime(2027, 9, 16, 1, 0, tzinfo=ROME)
    with store.transaction() as tx:  # the timer finds nothing left to close
        assert drives.close_due(tx, evening) == []


def test_closing_a_drive_tells_the_platform_once(store):
    drive_id = open_drive(store)
    with store.transaction() as tx:
        drives.close(tx, COORD2, drive_id, NOW)
    assert [(e["event_type"], e["payload"]["drive_id"]) for e in tx.events] == [
        ("drive_closed", drive_id)]
    with store.transaction() as tx:
        drives.close(tx, COORD2, drive_id, NOW)
    assert tx.events == []
