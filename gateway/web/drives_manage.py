"""Donation drives as their organisers run them: a new drive with its items and its drop-off
points and their hours; on the drive's page, the deliveries received, the pledges that will not
come, and closing it early. The events service decides who may do what: the drive's `actions`
say which forms to draw, and its refusals land next to the inputs they name.

Rows (items, drop-off points, a point's hours) are inputs named by their API path
(`items.1.quantity_needed`, `drop_off_points.0.schedules.2.opens_at`); rows left empty are
dropped. "Add an item" and "Add a drop-off point" send the form back with one more row, so the
form works without a script.
"""
from flask import redirect, request, url_for

from gateway.web import bp
from gateway.web.common import call, render, require_ability, require_login
from gateway.web.forms import (Form, nest, number, place_errors, rows_after, rows_given,
                               text_or_none)
from gateway.web.i18n import gettext as _
from gateway.web.i18n import reasons_said, said
from gateway.web.public import delivery_form, drive_context
from services.common.errors import Forbidden, Invalid

ITEM_ROWS = 3  # on a new form
POINT_ROWS = 1
SLOT_ROWS = 3  # weekly hours of each drop-off point
DRIVE_TEXTS = ("title", "description", "collect_from", "collect_to")
UNITS = ("pezzi", "confezioni", "set", "kg", "litri")
DELIVERY_INPUTS = {"item": "delivered.item", "quantity": "delivered.quantity"}


def drive_payload(form) -> tuple[dict, dict]:
    """The body of POST /drives from the form, and where compacted rows came from."""
    pairs = [(name, text_or_none(form.get(name))) for name in DRIVE_TEXTS]
    pairs.append(("municipio", number(form.get("municipio"))))
    for row in rows_given(form, "items."):
        pairs += [(f"items.{row}.name", text_or_none(form.get(f"items.{row}.name"))),
                  (f"items.{row}.unit", text_or_none(form.get(f"items.{row}.unit"))),
                  (f"items.{row}.quantity_needed",
                   number(form.get(f"items.{row}.quantity_needed")))]
    for point in rows_given(form, "drop_off_points."):
        stem = f"drop_off_points.{point}"
        pairs += [(f"{stem}.{name}", text_or_none(form.get(f"{stem}.{name}")))
                  for name in ("name", "address")]
        for slot in rows_given(form, f"{stem}.schedules."):
            at = f"{stem}.schedules.{slot}"
            pairs += [(f"{at}.weekday", number(form.get(f"{at}.weekday"))),
                      (f"{at}.opens_at", text_or_none(form.get(f"{at}.opens_at"))),
                      (f"{at}.closes_at", text_or_none(form.get(f"{at}.closes_at")))]
    body, moved = nest(pairs)
    body.setdefault("items", [])
    body.setdefault("drop_off_points", [])
    return body, moved


def form_rows(form: Form, add: str | None = None) -> dict:
    """How many rows of each list to draw: those given (at least the defaults), and one more
    of the list the organiser asked to add to."""
    values = form.values
    items = max(ITEM_ROWS, rows_after(values, "items.")) + (add == "item")
    points = max(POINT_ROWS, rows_after(values, "drop_off_points.")) + (add == "point")
    slots = [max(SLOT_ROWS, rows_after(values, f"drop_off_points.{point}.schedules."))
             for point in range(points)]
    return {"item_rows": range(items), "point_rows": range(points), "slot_rows": slots}


def drive_form(form: Form, status: int = 200, add: str | None = None):
    return render("drive_form.html", status, form=form, units=UNITS, **form_rows(form, add))


@bp.route("/drives/new", methods=["GET", "POST"])
def new_drive():
    caller = require_ability("organize")
    if request.method == "GET":
        municipio = caller.municipi[0] if len(caller.municipi) == 1 else ""
        return drive_form(Form({"municipio": municipio}))
    values = request.form.to_dict()
    add = request.form.get("add")
    if add in ("item", "point"):
        return drive_form(Form(values), add=add)
    body, moved = drive_payload(request.form)
    try:
        created = call("events", "create_drive", body)
    except Invalid as invalid:
        placed = place_errors(reasons_said(invalid), moved)
        return drive_form(Form(values, placed), 422)
    except Forbidden as refused:
        form = Form(values)
        form.add_error("municipio", said(refused))
        return drive_form(form, 403)
    return redirect(url_for("web.drive", drive_id=created["id"], done="drive_created"), 303)


def share(done, needed) -> str:
    """A share of the need in words, never "0%" for something: "less than 1%"."""
    if not needed or not done:
        return "0%"
    percent = 100 * min(done, needed) / needed
    return _("meno dell'1%") if percent < 1 else f"{int(percent)}%"


bp.add_app_template_global(share, "share")


@bp.route("/drives/<drive_id>/deliveries", methods=["POST"])
def record_delivery(drive_id):
    values = request.form.to_dict()
    body = {"item": values.get("delivered.item", ""),
            "quantity": number(values.get("delivered.quantity"))}
    try:
        call("events", "record_delivery", drive_id,
             {key: value for key, value in body.items() if value is not None})
    except Invalid as invalid:
        errors = place_errors(reasons_said(invalid), aliases=DELIVERY_INPUTS)
        return render("drive.html", 422, form=Form({"quantity": 1}),
                      delivery=delivery_form(values, errors), **drive_context(drive_id))
    return redirect(url_for("web.drive", drive_id=drive_id, done="delivered"), 303)


@bp.route("/drives/<drive_id>/pledges/<pledge_id>/cancel", methods=["POST"])
def cancel_pledge(drive_id, pledge_id):
    require_login()
    call("events", "cancel_pledge", drive_id, pledge_id)
    return redirect(url_for("web.drive", drive_id=drive_id, done="pledge_cancelled"), 303)


@bp.route("/drives/<drive_id>/close", methods=["POST"])
def close_drive(drive_id):
    require_login()
    call("events", "close_drive", drive_id)
    return redirect(url_for("web.drive", drive_id=drive_id, done="drive_closed"), 303)
