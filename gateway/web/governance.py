"""The meetings of the programme's bodies (the cabina di regia, the coordinamenti municipali, the
gruppi di progetto): the caller's meetings, convening and editing one, and its page with the
invited and their answers, the attendance, the cancellation and the documents. The minutes
(governance_minutes.py) and the decisions and actions (governance_records.py) share that page.

The governance service decides: each meeting it answers with carries the `actions` the caller
may take, and the page draws the forms those name."""
import base64
from datetime import datetime

from flask import abort, g, redirect, request, url_for
from werkzeug.exceptions import RequestEntityTooLarge

from gateway.api.meetings import document_answer
from gateway.web import bp, http_error
from gateway.web.common import (call, page_args, pages_of, render, require_ability,
                                require_login, try_call)
from gateway.web.forms import Form, place_errors, text_or_none
from gateway.web.i18n import gettext as _
from gateway.web.i18n import reasons_said, said
from services.common.errors import Conflict, DomainError, Forbidden, Invalid, NotFound
from services.common.schemas import ROME
from services.governance.contract import (ACTION, APPROVED, CANCELLED, CIRCULATED, DONE,
                                          DOCUMENT_TOO_LARGE, DRAFT, DRIVE, EVENT, FUND_REQUEST,
                                          MAX_DOCUMENT_BYTES, OPEN, SCHEDULED)

UPCOMING_SHOWN = 20
LISTED_ON_THE_PAGE = 50  # a meeting's decisions and actions
FUND_REQUESTS_OFFERED = 50  # to link a decision to


# --- words ------------------------------------------------------------------------------------

def governance_words() -> dict:
    """The governance service's codes in words, in the page's language."""
    return {
        "answer": {"yes": _("Sì"), "no": _("No"), "maybe": _("Forse")},
        "meeting_status": {SCHEDULED: _("In programma"), CANCELLED: _("Annullata")},
        "minutes_status": {DRAFT: _("Bozza"), CIRCULATED: _("Inviato ai membri per commenti"),
                           APPROVED: _("Approvato")},
        "action_status": {OPEN: _("Da fare"), DONE: _("Fatta")},
        "link_kind": {FUND_REQUEST: _("Richiesta al fondo"), DRIVE: _("Raccolta solidale"),
                      EVENT: _("Evento"), ACTION: _("Azione")},
    }


@bp.app_template_global()
def governance_code(kind: str, value) -> str:
    return governance_words()[kind].get(value, value or "")


@bp.app_template_global()
def governance_codes(kind: str) -> list:
    """(code, words) pairs of a kind, for select boxes and buttons."""
    return list(governance_words()[kind].items())


@bp.app_template_global()
def governance_link(link: dict):
    """The page of what a decision links to; None for a kind with no page here."""
    pages = {FUND_REQUEST: ("web.fund_request", "request_id"), DRIVE: ("web.drive", "drive_id"),
             EVENT: ("web.event", "event_id"), ACTION: ("web.governance_action", "action_id")}
    if link.get("kind") not in pages:
        return None
    endpoint, argument = pages[link["kind"]]
    return url_for(endpoint, **{argument: link["id"]})


def done_notice():
    """The message of a finished action on these pages (?done=...), from a fixed list."""
    return {
        "meeting_convened": _("Riunione convocata: chi è invitato riceve l'invito."),
        "meeting_saved": _("Modifiche salvate: gli invitati ricevono l'invito aggiornato."),
        "meeting_cancelled": _("Riunione annullata: gli invitati ne sono avvisati."),
        "meeting_answered": _("Risposta registrata."),
        "attendance_saved": _("Presenze registrate."),
        "document_attached": _("Documento caricato."),
        "minutes_saved": _("Bozza del verbale salvata."),
        "minutes_circulated": _("Verbale inviato ai membri per i loro commenti."),
        "minutes_corrected": _("Correzione del verbale salvata come nuova versione."),
        "minutes_approved": _("Verbale approvato: da ora il testo resta com'è."),
        "minutes_commented": _("Commento aggiunto al verbale."),
        "decision_recorded": _("Decisione registrata."),
        "action_assigned": _("Azione assegnata: chi la riceve la vede tra le sue azioni da "
                             "fare."),
        "action_closed": _("Azione chiusa, con la nota su come è stata fatta."),
        "action_reopened": _("Azione riaperta."),
        "action_changed": _("Azione modificata: chi la deve fare ne è avvisato se è in scadenza."),
    }.get(request.args.get("done"))


