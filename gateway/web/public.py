"""Public pages: what families and neighbours find without an account. Services and their
hours, events with registration and calendars, donation drives with pledges (what their
organisers do on a drive's page: drives_manage.py)."""
from datetime import datetime, timedelta

from flask import abort, current_app, redirect, request, url_for

from gateway.web import CONTENT_SECURITY_POLICY, bp, near
from gateway.web.common import (all_zones, call, networks, organization, page_args, pages_of,
                                render, try_call)
from gateway.web.forms import Form, number, text_or_none
from gateway.web.i18n import reasons_said, said
from gateway.web.qr import check_in_pass
from services.common.errors import Conflict, Gone, Invalid
from services.common.schemas import ROME

SEARCH_FIELDS = ("q", "municipio", "zone", "age")


def now_in_rome() -> datetime:
    return datetime.now(ROME)


@bp.route("/")
def home():
    today = now_in_rome()
    # upcoming: a cancelled event is not (its own page says it is cancelled)
    events = try_call("events", "list_events", {"from": today.isoformat(timespec="minutes"),
                                                "status": "published", "per_page": 3},
                      default={"items": []})
    drives = try_call("events", "list_drives", {"status": "open", "per_page": 2},
                      default={"items": []})
    return render("home.html", events=events["items"], drives=drives["items"],
                  networks=networks())


# --- services ----------------------------------------------------------------------------------

def open_at(args, today: datetime):
    """The moment the family asks about: now, or the next given weekday at the given time."""
    when = args.get("when")
    if when == "now":
        return today.replace(second=0, microsecond=0).isoformat()
    if when == "day":
        try:
            weekday = int(args.get("weekday", ""))
            hour, minute = (int(part) for part in (args.get("time") or "").split(":"))
            day = today.date() + timedelta(days=(weekday - 1 - today.weekday()) % 7)
            return datetime(day.year, day.month, day.day, hour, minute, tzinfo=ROME).isoformat()
        except ValueError:
            return "invalid"  # the service names the field
    return None


@bp.route("/services")
def services():
    args = request.args
    form = Form({"radius_km": near.DEFAULT_RADIUS_KM, **args.to_dict()})
    query = {name: args[name].strip() for name in SEARCH_FIELDS if args.get(name, "").strip()}
    query.update(near.origin_args(args))
    moment = open_at(args, now_in_rome())
    if moment:
        query["open_at"] = moment
    results, status = None, 200
    searched = bool(query) or "submitted" in args
    if searched:
        try:
            results = call("directory", "search_services", {**query, **page_args(20)})
        except Invalid as invalid:
            errors = near.field_errors(reasons_said(invalid))
            if "open_at" in errors:
                errors["time"] = errors.pop("open_at")
            form, status = Form(form.values, errors), 422
    page, status = render("services.html", status, form=form, results=results,
                          pages=pages_of(results) if results else None, zones=all_zones(),
                          searched=searched, **near.page_context(args))
    return page, status, near.page_headers(query, CONTENT_SECURITY_POLICY)


@bp.route("/services/<service_id>")
def service(service_id):
    return service_page(service_id)


def service_page(service_id, capacity_form: Form | None = None, status: int = 200):
    """The service's page; with `update_capacity` among its actions, the form of its places,
    filled with what was said last (`capacity_form`: as sent, with its errors)."""
    found = call("directory", "get_service", service_id)
    found["schedules"] = sorted(found.get("schedules") or [],
                                key=lambda slot: (slot["weekday"], slot["opens_at"]))
    page, status = render("service.html", status, service=found,
                          capacity_form=capacity_form or Form(found.get("capacity")),
                          **near.page_context(request.args))
    return page, status, near.page_headers({}, CONTENT_SECURITY_POLICY)


@bp.route("/organizations/<organization_id>")
def organization_page(organization_id):
    found = organization(organization_id)
    if found is None:
        abort(404)
    services_found = try_call("directory", "search_services",
                              {"organization_id": organization_id, "per_page": 50},
                              default={"items": []})
    events = try_call("events", "list_events", {
        "organization_id": organization_id, "per_page": 20,
        "from": now_in_rome().isoformat(timespec="minutes")}, default={"items": []})
    return render("organization.html", organization=found, services=services_found["items"],
                  events=events["items"])


# --- events ------------------------------------------------------------------------------------

def municipio_arg():
    try:
        municipio = int(request.args.get("municipio", ""))
    except ValueError:
        return None
    return municipio if 1 <= municipio <= 9 else None


@bp.route("/events")
def events():
    municipio = municipio_arg()
    query = {"from": now_in_rome().isoformat(timespec="minutes"), **page_args(30)}
    if municipio:
        query["municipio"] = municipio
    found = call("events", "list_events", query)
    months = []
    for event in found["items"]:
        key = event["starts_at"][:7]
        if not months or months[-1][0] != key:
            months.append((key, []))
        months[-1][1].append(event)
    return render("events.html", municipio=municipio, months=months, pages=pages_of(found),
                  total=found["total"])


def event_context(event_id):
    """The event, its buttons drawn from the `actions` the events service gives the caller."""
    event = call("events", "get_event", event_id)
    organizers = [organization(o) for o in event["organizer_ids"]]
    return {"event": event, "organizers": [o for o in organizers if o]}


