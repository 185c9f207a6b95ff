"""Events of the networks, and registrations to them."""
from flask import request

from gateway.api import Blueprint
from gateway.api.common import (BEARER, OPTIONAL_LOGIN, answer, answers, call, page_schema,
                                problems, require_ability, require_login)
from gateway.api.sheets import csv_answer
from gateway.problems import ProblemSchema
from services.common.schemas import PageArgs
from services.events.contract import (AttendanceSchema, CancelQuerySchema, CheckInAnswerSchema,
                                      CheckInSchema, ConfirmSchema, EventCreateSchema,
                                      EventMessageCreateSchema, EventMessageSchema,
                                      EventQuerySchema, EventSchema, EventUpdateSchema,
                                      RegistrationCreateSchema, RegistrationQuerySchema,
                                      RegistrationReceiptSchema, RegistrationSchema)

blp = Blueprint("events", __name__, url_prefix="/api/v1", description="Events")
EventPage = page_schema(EventSchema, "EventPage")
RegistrationPage = page_schema(RegistrationSchema, "RegistrationPage")
EventMessagePage = page_schema(EventMessageSchema, "EventMessagePage")


@blp.route("/events")
@blp.arguments(EventQuerySchema(), location="query")
@answers(blp, 200, EventPage)
@blp.alt_response(422, schema=ProblemSchema)
@blp.doc(security=OPTIONAL_LOGIN)
def list_events(_query):
    """Events the caller may see: public ones, and its networks' with a login."""
    return answer("events", "list_events", request.args.to_dict())


@blp.route("/events", methods=["POST"])
@blp.arguments(EventCreateSchema())
@answers(blp, 201, EventSchema)
@blp.alt_response(401, schema=ProblemSchema)
@blp.alt_response(403, schema=ProblemSchema)
@blp.alt_response(422, schema=ProblemSchema)
@blp.doc(security=BEARER)
def create_event(_data):
    """Create an event as a draft (a partner for its organisation, a coordinator for its
    municipio)."""
    require_ability("organize")
    return answer("events", "create_event", request.get_json()), 201


@blp.route("/events/invitations")
@blp.arguments(PageArgs(), location="query")
@answers(blp, 200, EventPage)
@problems(blp, 401)
@blp.doc(security=BEARER)
def list_invitations(_query):
    """The events the caller's organisation is invited to organise, the soonest first: each
    says `accept_invitation` and `decline_invitation` in its `actions` while it may."""
    require_login()
    return answer("events", "list_invitations", request.args.to_dict())


@blp.route("/events/<event_id>/invitation/accept", methods=["POST"])
@answers(blp, 200, EventSchema)
@blp.alt_response(401, schema=ProblemSchema)
@blp.alt_response(403, schema=ProblemSchema, description="The caller's organisation is not invited")
@blp.alt_response(404, schema=ProblemSchema)
@blp.alt_response(409, schema=ProblemSchema, description="The event is over or cancelled")
@blp.doc(security=BEARER)
def accept_invitation(event_id):
    """The caller's organisation accepts to organise the event: it may then change it, and it
    is shown among its organisers."""
    require_login()
    return answer("events", "accept_invitation", event_id)


@blp.route("/events/<event_id>/invitation/decline", methods=["POST"])
@answers(blp, 200, EventSchema)
@blp.alt_response(401, schema=ProblemSchema)
@blp.alt_response(403, schema=ProblemSchema, description="The caller's organisation is not invited")
@blp.alt_response(404, schema=ProblemSchema)
@blp.alt_response(409, schema=ProblemSchema, description="The event is over or cancelled")
@blp.doc(security=BEARER)
def decline_invitation(event_id):
    """The caller's organisation declines to organise the event: it is no longer named."""
    require_login()
    return answer("events", "decline_invitation", event_id)


@blp.route("/events/<event_id>")
@answers(blp, 200, EventSchema)
@blp.alt_response(404, schema=ProblemSchema)
@blp.doc(security=OPTIONAL_LOGIN)
def get_event(event_id):
    """One event."""
    return answer("events", "get_event", event_id)


@blp.route("/events/<event_id>", methods=["PATCH"])
@blp.arguments(EventUpdateSchema())
@answers(blp, 200, EventSchema)
@blp.alt_response(401, schema=ProblemSchema)
@blp.alt_response(403, schema=ProblemSchema)
@blp.alt_response(404, schema=ProblemSchema)
@blp.alt_response(409, schema=ProblemSchema, description="The event is over or cancelled")
@blp.alt_response(422, schema=ProblemSchema)
@blp.doc(security=BEARER)
def update_event(_data, event_id):
    """Change an event (its organisers, its municipio's coordinator); once published, its
    registrants are told."""
    require_login()
    return answer("events", "update_event", event_id, request.get_json())