def filled(**fields) -> dict:
    """The form's fields as the service's body: the empty ones left out, for the service to say
    which are required."""
    return {name: value for name, value in fields.items() if value is not None}


def errors_of(invalid, moved=None, aliases=None) -> dict:
    """The service's reasons by input, each said once (several paths may share an input)."""
    placed = place_errors(reasons_said(invalid), moved, aliases)
    return {name: list(dict.fromkeys(reasons)) for name, reasons in placed.items()}


# --- my meetings --------------------------------------------------------------------------------

@bp.route("/governance/meetings")
def governance_meetings():
    require_login()
    upcoming = call("governance", "list_meetings", {"upcoming": True,
                                                    "per_page": UPCOMING_SHOWN})
    found = call("governance", "list_meetings", page_args(20))
    shown = {meeting["id"] for meeting in upcoming["items"]}
    return render("governance_meetings.html", upcoming=upcoming["items"],
                  others=[meeting for meeting in found["items"] if meeting["id"] not in shown],
                  pages=pages_of(found))


# --- convening and editing ------------------------------------------------------------------------

def meeting_payload(values) -> dict:
    """The meeting's fields from the form: a day with the hours it starts and ends, and the
    agenda one item a line."""
    day = (values.get("day") or "").strip()

    def at(name):
        hour = (values.get(name) or "").strip()
        return f"{day}T{hour}" if day and hour else None

    agenda = [{"title": line.strip()} for line in (values.get("agenda") or "").splitlines()
              if line.strip()]
    return {"title": text_or_none(values.get("title")), "starts_at": at("starts_at"),
            "ends_at": at("ends_at"), "place": text_or_none(values.get("place")),
            "online_url": text_or_none(values.get("online_url")), "agenda": agenda}


def meeting_errors(invalid, values) -> dict:
    """The agenda's reasons on its box; the moments' on the day when no day was given."""
    aliases = {"agenda.*": "agenda"}
    if not (values.get("day") or "").strip():
        aliases.update({"starts_at": "day", "ends_at": "day"})
    return errors_of(invalid, aliases=aliases)


def in_rome(moment: str) -> datetime:
    return datetime.fromisoformat(moment).astimezone(ROME)


def meeting_values(meeting: dict) -> dict:
    """A meeting as the form's inputs, on Milan's clock."""
    starts, ends = in_rome(meeting["starts_at"]), in_rome(meeting["ends_at"])
    return {"title": meeting["title"], "place": meeting.get("place"),
            "online_url": meeting.get("online_url"), "day": starts.date().isoformat(),
            "starts_at": starts.strftime("%H:%M"), "ends_at": ends.strftime("%H:%M"),
            "agenda": "\n".join(item["title"] for item in meeting.get("agenda") or [])}


def bodies_to_convene() -> list:
    return call("governance", "bodies_to_convene")["items"]


def meeting_form_page(form, bodies=None, meeting=None, status=200, problem=None):
    return render("governance_meeting_form.html", status, form=form, bodies=bodies or [],
                  meeting=meeting, problem=problem)