@bp.route("/events/<event_id>")
def event(event_id):
    return render("event.html", form=Form({"adults": 1, "children": 0}),
                  done=request.args.get("done"), **event_context(event_id))


@bp.route("/events/<event_id>/register", methods=["POST"])
def register(event_id):
    values = request.form.to_dict()
    body = {"name": values.get("name", ""), "contact": values.get("contact", ""),
            "adults": number(values.get("adults")), "children": number(values.get("children"))}
    body = {key: value for key, value in body.items() if value is not None}
    try:
        receipt = call("events", "register", event_id, body)
    except Invalid as invalid:
        return render("event.html", 422, form=Form(values, reasons_said(invalid)),
                      **event_context(event_id))
    except Conflict as conflict:
        form = Form(values)
        form.add_error("contact" if conflict.code == "already_registered" else "_form",
                       said(conflict))
        return render("event.html", 409, form=form, **event_context(event_id))
    cancel_url = current_app.config["QUBI_SETTINGS"].public_url + url_for(
        "web.cancel_registration", event_id=event_id, registration_id=receipt["id"],
        token=receipt["cancel_token"])
    return render("registered.html", receipt=receipt, cancel_url=cancel_url,
                  **event_context(event_id))


@bp.route("/events/<event_id>/registrations/<registration_id>/cancel", methods=["GET", "POST"])
def cancel_registration(event_id, registration_id):
    token = request.values.get("token", "")
    context = event_context(event_id)
    if request.method == "POST":
        try:
            call("events", "cancel_registration", event_id, registration_id, {"token": token})
        except Conflict as conflict:
            return render("cancel_registration.html", 409, token=token,
                          registration_id=registration_id, problem=said(conflict),
                          **context)
        return render("cancel_registration.html", token=token, registration_id=registration_id,
                      cancelled=True, **context)
    own = call("events", "own_registration", event_id, registration_id, {"token": token})
    return render("cancel_registration.html", token=token, registration_id=registration_id,
                  own=own, check_in_pass=check_in_pass(event_id, own), **context)


@bp.route("/events/<event_id>/registrations/<registration_id>/confirm", methods=["GET", "POST"])
def confirm_registration(event_id, registration_id):
    """The page of the link emailed to a registrant. It confirms with a button: a mail program
    that opens links by itself confirms nothing."""
    token = request.values.get("token", "")
    context = event_context(event_id)
    if request.method == "POST":
        try:
            confirmed = call("events", "confirm_registration", event_id, registration_id,
                             {"token": token})
        except (Conflict, Gone) as refused:
            return render("confirm_registration.html", refused.status, token=token,
                          problem=said(refused), **context)
        return render("confirm_registration.html", token=token, confirmed=confirmed,
                      check_in_pass=check_in_pass(event_id, confirmed), **context)
    return render("confirm_registration.html", token=token, **context)


# --- drives ------------------------------------------------------------------------------------

@bp.route("/drives")
def drives():
    municipio = municipio_arg()
    query = {"status": "open", **page_args(20)}
    if municipio:
        query["municipio"] = municipio
    found = call("events", "list_drives", query)
    return render("drives.html", drives=found["items"], municipio=municipio,
                  pages=pages_of(found))


def drive_context(drive_id):
    """The drive, and its pledges for those the events service lets list them."""
    drive = call("events", "get_drive", drive_id)
    for item in drive["items"]:
        item["missing"] = max(0, item["quantity_needed"] - item["pledged"])
    organizers = [organization(o) for o in drive["organizer_ids"]]
    pledges = (call("events", "list_pledges", drive_id, {"per_page": 200})["items"]
               if "list_pledges" in drive["actions"] else [])
    items = {item["id"]: item["name"] for item in drive["items"]}
    for pledge in pledges:
        pledge["item"] = items.get(pledge["item_id"])
    return {"drive": drive, "organizers": [o for o in organizers if o], "pledges": pledges}


def delivery_form(values=None, errors=None) -> Form:
    """The organisers' form for a delivery: its inputs are named apart from the pledge's on
    the same page (`delivered.item`, not `item`), so that each label has its own input."""
    return Form(values or {"delivered.quantity": 1}, errors)


@bp.route("/drives/<drive_id>")
def drive(drive_id):
    return render("drive.html", form=Form({"quantity": 1}), delivery=delivery_form(),
                  done=request.args.get("done"), **drive_context(drive_id))


@bp.route("/drives/<drive_id>/pledge", methods=["POST"])
def pledge(drive_id):
    values = request.form.to_dict()
    body = {"item": values.get("item", ""), "quantity": number(values.get("quantity")),
            "donor_name": text_or_none(values.get("donor_name"))}
    body = {key: value for key, value in body.items() if value is not None}
    try:
        call("events", "pledge", drive_id, body)
    except Invalid as invalid:
        return render("drive.html", 422, form=Form(values, reasons_said(invalid)),
                      delivery=delivery_form(), **drive_context(drive_id))
    except Conflict as conflict:
        form = Form(values)
        form.add_error("_form", said(conflict))
        return render("drive.html", 409, form=form, delivery=delivery_form(),
                      **drive_context(drive_id))
    # the page from its top: the thanks and the bar that moved are the first things in view
    return redirect(url_for("web.drive", drive_id=drive_id, done="pledged"), 303)