@blp.route("/events/<event_id>/publish", methods=["POST"])
@answers(blp, 200, EventSchema)
@blp.alt_response(401, schema=ProblemSchema)
@blp.alt_response(403, schema=ProblemSchema)
@blp.alt_response(404, schema=ProblemSchema)
@blp.alt_response(409, schema=ProblemSchema, description="Not a draft, or over")
@blp.doc(security=BEARER)
def publish_event(event_id):
    """Publish a draft: it appears in lists and calendars."""
    require_login()
    return answer("events", "publish_event", event_id)


@blp.route("/events/<event_id>/cancel", methods=["POST"])
@answers(blp, 200, EventSchema)
@blp.alt_response(401, schema=ProblemSchema)
@blp.alt_response(403, schema=ProblemSchema)
@blp.alt_response(404, schema=ProblemSchema)
@blp.alt_response(409, schema=ProblemSchema, description="Already cancelled, or over")
@blp.doc(security=BEARER)
def cancel_event(event_id):
    """Cancel an event: calendars keep it, marked as cancelled."""
    require_login()
    return answer("events", "cancel_event", event_id)


@blp.route("/events/<event_id>/registrations", methods=["POST"])
@blp.arguments(RegistrationCreateSchema())
@answers(blp, 201, RegistrationReceiptSchema)
@blp.alt_response(404, schema=ProblemSchema)
@blp.alt_response(409, schema=ProblemSchema,
                  description="Not open to registrations, or this contact is already registered")
@blp.alt_response(422, schema=ProblemSchema)
@blp.doc(security=OPTIONAL_LOGIN)
def register(_data, event_id):
    """Register a household: `pending` until confirmed by the link emailed to its contact (a
    phone contact's, by an organiser), then confirmed while places remain, else on the waiting
    list. A pending registration keeps its places until `expires_at`, then it is cancelled.
    Keep the `cancel_token` to cancel."""
    return answer("events", "register", event_id, request.get_json()), 201


@blp.route("/events/<event_id>/registrations/<registration_id>")
@blp.arguments(CancelQuerySchema(), location="query")
@answers(blp, 200, RegistrationReceiptSchema)
@blp.alt_response(404, schema=ProblemSchema, description="No such registration, or not its token")
def own_registration(_query, event_id, registration_id):
    """A registration as its registrant sees it, with the `token` it was given: once confirmed,
    its `check_in_code` to show at the door."""
    found = answer("events", "own_registration", event_id, registration_id,
                   request.args.to_dict())
    found.headers["Cache-Control"] = "no-store"  # asked with its token, answering its code
    return found


@blp.route("/events/<event_id>/check-ins", methods=["POST"])
@blp.arguments(CheckInSchema())
@answers(blp, 200, CheckInAnswerSchema)
@blp.alt_response(401, schema=ProblemSchema)
@blp.alt_response(403, schema=ProblemSchema)
@blp.alt_response(404, schema=ProblemSchema, description="No registration of this event has "
                  "this code (check_in_code_unknown)")
@blp.alt_response(409, schema=ProblemSchema, description="The registration is not confirmed "
                  "(registration_not_confirmed, with its `status`)")
@blp.alt_response(422, schema=ProblemSchema)
@blp.doc(security=BEARER)
def check_in(_data, event_id):
    """Check a household in at the door by its registration's code (typed, or the address its
    QR code holds; its organisers only). Read again, it answers `first: false` and when it came
    in."""
    require_login()
    return answer("events", "check_in", event_id, request.get_json())


@blp.route("/events/<event_id>/messages", methods=["POST"])
@blp.arguments(EventMessageCreateSchema())
@answers(blp, 201, EventMessageSchema)
@blp.alt_response(401, schema=ProblemSchema)
@blp.alt_response(403, schema=ProblemSchema)
@blp.alt_response(404, schema=ProblemSchema)
@blp.alt_response(409, schema=ProblemSchema, description="A draft: nobody is registered")
@blp.alt_response(422, schema=ProblemSchema)
@blp.doc(security=BEARER)
def message_registrants(_data, event_id):
    """Write to every registration of the event (its organisers only): each is reached by the
    contact it left."""
    require_login()
    return answer("events", "message_registrants", event_id, request.get_json()), 201


