"""Donation drives ("Zaino sospeso"): items with the quantity needed, drop-off points, and a
collection window.

Anyone pledges while the drive is open, up to what an item still needs; the organisers see the
pledges and cancel those that will not come, which frees their quantity. Organisers record what
they receive; an item is fulfilled when the deliveries reach its need. A drive's window lies
from a year ago to two years ahead, and it closes by itself once the last day of its window is
over (`close_due`, run by a timer), or earlier when its organisers close it (`close`).
"""
from datetime import date, datetime, timedelta

from sqlalchemy import select

from services.common import checks
from services.common.context import Caller
from services.common.errors import Conflict, Invalid, NotFound
from services.common.schemas import load
from services.events.contract import CANCELLED, CLOSED, OPEN, PLEDGED, DriveCreateSchema
from services.events.models import (Delivery, Drive, DriveItem, DriveOrganizer, DropOffPoint,
                                    Pledge, locked)
from services.events.permissions import (default_municipio, is_open, organizer_ids,
                                         require_manage, require_organizer, today)

EARLIEST_START = timedelta(days=365)  # a drive recorded after it began
LATEST_END = timedelta(days=2 * 365)  # further ahead is a typing error


def get(session, drive_id: str) -> Drive:
    drive = session.get(Drive, drive_id)
    if drive is None:
        raise NotFound("No such drive.", "drive_not_found")
    return drive


def search_statement(municipio=None, status=None, organization_id=None):
    statement = select(Drive).order_by(Drive.collect_from.desc(), Drive.id)
    if municipio is not None:
        statement = statement.where(Drive.municipio == municipio)
    if status is not None:
        statement = statement.where(Drive.status == status)
    if organization_id is not None:
        statement = statement.where(Drive.id.in_(select(DriveOrganizer.drive_id).where(
            DriveOrganizer.organization_id == organization_id)))
    return statement


def load_new(caller: Caller, body: dict, now: datetime) -> dict:
    """A new drive's body, loaded. What the schema refuses, a window out of bounds and a
    missing municipio are said in one answer, so that a form shows every error at once."""
    given = body if isinstance(body, dict) else {}
    refused = Invalid(_window_errors(_day(given, "collect_from"), _day(given, "collect_to"),
                                     today(now)))
    try:
        default_municipio(caller, given.get("municipio"))
    except Invalid as missing:
        refused = refused.joined(missing)
    try:
        data = load(DriveCreateSchema, body)
    except Invalid as invalid:
        refused = invalid.joined(refused)
    if refused.errors:
        raise refused
    return data


def create(tx, caller: Caller, data: dict, now: datetime) -> Drive:
    municipio = default_municipio(caller, data.pop("municipio", None))
    organizers = organizer_ids(caller, data.pop("organizer_ids", None))
    require_organizer(caller, municipio, organizers)
    _require_window(data["collect_from"], data["collect_to"], today(now))
    drive = Drive(
        municipio=municipio, status=OPEN, created_at=now,
        organizers=[DriveOrganizer(organization_id=o) for o in organizers],
        items=[DriveItem(**item) for item in data.pop("items")],
        drop_off_points=[DropOffPoint(**point) for point in data.pop("drop_off_points")],
        **data)
    tx.session.add(drive)
    tx.session.flush()
    tx.emit("drive_opened", {"drive_id": drive.id, "municipio": municipio,
                             "organizer_ids": organizers, "items": len(drive.items)})
    return drive


def pledge(tx, drive_id: str, data: dict, now: datetime) -> Pledge:
    """Anyone's, up to what the item still needs."""
    drive = locked(tx.session, Drive, get(tx.session, drive_id).id)
    if not is_open(drive, now):
        raise Conflict("This drive is closed.", "drive_closed")
    item = _item(drive, data["item"])
    still_needed = item.quantity_needed - max(item.quantity_pledged, item.quantity_delivered)
    if still_needed <= 0:
        raise Invalid({"item": [checks.reason(
            "item_covered", "{item} is already covered: choose another item.", item=item.name)]})
    if data["quantity"] > still_needed:
        raise Invalid({"quantity": [checks.reason(
            "pledge_over_need", "Only {still_needed} more of {item} are needed.",
            still_needed=still_needed, item=item.name)]})
    pledge = Pledge(drive_id=drive.id, item_id=item.id, quantity=data["quantity"],
                    donor_name=data.get("donor_name"), created_at=now)
    item.quantity_pledged += pledge.quantity
    tx.session.add(pledge)
    tx.session.flush()
    tx.emit("pledge_received", {"drive_id": drive.id, "pledge_id": pledge.id,
                                "item_id": item.id, "quantity": pledge.quantity})
    return pledge


def pledges_statement(session, caller: Caller, drive_id: str, item=None, status=None):
    """The drive's pledges for its managers, the latest first."""
    drive = get(session, drive_id)
    require_manage(caller, drive)
    statement = select(Pledge).where(Pledge.drive_id == drive.id).order_by(
        Pledge.created_at.desc(), Pledge.id)
    if item is not None:
        statement = statement.where(Pledge.item_id == _item(drive, item).id)
    if status == PLEDGED:
        statement = statement.where(Pledge.cancelled_at.is_(None))
    elif status == CANCELLED:
        statement = statement.where(Pledge.cancelled_at.is_not(None))
    return statement


