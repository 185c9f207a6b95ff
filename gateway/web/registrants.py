"""Who comes to an event: the registrations as its organisers see them (confirm a phone's, mark
who came, export, write to everyone), check-in at the door from a phone, by the QR code of each
confirmed registration (read by the page's camera scanner or the phone's own camera) or its
code typed; and the pass a family shows there, at the link its confirmation carries. The events
service decides who may see and do this; the event's `actions` say what to draw."""
from flask import abort, redirect, request, url_for

from gateway.api.sheets import csv_answer
from gateway.web import bp
from gateway.web.common import call, page_args, pages_of, render, require_login
from gateway.web.forms import Form
from gateway.web.i18n import code, reasons_said, said
from gateway.web.qr import check_in_pass
from gateway.web.public import event_context
from services.common.errors import Conflict, Invalid, NotFound

STATUSES = ("confirmed", "pending", "waitlisted", "cancelled")


@bp.route("/events/<event_id>/registrations/<registration_id>/pass")
def registration_pass(event_id, registration_id):
    found = call("events", "registration_pass", event_id, registration_id,
                 {"code": request.args.get("code", "")})
    return render("registration_pass.html", own=found,
                  check_in_pass=check_in_pass(event_id, found), **event_context(event_id))


def _organised(event_id: str, action: str) -> dict:
    require_login()
    context = event_context(event_id)
    if action not in context["event"]["actions"]:
        abort(403)
    return context


@bp.route("/events/<event_id>/registrations")
def event_registrations(event_id):
    context = _organised(event_id, "list_registrations")
    status = request.args.get("status") if request.args.get("status") in STATUSES else None
    query = {**page_args(50), **({"status": status} if status else {})}
    found = call("events", "list_registrations", event_id, query)
    return render("event_registrations.html", registrations=found["items"], status=status,
                  statuses=STATUSES, total=found["total"], pages=pages_of(found),
                  form=Form({}), **_messages(event_id), **context)


def _messages(event_id) -> dict:
    sent = call("events", "event_messages", event_id, {"per_page": 5})
    return {"messages": sent["items"], "messages_total": sent["total"]}


@bp.route("/events/<event_id>/messages", methods=["POST"])
def message_registrants(event_id):
    text = request.form.get("text", "")
    try:
        call("events", "message_registrants", event_id, {"text": text})
    except (Invalid, Conflict) as refused:
        context = _organised(event_id, "list_registrations")
        found = call("events", "list_registrations", event_id, page_args(50))
        errors = (reasons_said(refused) if isinstance(refused, Invalid)
                  else {"text": [said(refused)]})
        return render("event_registrations.html", refused.status,
                      registrations=found["items"], status=None, statuses=STATUSES,
                      total=found["total"], pages=pages_of(found),
                      form=Form({"text": text}, errors), **_messages(event_id), **context)
    return redirect(url_for("web.event_registrations", event_id=event_id, done="message_sent"),
                    303)


@bp.route("/events/<event_id>/registrations.csv")
def event_registrations_csv(event_id):
    _organised(event_id, "list_registrations")
    return csv_answer(call("events", "export_registrations_csv", event_id), "iscrizioni")


def _back_to_list(event_id, done):
    return redirect(url_for("web.event_registrations", event_id=event_id, done=done,
                            status=request.form.get("status") or None,
                            page=request.form.get("page") or None), 303)


@bp.route("/events/<event_id>/registrations/<registration_id>/attendance", methods=["POST"])
def registration_attendance(event_id, registration_id):
    require_login()
    attended = request.form.get("attended") == "1"
    call("events", "mark_attendance", event_id, registration_id, {"attended": attended})
    return _back_to_list(event_id, "attended" if attended else "not_attended")


@bp.route("/events/<event_id>/registrations/<registration_id>/confirm-by-organiser",
          methods=["POST"])
def confirm_by_organiser(event_id, registration_id):
    require_login()
    call("events", "confirm_registration", event_id, registration_id, {})
    return _back_to_list(event_id, "registration_confirmed")


@bp.route("/events/<event_id>/check-in", methods=["GET", "POST"])
def check_in(event_id):
    """GET only fills the code in (a phone's camera opens the QR code's address): the check-in
    is made by the button, never by opening a link."""
    context = _organised(event_id, "check_in")
    if request.method == "GET":
        return render("check_in.html", form=Form({"code": request.args.get("code", "")}),
                      **context)
    given = request.form.get("code", "")
    try:
        answer = call("events", "check_in", event_id, {"code": given})
    except Invalid as invalid:
        return render("check_in.html", 422, form=Form({"code": given}, reasons_said(invalid)),
                      **context)
    except (NotFound, Conflict) as refused:
        problem = said(refused, status=lambda status: code("registration", status).lower())
        return render("check_in.html", refused.status, form=Form({}), refused=problem,
                      **context)
    return render("check_in.html", form=Form({}), checked=answer, **context)
