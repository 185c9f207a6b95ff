"""The governance service's contract: the meetings of the programme's bodies (the cabina di
regia, the coordinamenti municipali, the gruppi di progetto), their minutes, the decisions they
take with links to what those authorise, and the actions they give out.

The bodies and their members are the directory's, referred to by id; a meeting keeps who was
invited when it was convened. Families' personal data never enters governance: a decision links
a fund request by its id, never a family.

Bus events (payloads carry ids, codes and counts only):
- `meeting_convened`, `meeting_updated`, `meeting_cancelled`: `meeting_id, body_id, body_kind,
  municipio, sequence, chair_user_id, user_ids, organization_ids` (the invited);
- `minutes_circulated`, `minutes_approved`: `meeting_id, body_id, body_kind, municipio, version,
  user_ids, organization_ids`;
- `decision_recorded`: `decision_id, body_id, body_kind, body_name, municipio, meeting_id,
  title, decided_on, links[{kind, id}]`;
- `action_assigned`, `action_due_soon`, `action_overdue`: `action_id, meeting_id, body_id,
  municipio, title, due_on, assignee_user_id, assignee_organization_id`.
"""
from marshmallow import Schema, ValidationError, fields, validates_schema

from services.common import checks
from services.common.context import CITY, COORDINATOR, PARTNER, SOCIAL_WORKER
from services.common.schemas import (ID, SOMETIMES_ABSENT, Day, Moment, PageArgs, PartialSchema,
                                     Timestamp)

CITY_COMMITTEE, COORDINATION, PROJECT_GROUP = ("city_committee", "municipal_coordination",
                                               "project_group")
BODY_KINDS = (CITY_COMMITTEE, COORDINATION, PROJECT_GROUP)
SCHEDULED, CANCELLED = "scheduled", "cancelled"
MEETING_STATUSES = (SCHEDULED, CANCELLED)
ANSWERS = ("yes", "no", "maybe")
DRAFT, CIRCULATED, APPROVED = "draft", "circulated", "approved"
MINUTES_STATUSES = (DRAFT, CIRCULATED, APPROVED)
OPEN, DONE = "open", "done"
ACTION_STATUSES = (OPEN, DONE)
FUND_REQUEST, DRIVE, EVENT, ACTION = "fund_request", "drive", "event", "action"
LINK_KINDS = (FUND_REQUEST, DRIVE, EVENT, ACTION)
PERSON, ORGANIZATION = "person", "organization"
ABILITIES = {"take_part_in_governance": (PARTNER, SOCIAL_WORKER, COORDINATOR, CITY),
             "convene_meetings": (COORDINATOR, CITY)}

