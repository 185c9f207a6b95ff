"""A partner's own organisation: its page (services, events, drives, invitations) and its
services (edit, add); events are managed in organisers.py. Coordinators and the city reach the
same forms for what they may manage; the services decide who may change what, and their
answers' `actions` say which buttons to draw."""
from datetime import datetime, timedelta

from flask import abort, redirect, request, url_for

from gateway.web import bp
from gateway.web.common import (all_zones, call, organization, render, require_ability,
                                require_login, try_call)
from gateway.web.forms import Form, nest, number, place_errors, text_or_none
from gateway.web.i18n import reasons_said
from services.common.errors import Invalid
from services.common.schemas import ROME
from services.common.vocabulary import CATEGORIES, DIMENSIONS

SCHEDULE_ROWS = 4
PHONE_ROWS = 2
SERVICE_TEXTS = ("name", "description", "cost_note", "eligibility", "email")
SERVICE_CHOICES = ("category", "dimension")
LOCATION_TEXTS = ("name", "address", "postal_code", "zone")


@bp.route("/my/organization")
def my_organization():
    caller = require_ability("manage_services")
    organization_id = request.args.get("id") or caller.organization_id
    if not organization_id:
        return redirect(url_for("web.network_members"))
    found = organization(organization_id)
    if found is None:
        abort(404)
    since = (datetime.now(ROME) - timedelta(days=1)).isoformat(timespec="minutes")
    services = try_call("directory", "search_services",
                        {"organization_id": organization_id, "per_page": 100},
                        default={"items": []})["items"]
    events = try_call("events", "list_events", {"organization_id": organization_id,
                                                "from": since, "per_page": 50},
                      default={"items": []})["items"]
    drives = try_call("events", "list_drives", {"organization_id": organization_id,
                                                "per_page": 20}, default={"items": []})["items"]
    invitations = try_call("events", "list_invitations", {"per_page": 50},
                           default={"items": []})["items"] if (
        organization_id == caller.organization_id) else []
    return render("my_organization.html", organization=found, services=services, events=events,
                  drives=drives, invitations=invitations, done=request.args.get("done"))


# --- services -----------------------------------------------------------------------------------

def service_values(service: dict) -> dict:
    """A service as the form's inputs."""
    values = {name: service.get(name) for name in (*SERVICE_TEXTS, *SERVICE_CHOICES,
                                                   "min_age", "max_age")}
    values["free"] = "on" if service.get("free") else None
    for name, value in (service.get("location") or {}).items():
        values[f"location.{name}"] = value
    for index, slot in enumerate(service.get("schedules") or []):
        for name in ("weekday", "opens_at", "closes_at"):
            values[f"schedules.{index}.{name}"] = slot[name]
    for index, phone in enumerate(service.get("phones") or []):
        values[f"phones.{index}.number"] = phone["number"]
        values[f"phones.{index}.description"] = phone.get("description")
    return values


def service_payload(form) -> tuple[dict, dict]:
    """The body of a create or update from the form, every field given (empty ones as null),
    and where compacted rows came from."""
    pairs = [(name, text_or_none(form.get(name))) for name in SERVICE_TEXTS]
    pairs += [(name, form.get(name) or None) for name in SERVICE_CHOICES]
    pairs += [(name, number(form.get(name))) for name in ("min_age", "max_age")]
    for index in range(SCHEDULE_ROWS + 4):
        if f"schedules.{index}.weekday" not in form:
            continue
        pairs += [(f"schedules.{index}.weekday", number(form.get(f"schedules.{index}.weekday"))),
                  (f"schedules.{index}.opens_at",
                   text_or_none(form.get(f"schedules.{index}.opens_at"))),
                  (f"schedules.{index}.closes_at",
                   text_or_none(form.get(f"schedules.{index}.closes_at")))]
    for index in range(PHONE_ROWS + 4):
        if f"phones.{index}.number" not in form:
            continue
        pairs += [(f"phones.{index}.number", text_or_none(form.get(f"phones.{index}.number"))),
                  (f"phones.{index}.description",
                   text_or_none(form.get(f"phones.{index}.description")))]
    body, moved = nest(pairs)
    for name in (*SERVICE_TEXTS, *SERVICE_CHOICES, "min_age", "max_age"):
        body.setdefault(name, None)
    if body.get("name") is None:
        body.pop("name")  # required: the service says so
    body["free"] = bool(form.get("free"))
    body.setdefault("schedules", [])
    body.setdefault("phones", [])
    location = {name: text_or_none(form.get(f"location.{name}")) for name in LOCATION_TEXTS}
    location["municipio"] = number(form.get("location.municipio"))
    for name in ("latitude", "longitude"):
        try:
            location[name] = float(form.get(f"location.{name}") or "")
        except ValueError:
            location[name] = None
    body["location"] = location if any(v is not None for v in location.values()) else None
    return body, moved


def service_form_context(form, service=None):
    rows = max(SCHEDULE_ROWS, len((service or {}).get("schedules") or []) + 1)
    return {"form": form, "service": service, "schedule_rows": range(rows),
            "phone_rows": range(PHONE_ROWS), "categories": CATEGORIES,
            "dimensions": DIMENSIONS, "zones": all_zones()}


@bp.route("/services/<service_id>/edit", methods=["GET", "POST"])
def edit_service(service_id):
    require_login()
    service = call("directory", "get_service", service_id)
    if "edit" not in service["actions"]:
        abort(403)
    if request.method == "GET":
        return render("service_form.html", **service_form_context(
            Form(service_values(service)), service))
    body, moved = service_payload(request.form)
    try:
        call("directory", "update_service", service_id, body)
    except Invalid as invalid:
        form = Form(request.form.to_dict(), place_errors(reasons_said(invalid), moved))
        return render("service_form.html", 422, **service_form_context(form, service))
    return redirect(url_for("web.service", service_id=service_id, done="saved"), 303)


@bp.route("/services/new", methods=["GET", "POST"])
def new_service():
    caller = require_login()
    organization_id = request.values.get("organization_id") or caller.organization_id
    if not organization_id:
        abort(400)
    owner = organization(organization_id)
    if owner is None:
        abort(404)
    if "manage_services" not in owner["actions"]:
        abort(403)
    if request.method == "GET":
        municipio = caller.municipi[0] if len(caller.municipi) == 1 else ""
        form = Form({"location.municipio": municipio, "free": "on"})
        return render("service_form.html", owner=owner, **service_form_context(form))
    body, moved = service_payload(request.form)
    body = {key: value for key, value in body.items() if value is not None}
    body["organization_id"] = organization_id
    try:
        created = call("directory", "create_service", body)
    except Invalid as invalid:
        form = Form(request.form.to_dict(), place_errors(reasons_said(invalid), moved))
        return render("service_form.html", 422, owner=owner, **service_form_context(form))
    return redirect(url_for("web.service", service_id=created["id"], done="created"), 303)