@bp.route("/governance/meetings/new", methods=["GET", "POST"])
def governance_meeting_new():
    require_ability("convene_meetings")
    bodies = bodies_to_convene()
    if request.method == "GET":
        chosen = request.args.get("body_id") or (bodies[0]["id"] if len(bodies) == 1 else "")
        return meeting_form_page(Form({"body_id": chosen}), bodies)
    values = request.form.to_dict()
    body = filled(body_id=text_or_none(values.get("body_id")), **meeting_payload(values))
    try:
        created = call("governance", "create_meeting", body)
    except Invalid as invalid:
        return meeting_form_page(Form(values, meeting_errors(invalid, values)), bodies, status=422)
    except (Forbidden, NotFound) as refused:  # a body the caller does not chair
        return meeting_form_page(Form(values, {"body_id": [said(refused)]}), bodies,
                                 status=refused.status)
    return redirect(url_for("web.governance_meeting", meeting_id=created["id"],
                            done="meeting_convened"), 303)


@bp.route("/governance/meetings/<meeting_id>/edit", methods=["GET", "POST"])
def governance_meeting_edit(meeting_id):
    require_login()
    meeting = call("governance", "get_meeting", meeting_id)
    if "edit" not in meeting["actions"]:
        abort(403)
    if request.method == "GET":
        return meeting_form_page(Form(meeting_values(meeting)), meeting=meeting)
    values = request.form.to_dict()
    try:
        call("governance", "update_meeting", meeting_id, meeting_payload(values))
    except Invalid as invalid:
        return meeting_form_page(Form(values, meeting_errors(invalid, values)), meeting=meeting,
                                 status=422)
    except (Conflict, Forbidden) as refused:
        return meeting_form_page(Form(values), meeting=meeting, status=refused.status,
                                 problem=said(refused))
    return redirect(url_for("web.governance_meeting", meeting_id=meeting_id,
                            done="meeting_saved"), 303)


# --- one meeting --------------------------------------------------------------------------------

def minutes_of(meeting: dict):
    """The meeting's latest minutes, when written and the caller may read them."""
    if not meeting.get("minutes"):
        return None
    try:
        return call("governance", "get_minutes", meeting["id"])
    except NotFound:
        return None


def fund_requests_to_link(meeting: dict) -> list:
    """The fund requests of the body's municipio, for a decision to link (left out when the
    funds service does not answer or the caller sees none: an id can be pasted)."""
    municipio = meeting["body"].get("municipio")
    query = {"per_page": FUND_REQUESTS_OFFERED, **({"municipio": municipio} if municipio else {})}
    return try_call("funds", "list_requests", query, default={"items": []})["items"]


def meeting_forms(meeting: dict, minutes) -> dict:
    """The forms of the meeting's page as they start: attendance as last taken, the minutes'
    text as last saved."""
    present = [person["id"] for person in meeting.get("invitees") or [] if person.get("attended")]
    return {"cancel": Form(), "answer": Form(), "attendance": Form({"present": present}),
            "minutes": Form({"text": minutes["text"]} if minutes else {}), "comment": Form(),
            "document": Form(), "decision": Form(), "action": Form()}