def cancel_pledge(tx, caller: Caller, drive_id: str, pledge_id: str, now: datetime) -> Pledge:
    """A pledge that will not come (its managers): its quantity is needed again. Cancelling
    twice changes nothing."""
    drive = get(tx.session, drive_id)
    require_manage(caller, drive)
    drive = locked(tx.session, Drive, drive.id)
    pledge = tx.session.get(Pledge, pledge_id, populate_existing=True)
    if pledge is None or pledge.drive_id != drive.id:
        raise NotFound("No such pledge.", "pledge_not_found")
    if pledge.cancelled_at is None:
        pledge.cancelled_at, pledge.cancelled_by = now, caller.user_id
        _item(drive, pledge.item_id).quantity_pledged -= pledge.quantity
        tx.emit("pledge_cancelled", {"drive_id": drive.id, "pledge_id": pledge.id,
                                     "item_id": pledge.item_id, "quantity": pledge.quantity})
    return pledge


def deliver(tx, caller: Caller, drive_id: str, data: dict, now: datetime) -> Delivery:
    """Organisers record deliveries, also after the window (the last boxes get counted late)."""
    drive = get(tx.session, drive_id)
    require_manage(caller, drive)
    drive = locked(tx.session, Drive, drive.id)
    item = _item(drive, data["item"])
    delivery = Delivery(drive_id=drive.id, item_id=item.id, quantity=data["quantity"],
                        recorded_by=caller.user_id, created_at=now)
    item.quantity_delivered += delivery.quantity
    tx.session.add(delivery)
    tx.session.flush()
    delivered = item.quantity_delivered
    if item.fulfilled_at is None and delivered >= item.quantity_needed:
        item.fulfilled_at = now
        tx.emit("drive_item_fulfilled", {"drive_id": drive.id, "item_id": item.id,
                                         "municipio": drive.municipio,
                                         "organizer_ids": drive.organizer_ids,
                                         "quantity_needed": item.quantity_needed,
                                         "delivered": delivered})
    return delivery


def close_due(tx, now: datetime) -> list:
    """Closes the open drives whose window's last day is over; several replicas may run it."""
    due = tx.session.execute(select(Drive).where(
        Drive.status == OPEN, Drive.collect_to < today(now),
    ).with_for_update(skip_locked=True)).scalars().all()
    for drive in due:
        _close(tx, drive, now)
    return due


def close(tx, caller: Caller, drive_id: str, now: datetime) -> Drive:
    """Its managers close it before its window ends: it takes no more pledges, deliveries are
    still recorded. Closing twice changes nothing."""
    drive = get(tx.session, drive_id)
    require_manage(caller, drive)
    drive = locked(tx.session, Drive, drive.id)
    if drive.status == OPEN:
        _close(tx, drive, now)
    return drive


def _close(tx, drive: Drive, now: datetime):
    drive.status, drive.closed_at = CLOSED, now
    tx.emit("drive_closed", {"drive_id": drive.id, "municipio": drive.municipio,
                             "items": len(drive.items),
                             "items_fulfilled": sum(1 for item in drive.items
                                                    if item.fulfilled_at is not None)})


def present(drive: Drive) -> dict:
    """The drive with its progress: per item the raw totals; overall, each item counted up to
    its need, so an item given twice over does not hide another still missing."""
    items = [{"id": item.id, "name": item.name, "unit": item.unit,
              "quantity_needed": item.quantity_needed, "pledged": item.quantity_pledged,
              "delivered": item.quantity_delivered, "fulfilled": item.fulfilled_at is not None}
             for item in drive.items]
    progress = {
        "quantity_needed": sum(item["quantity_needed"] for item in items),
        "pledged": sum(min(item["pledged"], item["quantity_needed"]) for item in items),
        "delivered": sum(min(item["delivered"], item["quantity_needed"]) for item in items),
        "items": len(items),
        "items_fulfilled": sum(1 for item in items if item["fulfilled"]),
    }
    return {"id": drive.id, "title": drive.title, "description": drive.description,
            "municipio": drive.municipio, "organizer_ids": drive.organizer_ids, "items": items,
            "drop_off_points": drive.drop_off_points, "collect_from": drive.collect_from,
            "collect_to": drive.collect_to, "status": drive.status, "progress": progress,
            "created_at": drive.created_at, "closed_at": drive.closed_at}


def _require_window(collect_from: date, collect_to: date, day: date):
    errors = _window_errors(collect_from, collect_to, day)
    if errors:
        raise Invalid(errors)


def _window_errors(collect_from: date | None, collect_to: date | None, day: date) -> dict:
    """From a year ago to two years ahead, and not over already (a day not given: no error
    here, the schema names it)."""
    errors = {}
    if collect_from is not None and collect_from < day - EARLIEST_START:
        errors["collect_from"] = [checks.reason("day_too_early", "Give a day from {earliest} on.",
                                                earliest=day - EARLIEST_START)]
    if collect_to is not None and collect_to < day:
        errors["collect_to"] = [checks.reason("day_past", "This day is already past.")]
    elif collect_to is not None and collect_to > day + LATEST_END:
        errors["collect_to"] = [checks.reason("day_too_late", "Give a day up to {latest}.",
                                              latest=day + LATEST_END)]
    return errors


def _day(body: dict, name: str) -> date | None:
    try:
        return date.fromisoformat(body.get(name))
    except (TypeError, ValueError):
        return None


def _item(drive: Drive, wanted: str) -> DriveItem:
    """An item of the drive by its id or its name (any case)."""
    for item in drive.items:
        if wanted == item.id or wanted.strip().lower() == item.name.lower():
            return item
    names = ", ".join(item.name for item in drive.items)
    raise Invalid({"item": [checks.reason(
        "item_not_asked", "This drive does not ask for it; it asks for: {items}.", items=names)]})
