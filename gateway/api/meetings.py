"""The meetings of the governance bodies (GET /api/v1/governance lists the bodies): the chair
convenes the body's members, they answer, the chair takes attendance and writes the minutes,
which the members comment while circulated until the chair approves them; documents attached.
The governance service holds every rule: it answers 404 for a meeting the caller may not see and
403 for what it sees but may not do."""
import base64
from io import BytesIO

from flask import g, request, send_file
from flask_smorest.fields import Upload
from marshmallow import Schema, fields

from gateway.api import Blueprint
from gateway.api.common import (BEARER, answer, answers, call, page_schema, problems,
                                require_ability, require_login)
from gateway.problems import field_codes, problem
from services.common import checks
from services.common.errors import Invalid
from services.governance.contract import (DOCUMENT_TOO_LARGE, DOCUMENT_TYPES, MAX_DOCUMENT_BYTES,
                                          AttendanceSchema,
                                          DocumentSchema, MeetingCancelSchema,
                                          MeetingCreateSchema, MeetingQuerySchema, MeetingSchema,
                                          MeetingUpdateSchema, MinutesCommentCreateSchema,
                                          MinutesSchema, MinutesWriteSchema, RsvpSchema)

blp = Blueprint("meetings", __name__, url_prefix="/api/v1",
                description="Meetings of the governance bodies, their minutes and documents")
MeetingPage = page_schema(MeetingSchema, "MeetingPage")
FILE = "file"  # the form field that carries a document
DOCUMENT_ANSWER = {200: {"description": "The document, as it was attached", "content": {
    content_type: {"schema": {"type": "string", "format": "binary"}}
    for content_type in DOCUMENT_TYPES}}}


class MeetingAttendanceSchema(AttendanceSchema):
    """The events' registrations have an AttendanceSchema: the API document names this one
    apart."""


class MinutesQuerySchema(Schema):
    version = fields.Integer(validate=checks.Range(min=1, max=10_000), metadata={
        "description": "An earlier version, as it was (default: the latest)"})


class DocumentUploadSchema(Schema):
    file = Upload(required=True, metadata={
        "description": "At most 5 MB: PDF, OpenDocument or Office text and spreadsheets, PNG, "
                       "JPEG, plain text or CSV, told by its content"})


# --- meetings ----------------------------------------------------------------------------------

@blp.route("/meetings")
@blp.arguments(MeetingQuerySchema(), location="query")
@answers(blp, 200, MeetingPage)
@problems(blp, 401, 422)
@blp.doc(security=BEARER)
def list_meetings(_query):
    """The meetings of the bodies the caller is invited to, newest first (`upcoming`: those
    that have not ended, the first coming first)."""
    require_login()
    return answer("governance", "list_meetings", request.args.to_dict())


@blp.route("/meetings", methods=["POST"])
@blp.arguments(MeetingCreateSchema())
@answers(blp, 201, MeetingSchema)
@problems(blp, 401, 403, 422)
@blp.doc(security=BEARER)
def create_meeting(_data):
    """Convene a body (its chair): its members as the directory has them now are invited, by
    notification and calendar invitation."""
    require_ability("convene_meetings")
    return answer("governance", "create_meeting", request.get_json()), 201


@blp.route("/meetings/<meeting_id>")
@answers(blp, 200, MeetingSchema)
@problems(blp, 401, 404)
@blp.doc(security=BEARER)
def get_meeting(meeting_id):
    """One meeting: its agenda, the invited with their answers and attendance, the minutes'
    state, its documents, and what the caller may do (`actions`)."""
    require_login()
    return answer("governance", "get_meeting", meeting_id)


@blp.route("/meetings/<meeting_id>", methods=["PATCH"])
@blp.arguments(MeetingUpdateSchema())
@answers(blp, 200, MeetingSchema)
@problems(blp, 401, 403, 404, 409, 422)
@blp.doc(security=BEARER)
def update_meeting(_data, meeting_id):
    """Change a meeting's title, time, place or agenda (its chair): the invited are told, the
    invitation's SEQUENCE goes up. 409 once it is cancelled."""
    require_login()
    return answer("governance", "update_meeting", meeting_id, request.get_json())


@blp.route("/meetings/<meeting_id>/cancel", methods=["POST"])
@blp.arguments(MeetingCancelSchema())
@answers(blp, 200, MeetingSchema)
@problems(blp, 401, 403, 404, 409, 422)
@blp.doc(security=BEARER)
def cancel_meeting(_data, meeting_id):
    """Call a meeting off, with a reason (its chair): the invited are told."""
    require_login()
    return answer("governance", "cancel_meeting", meeting_id, request.get_json())


@blp.route("/meetings/<meeting_id>/rsvp", methods=["POST"])
@blp.arguments(RsvpSchema())
@answers(blp, 200, MeetingSchema)
@problems(blp, 401, 403, 404, 409, 422)
@blp.doc(security=BEARER)
def answer_invitation(_data, meeting_id):
    """The caller's answer to the invitation (yes, no, maybe), for itself or its
    organisation; it may change it until the meeting."""
    require_login()
    return answer("governance", "answer_invitation", meeting_id, request.get_json())


