"""Events as the people who run them see them: create and edit (with a programme and
co-organisers), publish, cancel, answer an invitation to co-organise. The events service
decides who may do what; the event's `actions` say which buttons to draw."""
from flask import abort, redirect, request, url_for

from gateway.web import bp
from gateway.web.common import (all_zones, call, render, require_ability, require_login,
                                try_call)
from gateway.web.forms import (Form, nest, number, place_errors, rows_after, rows_given,
                               text_or_none)
from gateway.web.i18n import reasons_said, said
from gateway.web.public import event_context
from services.common.errors import Conflict, Forbidden, Invalid
from services.common.vocabulary import CATEGORIES

EVENT_TEXTS = ("title", "description", "price_note", "starts_at", "ends_at")
EVENT_NUMBERS = ("capacity", "min_age", "max_age", "municipio")
LOCATION_TEXTS = ("name", "address", "zone")
PROGRAMME_ROWS = 4  # empty rows offered beyond those the event has
ORGANIZER_ROWS = 2


def event_payload(form) -> tuple[dict, dict]:
    """Every field of the form (empty ones as null) and where compacted rows came from."""
    pairs = [(name, text_or_none(form.get(name))) for name in EVENT_TEXTS]
    pairs += [(name, number(form.get(name))) for name in EVENT_NUMBERS]
    for index in rows_given(form, "programme."):
        pairs += [(f"programme.{index}.{name}", text_or_none(form.get(f"programme.{index}.{name}")))
                  for name in ("time", "activity")]
    body, moved = nest(pairs)
    for name in (*EVENT_TEXTS, *EVENT_NUMBERS):
        body.setdefault(name, None)
    body.setdefault("programme", [])
    body["category"] = form.get("category") or None
    body["visibility"] = form.get("visibility") or "public"
    body["registration_required"] = bool(form.get("registration_required"))
    if form.get("organizers_drawn"):  # else the organisations could not be listed: unchanged
        body["organizer_ids"] = [form[f"organizer_ids.{index}"]
                                 for index in rows_given(form, "organizer_ids.") if
                                 form[f"organizer_ids.{index}"]]
    location = {name: text_or_none(form.get(f"location.{name}")) for name in LOCATION_TEXTS}
    body["location"] = location if any(location.values()) else None
    return body, moved


def event_values(event: dict) -> dict:
    """An event as the form's inputs (times as the browser's datetime-local reads them)."""
    values = {name: event.get(name) for name in (*EVENT_TEXTS, *EVENT_NUMBERS, "category",
                                                 "visibility")}
    for name in ("starts_at", "ends_at"):
        values[name] = (event.get(name) or "")[:16]
    values["registration_required"] = "on" if event.get("registration_required") else None
    for name in LOCATION_TEXTS:
        values[f"location.{name}"] = (event.get("location") or {}).get(name)
    for index, item in enumerate(event.get("programme") or []):
        values[f"programme.{index}.time"] = item["time"]
        values[f"programme.{index}.activity"] = item["activity"]
    for index, organization_id in enumerate([*event.get("organizer_ids", ()),
                                             *event.get("invited_organizer_ids", ())]):
        values[f"organizer_ids.{index}"] = organization_id
    return values


def event_form_context(form: Form, event: dict | None = None) -> dict:
    """What the form draws: the rows of its programme and co-organisers, and the organisations
    of the event's municipio to choose co-organisers from."""
    municipio = number(str(form.value("municipio"))) or (event or {}).get("municipio")
    organizations = try_call("directory", "list_organizations",
                             {"municipio": municipio, "per_page": 100},
                             default={"items": []})["items"] if isinstance(municipio, int) else []
    chosen = rows_after(form.values, "organizer_ids.")
    programme = rows_after(form.values, "programme.")
    return {"form": form, "event": event, "categories": CATEGORIES, "zones": all_zones(),
            "organizations": organizations,
            "programme_rows": range(programme + PROGRAMME_ROWS),
            "organizer_rows": range(chosen + ORGANIZER_ROWS)}


def _submitted() -> Form:
    return Form(request.form.to_dict())


@bp.route("/events/new", methods=["GET", "POST"])
def new_event():
    caller = require_ability("organize")
    if request.method == "GET":
        municipio = caller.municipi[0] if len(caller.municipi) == 1 else ""
        return render("event_form.html", **event_form_context(
            Form({"municipio": municipio, "visibility": "public"})))
    body, moved = event_payload(request.form)
    body = {key: value for key, value in body.items() if value not in (None, [])}
    try:
        created = call("events", "create_event", body)
    except Invalid as invalid:
        form = _submitted()
        for name, reasons in place_errors(reasons_said(invalid), moved).items():
            form.add_error(name, *reasons)
        return render("event_form.html", 422, **event_form_context(form))
    except Forbidden as refused:
        form = _submitted()
        form.add_error("municipio", said(refused))
        return render("event_form.html", 403, **event_form_context(form))
    return redirect(url_for("web.event", event_id=created["id"], done="created"), 303)


@bp.route("/events/<event_id>/edit", methods=["GET", "POST"])
def edit_event(event_id):
    require_login()
    event = call("events", "get_event", event_id)
    if "edit" not in event["actions"]:
        abort(403)
    if request.method == "GET":
        return render("event_form.html", **event_form_context(Form(event_values(event)), event))
    body, moved = event_payload(request.form)
    if body["municipio"] is None:
        body.pop("municipio")  # kept as it is: the service says when one is needed
    try:
        call("events", "update_event", event_id, body)
    except (Invalid, Forbidden) as refused:
        form = _submitted()
        errors = (reasons_said(refused) if isinstance(refused, Invalid)
                  else {"organizer_ids": [said(refused)]})
        for name, reasons in place_errors(errors, moved).items():
            form.add_error(name, *reasons)
        return render("event_form.html", refused.status, **event_form_context(form, event))
    return redirect(url_for("web.event", event_id=event_id,
                            done="event_saved" if event["status"] == "published" else "saved"),
                    303)


def _event_move(event_id, method, done):
    require_login()
    try:
        call("events", method, event_id)
    except Conflict as conflict:
        return render("event.html", 409, form=Form({"adults": 1, "children": 0}),
                      problem=said(conflict), **event_context(event_id))
    return redirect(url_for("web.event", event_id=event_id, done=done), 303)


@bp.route("/events/<event_id>/publish", methods=["POST"])
def publish_event(event_id):
    return _event_move(event_id, "publish_event", "published")


@bp.route("/events/<event_id>/cancel", methods=["POST"])
def cancel_event(event_id):
    return _event_move(event_id, "cancel_event", "cancelled")


def _answer_invitation(event_id, method, done):
    """Back to "La mia organizzazione", where the invitations are (a draft declined is no
    longer visible to the organisation)."""
    require_login()
    call("events", method, event_id)
    return redirect(url_for("web.my_organization", done=done), 303)


@bp.route("/events/<event_id>/invitation/accept", methods=["POST"])
def accept_event_invitation(event_id):
    return _answer_invitation(event_id, "accept_invitation", "invitation_accepted")


@bp.route("/events/<event_id>/invitation/decline", methods=["POST"])
def decline_event_invitation(event_id):
    return _answer_invitation(event_id, "decline_invitation", "invitation_declined")