MAX_DOCUMENT_BYTES = 5 * 1024 * 1024
# what a meeting may have attached, told by its first bytes (documents.py checks them)
DOCUMENT_TYPES = {"application/pdf": ".pdf", "image/png": ".png", "image/jpeg": ".jpg",
                  "text/plain": ".txt", "text/csv": ".csv",
                  "application/vnd.oasis.opendocument.text": ".odt",
                  "application/vnd.oasis.opendocument.spreadsheet": ".ods",
                  "application/vnd.openxmlformats-officedocument.wordprocessingml.document":
                      ".docx",
                  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx"}
DOCUMENT_TOO_LARGE = checks.reason("document_too_large", "At most {megabytes} MB.",
                                   megabytes=MAX_DOCUMENT_BYTES // (1024 * 1024))
DUE_SOON_DAYS = 2  # an open action's assignee is reminded this many days before it is due

ENDS_AFTER_START = checks.reason("ends_after_start", "Ends after it starts.")
PLACE_OR_LINK = checks.reason("place_or_online_url", "A place, an online link, or both.")
TITLE = checks.Length(min=1, max=200)
NOTE = checks.Length(max=2000)
ONLINE_URL = checks.Regexp(r"^https://[^\s]{4,490}$", code="online_url_form",
                           error="An https:// link to the online meeting.")


# --- meetings ----------------------------------------------------------------------------------

class AgendaItemSchema(Schema):
    title = fields.String(required=True, validate=checks.Length(min=1, max=300))


class MeetingCreateSchema(Schema):
    body_id = fields.String(required=True, validate=ID, metadata={
        "description": "A governance body of the directory (GET /api/v1/governance)"})
    title = fields.String(required=True, validate=TITLE)
    starts_at = Moment(required=True)
    ends_at = Moment(required=True)
    place = fields.String(allow_none=True, validate=checks.Length(max=300))
    online_url = fields.String(allow_none=True, validate=ONLINE_URL)
    agenda = fields.List(fields.Nested(AgendaItemSchema), load_default=list,
                         validate=checks.Length(max=50))

    @validates_schema(skip_on_field_errors=False)
    @checks.across_fields(
        "`ends_at` comes after `starts_at`; a new meeting has a `place`, an "
        "`online_url`, or both.")
    def in_order(self, data, **kwargs):
        errors = out_of_order(data, whole=not self.partial)
        if errors:
            raise ValidationError(errors)


def out_of_order(meeting: dict, whole: bool = True) -> dict:
    """What is wrong across a meeting's fields, by field; `whole`: the meeting as it will be
    (not only what changes)."""
    errors = {}
    if meeting.get("starts_at") and meeting.get("ends_at") and \
            meeting["ends_at"] <= meeting["starts_at"]:
        errors["ends_at"] = [ENDS_AFTER_START]
    if whole and not meeting.get("place") and not meeting.get("online_url"):
        errors["place"] = [PLACE_OR_LINK]
    return errors


class MeetingUpdateSchema(PartialSchema, MeetingCreateSchema):
    """Only what changes; the body stays. Each change raises the invitation's SEQUENCE."""
    class Meta:
        exclude = ("body_id",)


class MeetingCancelSchema(Schema):
    reason = fields.String(allow_none=True, validate=checks.Length(max=500))


class MeetingQuerySchema(PageArgs):
    body_id = fields.String(validate=ID)
    upcoming = fields.Boolean(metadata={"description": "Only meetings that have not ended"})


class RsvpSchema(Schema):
    answer = fields.String(required=True, validate=checks.OneOf(ANSWERS))


class AttendanceSchema(Schema):
    present = fields.List(fields.String(validate=ID), required=True,
                          validate=checks.Length(max=500), metadata={
                              "description": "The invited who attended: each a person's or "
                                             "an organisation's id"})


class BodySchema(Schema):
    id = fields.String()
    kind = fields.String(metadata={"enum": list(BODY_KINDS)})
    name = fields.String()
    municipio = fields.Integer(allow_none=True)


class InviteeSchema(Schema):
    id = fields.String(metadata={"description": "The person's or the organisation's id"})
    kind = fields.String(metadata={"enum": [PERSON, ORGANIZATION]})
    name = fields.String(allow_none=True)
    role = fields.String(allow_none=True)
    answer = fields.String(allow_none=True, metadata={"enum": list(ANSWERS)})
    attended = fields.Boolean(allow_none=True)


class DocumentSchema(Schema):
    id = fields.String()
    filename = fields.String()
    content_type = fields.String()
    size = fields.Integer()
    uploaded_at = Timestamp()


class MinutesSummarySchema(Schema):
    version = fields.Integer()
    status = fields.String(metadata={"enum": list(MINUTES_STATUSES)})


class MeetingSchema(Schema):
    id = fields.String()
    body = fields.Nested(BodySchema)
    title = fields.String()
    starts_at = Timestamp()
    ends_at = Timestamp()
    place = fields.String(allow_none=True)
    online_url = fields.String(allow_none=True)
    agenda = fields.List(fields.Nested(AgendaItemSchema))
    status = fields.String(metadata={"enum": list(MEETING_STATUSES)})
    sequence = fields.Integer(metadata={"description": "The invitation's iCalendar SEQUENCE"})
    chair_user_id = fields.String()
    cancel_reason = fields.String(allow_none=True)
    invitees = fields.List(fields.Nested(InviteeSchema))
    my_answer = fields.String(allow_none=True, metadata={"enum": list(ANSWERS)})
    minutes = fields.Nested(MinutesSummarySchema, allow_none=True, metadata={
        "description": "On one meeting (not in lists); null before any", SOMETIMES_ABSENT: True})
    documents = fields.List(fields.Nested(DocumentSchema), metadata={
        "description": "On one meeting (not in lists)", SOMETIMES_ABSENT: True})
    actions = fields.List(fields.String())


# --- minutes -----------------------------------------------------------------------------------

class MinutesWriteSchema(Schema):
    text = fields.String(required=True, validate=checks.Length(min=1, max=100_000))
    circulate = fields.Boolean(load_default=False, metadata={
        "description": "Send the draft to the members for their comments"})
    reason = fields.String(allow_none=True, validate=checks.Length(max=500), metadata={
        "description": "Why approved minutes are corrected: needed for a new version"})


class MinutesCommentCreateSchema(Schema):
    text = fields.String(required=True, validate=checks.Length(min=1, max=5000))


class MinutesCommentSchema(Schema):
    id = fields.String()
    user_id = fields.String()
    author = fields.String(allow_none=True)
    text = fields.String()
    created_at = Timestamp()


class MinutesVersionSchema(Schema):
    version = fields.Integer()
    status = fields.String(metadata={"enum": list(MINUTES_STATUSES)})
    reason = fields.String(allow_none=True)
    approved_at = Timestamp(allow_none=True)


class MinutesSchema(Schema):
    meeting_id = fields.String()
    version = fields.Integer()
    status = fields.String(metadata={"enum": list(MINUTES_STATUSES)})
    text = fields.String()
    reason = fields.String(allow_none=True)
    updated_at = Timestamp()
    circulated_at = Timestamp(allow_none=True)
    approved_at = Timestamp(allow_none=True)
    approved_by_user_id = fields.String(allow_none=True)
    comments = fields.List(fields.Nested(MinutesCommentSchema))
    versions = fields.List(fields.Nested(MinutesVersionSchema))
    actions = fields.List(fields.String())


# --- decisions ---------------------------------------------------------------------------------

class LinkSchema(Schema):
    kind = fields.String(required=True, validate=checks.OneOf(LINK_KINDS))
    id = fields.String(required=True, validate=ID)


class DecisionCreateSchema(Schema):
    meeting_id = fields.String(required=True, validate=ID)
    title = fields.String(required=True, validate=TITLE, metadata={
        "description": "What the tiers above and below see of it"})
    text = fields.String(required=True, validate=checks.Length(min=1, max=20_000))
    decided_on = Day(metadata={"description": "Default: the meeting's day"})
    links = fields.List(fields.Nested(LinkSchema), load_default=list,
                        validate=checks.Length(max=20))


class DecisionQuerySchema(PageArgs):
    body_id = fields.String(validate=ID)
    meeting_id = fields.String(validate=ID)
    link_kind = fields.String(validate=checks.OneOf(LINK_KINDS))
    link_id = fields.String(validate=ID)


class DecisionSchema(Schema):
    id = fields.String()
    title = fields.String()
    text = fields.String(allow_none=True, metadata={
        "description": "Null where the caller's tier sees the title and links only"})
    body = fields.Nested(BodySchema)
    meeting_id = fields.String(allow_none=True)
    decided_on = fields.Date()
    links = fields.List(fields.Nested(LinkSchema))
    created_at = Timestamp()
    actions = fields.List(fields.String())


# --- actions -----------------------------------------------------------------------------------

class ActionCreateSchema(Schema):
    meeting_id = fields.String(required=True, validate=ID)
    decision_id = fields.String(allow_none=True, validate=ID)
    title = fields.String(required=True, validate=checks.Length(min=1, max=300))
    description = fields.String(allow_none=True, validate=NOTE)
    assignee_organization_id = fields.String(allow_none=True, validate=ID)
    assignee_user_id = fields.String(allow_none=True, validate=ID)
    due_on = Day(required=True)

    @validates_schema(skip_on_field_errors=False)
    @checks.across_fields("Exactly one of `assignee_organization_id` and `assignee_user_id`.")
    def one_assignee(self, data, **kwargs):
        given = [name for name in ("assignee_organization_id", "assignee_user_id") if data.get(name)]
        if len(given) != 1:
            raise checks.refuse("one_assignee", "An organisation or a person: one of the two.",
                                "assignee_organization_id")


class ActionUpdateSchema(Schema):
    status = fields.String(validate=checks.OneOf(ACTION_STATUSES))
    note = fields.String(allow_none=True, validate=NOTE, metadata={
        "description": "How it was done: needed to close it"})
    due_on = Day(metadata={"description": "The chair only"})
    title = fields.String(validate=checks.Length(min=1, max=300),
                          metadata={"description": "The chair only"})


class ActionQuerySchema(PageArgs):
    mine = fields.Boolean(metadata={"description": "Only those assigned to me or my organisation"})
    status = fields.String(validate=checks.OneOf(ACTION_STATUSES))
    meeting_id = fields.String(validate=ID)
    body_id = fields.String(validate=ID)


class AssigneeSchema(Schema):
    kind = fields.String(metadata={"enum": [PERSON, ORGANIZATION]})
    id = fields.String()
    name = fields.String(allow_none=True)


class ActionSchema(Schema):
    id = fields.String()
    title = fields.String()
    description = fields.String(allow_none=True)
    meeting_id = fields.String()
    decision_id = fields.String(allow_none=True)
    body = fields.Nested(BodySchema)
    assignee = fields.Nested(AssigneeSchema)
    due_on = fields.Date()
    status = fields.String(metadata={"enum": list(ACTION_STATUSES)})
    overdue = fields.Boolean()
    closed_at = Timestamp(allow_none=True)
    close_note = fields.String(allow_none=True)
    created_at = Timestamp()
    actions = fields.List(fields.String())


# --- documents ---------------------------------------------------------------------------------

class DocumentCreateSchema(Schema):
    filename = fields.String(required=True, validate=checks.Length(min=1, max=200))
    data = fields.String(required=True, validate=checks.Length(
        min=1, max=(MAX_DOCUMENT_BYTES * 4) // 3 + 4), metadata={
        "description": "The file's bytes in base64, at most 5 MB"})


class DocumentFileSchema(DocumentSchema):
    data = fields.String(metadata={"description": "The file's bytes in base64"})