@blp.route("/meetings/<meeting_id>/attendance", methods=["POST"])
@blp.arguments(MeetingAttendanceSchema())
@answers(blp, 200, MeetingSchema)
@problems(blp, 401, 403, 404, 409, 422)
@blp.doc(security=BEARER)
def record_attendance(_data, meeting_id):
    """Who of the invited attended (its chair): the others are recorded absent."""
    require_login()
    return answer("governance", "record_attendance", meeting_id, request.get_json())


# --- minutes -----------------------------------------------------------------------------------

@blp.route("/meetings/<meeting_id>/minutes")
@blp.arguments(MinutesQuerySchema(), location="query")
@answers(blp, 200, MinutesSchema)
@problems(blp, 401, 404, 422)
@blp.doc(security=BEARER)
def get_minutes(query, meeting_id):
    """The minutes' latest version (or `version`), with its comments and every version's state
    (404 `minutes_not_written` before the chair writes them)."""
    require_login()
    return answer("governance", "get_minutes", meeting_id, query.get("version"))


@blp.route("/meetings/<meeting_id>/minutes", methods=["PUT"])
@blp.arguments(MinutesWriteSchema())
@answers(blp, 200, MinutesSchema)
@problems(blp, 401, 403, 404, 409, 422)
@blp.doc(security=BEARER)
def write_minutes(_data, meeting_id):
    """Write the minutes (its chair), as a draft or circulated to the members for comments.
    Approved minutes are frozen: correcting them needs a `reason` (409 without) and makes a
    new version, the approved one staying as it was."""
    require_login()
    return answer("governance", "write_minutes", meeting_id, request.get_json())


@blp.route("/meetings/<meeting_id>/minutes/comments", methods=["POST"])
@blp.arguments(MinutesCommentCreateSchema())
@answers(blp, 201, MinutesSchema)
@problems(blp, 401, 404, 409, 422)
@blp.doc(security=BEARER)
def comment_minutes(_data, meeting_id):
    """A member's comment on circulated minutes (409 while they are a draft or once
    approved)."""
    require_login()
    return answer("governance", "comment_minutes", meeting_id, request.get_json()), 201


@blp.route("/meetings/<meeting_id>/minutes/approve", methods=["POST"])
@answers(blp, 200, MinutesSchema)
@problems(blp, 401, 403, 404, 409)
@blp.doc(security=BEARER)
def approve_minutes(meeting_id):
    """Approve the minutes (its chair): from then on they are frozen."""
    require_login()
    return answer("governance", "approve_minutes", meeting_id)


# --- documents ---------------------------------------------------------------------------------

@blp.before_request
def refuse_a_document_too_large():
    """A document over the limit is refused naming its field, before its body is read (the
    route's body limit is in gateway/bodies.py)."""
    if request.endpoint == "meetings.attach_document" and (
            request.content_length or 0) > request.max_content_length:
        return document_too_large()
    return None


def document_too_large():
    return problem(413, "The file is larger than a meeting's document may be.",
                   {FILE: [str(DOCUMENT_TOO_LARGE)]}, request_id=g.get("request_id"),
                   extra={"code": DOCUMENT_TOO_LARGE.code, "params": DOCUMENT_TOO_LARGE.params,
                          "codes": field_codes({FILE: [checks.coded(DOCUMENT_TOO_LARGE)]})})


@blp.route("/meetings/<meeting_id>/documents", methods=["POST"])
@blp.arguments(DocumentUploadSchema(), location="files")
@answers(blp, 201, DocumentSchema)
@problems(blp, 401, 404, 413, 422)
@blp.doc(security=BEARER)
def attach_document(files, meeting_id):
    """Attach a document to a meeting (its members), as `multipart/form-data` with the file in
    `file`: at most 5 MB (413 naming `file` beyond), of a kind told by its content (422 naming
    `file` otherwise)."""
    require_login()
    upload = files[FILE]
    data = upload.stream.read(MAX_DOCUMENT_BYTES + 1)
    if len(data) > MAX_DOCUMENT_BYTES:
        return document_too_large()
    document = {"filename": upload.filename, "data": base64.b64encode(data).decode()}
    try:
        return answer("governance", "attach_document", meeting_id, document), 201
    except Invalid as refusal:
        raise said_of_the_file(refusal) from None


def said_of_the_file(refusal: Invalid) -> Invalid:
    """The service's refusal of the name or the bytes it was given, said of the field the
    client sent them in."""
    return Invalid({FILE: [reason for reasons in refusal.errors.values() for reason in reasons]},
                   refusal.detail,
                   {FILE: [code for codes in refusal.codes.values() for code in codes]})


@blp.route("/meetings/<meeting_id>/documents/<document_id>")
@blp.doc(responses=DOCUMENT_ANSWER)
@problems(blp, 401, 404)
@blp.doc(security=BEARER)
def get_document(meeting_id, document_id):
    """A meeting's document, as a download in the content type it was found to have."""
    require_login()
    return document_answer(call("governance", "get_document", meeting_id, document_id))


def document_answer(document: dict):
    """A document the service gave (its bytes in base64) as a download, never kept by a cache
    nor read as anything but its own type."""
    response = send_file(BytesIO(base64.b64decode(document["data"])),
                         mimetype=document["content_type"], as_attachment=True,
                         download_name=document["filename"])
    response.headers["Cache-Control"] = "no-store"  # send_file's no-cache would let it be kept
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