def meeting_context(meeting_id, problem=None, **forms) -> dict:
    meeting = call("governance", "get_meeting", meeting_id)
    minutes = minutes_of(meeting)
    listed = {"meeting_id": meeting_id, "per_page": LISTED_ON_THE_PAGE}
    decisions = call("governance", "list_decisions", listed)["items"]
    actions = call("governance", "list_actions", listed)["items"]
    can_decide = "record_decision" in meeting["actions"]
    return {"meeting": meeting, "minutes": minutes, "decisions": decisions, "actions": actions,
            "fund_requests": fund_requests_to_link(meeting) if can_decide else [],
            "forms": {**meeting_forms(meeting, minutes), **forms}, "problem": problem,
            "notice": done_notice(), "max_megabytes": MAX_DOCUMENT_BYTES // (1024 * 1024)}


@bp.route("/governance/meetings/<meeting_id>")
def governance_meeting(meeting_id):
    require_login()
    return render("governance_meeting.html", **meeting_context(meeting_id))


def meeting_move(meeting_id, method, args, form, done, anchor="", values=None, aliases=None,
                 moved=None, refusals_on=None):
    """Asks the service to do `method` with `args` for the meeting and goes back to its page; a
    refusal shows the page again with the form `form` as it was sent (a button alone: no form),
    the reasons on its inputs, and a refusal whose code `refusals_on` names on that input."""
    require_login()
    values = request.form.to_dict() if values is None else values
    try:
        call("governance", method, *args)
    except Invalid as invalid:
        sent = Form(values, errors_of(invalid, moved, aliases))
        return render("governance_meeting.html", 422,
                      **meeting_context(meeting_id, **{form or "refused": sent}))
    except (Conflict, Forbidden) as refused:
        placed = (refusals_on or {}).get(refused.code)
        if placed:
            sent = Form(values, {placed: [said(refused)]})
            return render("governance_meeting.html", refused.status,
                          **meeting_context(meeting_id, **{form: sent}))
        kept = {form: Form(values)} if form else {}
        return render("governance_meeting.html", refused.status,
                      **meeting_context(meeting_id, problem=said(refused), **kept))
    return redirect(url_for("web.governance_meeting", meeting_id=meeting_id, done=done) + anchor,
                    303)


@bp.route("/governance/meetings/<meeting_id>/answer", methods=["POST"])
def governance_meeting_answer(meeting_id):
    body = filled(answer=request.form.get("answer") or None)
    return meeting_move(meeting_id, "answer_invitation", (meeting_id, body), "answer",
                        "meeting_answered", "#answer")


@bp.route("/governance/meetings/<meeting_id>/cancel", methods=["POST"])
def governance_meeting_cancel(meeting_id):
    body = {"reason": text_or_none(request.form.get("cancel_reason"))}
    return meeting_move(meeting_id, "cancel_meeting", (meeting_id, body), "cancel",
                        "meeting_cancelled", aliases={"reason": "cancel_reason"})


@bp.route("/governance/meetings/<meeting_id>/attendance", methods=["POST"])
def governance_meeting_attendance(meeting_id):
    present = request.form.getlist("present")
    return meeting_move(meeting_id, "record_attendance", (meeting_id, {"present": present}),
                        "attendance", "attendance_saved", "#invited", values={"present": present},
                        aliases={"present.*": "present"})


# --- documents ----------------------------------------------------------------------------------

@bp.route("/governance/meetings/<meeting_id>/documents", methods=["POST"])
def governance_meeting_documents(meeting_id):
    """The file chosen, for the service to check its size and its type by its content."""
    upload = request.files.get("file")
    body = {}
    if upload and upload.filename:
        body = {"filename": upload.filename,
                "data": base64.b64encode(upload.read()).decode("ascii")}
    return meeting_move(meeting_id, "attach_document", (meeting_id, body), "document",
                        "document_attached", "#documents", values={},
                        aliases={"filename": "file", "data": "file", "_schema": "file"})


@bp.errorhandler(RequestEntityTooLarge)
def too_large(error):
    """A document over the limit is refused before its form is read (gateway/bodies.py): said
    on the file's input of its meeting's page. Anything else too large, as every page says it."""
    meeting_id = (request.view_args or {}).get("meeting_id")
    caller = g.get("caller")
    if request.endpoint != "web.governance_meeting_documents" or not (
            caller and caller.authenticated):
        return http_error(error)
    form = Form({}, reasons_said(Invalid({"file": [DOCUMENT_TOO_LARGE]})))
    try:
        return render("governance_meeting.html", 413,
                      **meeting_context(meeting_id, document=form))
    except DomainError:
        return http_error(error)


@bp.route("/governance/meetings/<meeting_id>/documents/<document_id>")
def governance_meeting_document(meeting_id, document_id):
    require_login()
    return document_answer(call("governance", "get_document", meeting_id, document_id))