@blp.route("/events/<event_id>/messages")
@blp.arguments(PageArgs(), location="query")
@answers(blp, 200, EventMessagePage)
@blp.alt_response(401, schema=ProblemSchema)
@blp.alt_response(403, schema=ProblemSchema)
@blp.alt_response(404, schema=ProblemSchema)
@blp.doc(security=BEARER)
def event_messages(_query, event_id):
    """The messages written to the registrants, newest first (its organisers only)."""
    require_login()
    return answer("events", "event_messages", event_id, request.args.to_dict())


@blp.route("/events/<event_id>/registrations/<registration_id>", methods=["DELETE"])
@blp.arguments(CancelQuerySchema(), location="query")
@answers(blp, 204)
@blp.alt_response(401, schema=ProblemSchema)
@blp.alt_response(403, schema=ProblemSchema)
@blp.alt_response(404, schema=ProblemSchema)
@blp.alt_response(409, schema=ProblemSchema, description="The event has started")
@blp.doc(security=BEARER)
def cancel_registration(query, event_id, registration_id):
    """Cancel a registration with its `token`, or as an organiser; the first on the waiting
    list whose household fits moves up."""
    if "token" not in query:
        require_login()
    call("events", "cancel_registration", event_id, registration_id, request.args.to_dict())
    return "", 204


@blp.route("/events/<event_id>/registrations/<registration_id>/confirm", methods=["POST"])
@blp.arguments(ConfirmSchema())
@answers(blp, 200, RegistrationReceiptSchema)
@blp.alt_response(401, schema=ProblemSchema)
@blp.alt_response(403, schema=ProblemSchema)
@blp.alt_response(404, schema=ProblemSchema)
@blp.alt_response(409, schema=ProblemSchema, description="Not pending: confirmed, cancelled or "
                  "expired")
@blp.alt_response(410, schema=ProblemSchema, description="The link was used, or has expired")
@blp.doc(security=BEARER)
def confirm_registration(_data, event_id, registration_id):
    """Confirm a pending registration with the `token` of the link emailed to its contact
    (once), or as an organiser: it becomes confirmed, or waitlisted when no places were kept
    for it."""
    body = request.get_json(silent=True) or {}
    if "token" not in body:
        require_login()
    return answer("events", "confirm_registration", event_id, registration_id, body)


@blp.route("/events/<event_id>/registrations")
@blp.arguments(RegistrationQuerySchema(), location="query")
@answers(blp, 200, RegistrationPage)
@blp.alt_response(401, schema=ProblemSchema)
@blp.alt_response(403, schema=ProblemSchema)
@blp.alt_response(404, schema=ProblemSchema)
@blp.doc(security=BEARER)
def list_registrations(_query, event_id):
    """The registrations in order of arrival, with names and contacts (its organisers only:
    the coordinator and the city see the event's `registrations` counts)."""
    require_login()
    return answer("events", "list_registrations", event_id, request.args.to_dict())


@blp.route("/events/<event_id>/registrations.csv")
@blp.doc(security=BEARER, responses={200: {
    "description": "The registrations as CSV",
    "content": {"text/csv": {"schema": {"type": "string"}}}}})
@blp.alt_response(401, schema=ProblemSchema)
@blp.alt_response(403, schema=ProblemSchema)
@blp.alt_response(404, schema=ProblemSchema)
def export_registrations(event_id):
    """The registrations for a spreadsheet, as Excel set to Italian opens it (Italian headings,
    `;` between cells, UTF-8 with a byte order mark; its organisers only)."""
    require_login()
    return csv_answer(call("events", "export_registrations_csv", event_id), "iscrizioni")


@blp.route("/events/<event_id>/registrations/<registration_id>/attendance", methods=["POST"])
@blp.arguments(AttendanceSchema())
@answers(blp, 200, RegistrationSchema)
@blp.alt_response(401, schema=ProblemSchema)
@blp.alt_response(403, schema=ProblemSchema)
@blp.alt_response(404, schema=ProblemSchema)
@blp.alt_response(409, schema=ProblemSchema, description="The registration was cancelled")
@blp.doc(security=BEARER)
def mark_attendance(_data, event_id, registration_id):
    """Mark whether the household came (`attended`, true by default)."""
    require_login()
    return answer("events", "mark_attendance", event_id, registration_id,
                request.get_json(silent=True))
