"""The referrals service's contract."""
from datetime import datetime, timezone

from marshmallow import Schema, ValidationError, fields, validates_schema

from services.common import checks
from services.common.context import COORDINATOR, PARTNER, SOCIAL_WORKER
from services.common.schemas import ID, MUNICIPIO, Moment, PageArgs, Timestamp
from services.common.vocabulary import DIMENSIONS

URGENCIES = ("low", "normal", "high")
STATUSES = ("sent", "accepted", "declined", "completed", "withdrawn")
DECLINE_REASONS = ("no_capacity", "not_eligible", "service_not_provided", "other")
OUTCOMES = ("enrolled", "service_provided", "family_declined", "could_not_contact")
CONSENT_METHODS = ("written", "verbal")
SENDERS = (PARTNER, SOCIAL_WORKER)
READERS = (PARTNER, SOCIAL_WORKER, COORDINATOR)


def _boxes(held: set) -> bool:
    """A partner's list is its inbox or its outbox; a social worker's or a coordinator's is
    the municipio's."""
    return PARTNER in held and not held & {SOCIAL_WORKER, COORDINATOR}


ABILITIES = {"read_referrals": READERS, "send_referral": SENDERS, "choose_box": _boxes}


class ChildSchema(Schema):
    age = fields.Integer(required=True, validate=checks.Range(
        min=0, max=17, code="child_age", error="A child's age is 0 to 17."))


class FamilySchema(Schema):
    reference = fields.String(required=True, validate=checks.Length(min=1, max=60), metadata={
        "description": "The code your organisation knows the family by (no names)"})
    guardian_name = fields.String(validate=checks.Length(max=200))
    contact = fields.String(validate=checks.Length(max=200),
                            metadata={"description": "A phone number or an email"})
    phone = checks.Phone()
    email = fields.Email()
    address = fields.String(validate=checks.Length(max=300))
    notes = fields.String(validate=checks.Length(max=5000))
    municipio = fields.Integer(required=True, validate=MUNICIPIO)
    zone = fields.String(validate=checks.Length(max=120))
    children = fields.List(fields.Nested(ChildSchema), required=True,
                           validate=checks.Length(min=1, max=15, code="children_none",
                                                        error="At least one child."))


class ConsentSchema(Schema):
    given_by = fields.String(required=True, validate=checks.Length(min=1, max=200),
                             metadata={"description": "The guardian who gave it"})
    method = fields.String(required=True, validate=checks.OneOf(CONSENT_METHODS))
    obtained_at = Moment(required=True, default_timezone=timezone.utc)
    expires_at = Moment(required=True, default_timezone=timezone.utc)

    @validates_schema(skip_on_field_errors=False)
    def valid_now(self, data, **kwargs):
        """Each date's reasons, beside those of the other fields (a date that did not load is
        not compared)."""
        now, errors = datetime.now(timezone.utc), {}
        obtained, expires = data.get("obtained_at"), data.get("expires_at")
        if obtained and obtained > now:
            errors["obtained_at"] = [checks.reason(
                "consent_in_future", "Consent cannot be obtained in the future.")]
        if expires and expires <= now:
            errors["expires_at"] = [checks.reason(
                "consent_expired", "This consent has expired: ask the guardian again.")]
        elif expires and obtained and expires <= obtained:
            errors["expires_at"] = [checks.reason(
                "consent_expires_before", "Expires after it was obtained.")]
        if errors:
            raise ValidationError(errors)


class ReferralCreateSchema(Schema):
    to_organization_id = fields.String(validate=ID)
    to_service_id = fields.String(validate=ID)
    needs = fields.List(fields.String(validate=checks.OneOf(DIMENSIONS)), required=True,
                        validate=checks.Length(min=1, code="needs_none",
                                               error="Say at least one need."))
    summary = fields.String(validate=checks.Length(max=2000), metadata={
        "description": "What the receiver needs to know to answer; the receiver reads it "
                       "before accepting, so no names or contacts here"})
    urgency = fields.String(load_default="normal", validate=checks.OneOf(URGENCIES))
    family = fields.Nested(FamilySchema, required=True)
    consent = fields.Nested(ConsentSchema, required=True, metadata={
        "description": "Without a valid consent of a guardian, no referral (422)"})

    @validates_schema(skip_on_field_errors=False, pass_original=True)
    def has_receiver(self, data, original, **kwargs):
        """A receiver named by an id that is not valid is refused once, for that id."""
        if not isinstance(original, dict):
            return
        named = ("to_organization_id", "to_service_id")
        refused = any(field in original and field not in data for field in named)
        if not refused and not any(data.get(field) for field in named):
            raise checks.refuse("receiver_missing", "Say who receives the family: "
                                "to_organization_id or to_service_id.", "to_organization_id")


class DeclineSchema(Schema):
    reason = fields.String(required=True, validate=checks.OneOf(DECLINE_REASONS))
    note = fields.String(validate=checks.Length(max=1000), metadata={
        "description": "For the sender: joins the referral's notes"})


class CompleteSchema(Schema):
    outcome = fields.String(required=True, validate=checks.OneOf(OUTCOMES))


class WithdrawSchema(Schema):
    reason = fields.String(required=True, validate=checks.Length(min=1, max=300))


class NoteCreateSchema(Schema):
    body = fields.String(required=True, validate=checks.Length(min=1, max=5000))


class ReferralQuerySchema(PageArgs):
    box = fields.String(validate=checks.OneOf(("inbox", "outbox")), metadata={
        "description": "inbox: sent to your organisation; outbox: sent by it"})
    status = fields.String(validate=checks.OneOf(STATUSES + ("overdue",)))


class ChildOutSchema(Schema):
    age = fields.Integer()


class FamilyOutSchema(Schema):
    reference = fields.String()
    municipio = fields.Integer()
    zone = fields.String(allow_none=True)
    children = fields.List(fields.Nested(ChildOutSchema))
    guardian_name = fields.String(allow_none=True)
    phone = fields.String(allow_none=True)
    email = fields.String(allow_none=True)
    contact = fields.String(allow_none=True)
    address = fields.String(allow_none=True)
    notes = fields.String(allow_none=True)


class ConsentOutSchema(Schema):
    given_by = fields.String(allow_none=True)
    method = fields.String()
    obtained_at = Timestamp()
    expires_at = Timestamp()
    withdrawn_at = Timestamp(allow_none=True)
    valid = fields.Boolean()


class NoteSchema(Schema):
    id = fields.String()
    author_user_id = fields.String()
    author_role = fields.String()
    body = fields.String()
    created_at = Timestamp()


class ReferralSchema(Schema):
    """What a caller sees of a referral; parts are left out by role (see visibility.py)."""
    id = fields.String()
    code = fields.String()
    status = fields.String()
    urgency = fields.String()
    from_organization_id = fields.String(allow_none=True)
    from_user_id = fields.String()
    to_organization_id = fields.String()
    to_service_id = fields.String(allow_none=True)
    municipio = fields.Integer()
    to_municipi = fields.List(fields.Integer())
    needs = fields.List(fields.String())
    summary = fields.String(allow_none=True)
    family = fields.Nested(FamilyOutSchema)
    consent = fields.Nested(ConsentOutSchema)
    notes = fields.List(fields.Nested(NoteSchema), metadata={"description": (
        "The hand-over's thread, only where the family's personal data is shown (the notes "
        "may name the family); every read of them is audited")})
    notes_withheld = fields.String(allow_none=True, metadata={"description": (
        "Why `notes` is empty although notes may exist: not_in_lists, two_factor_required, "
        "not_accepted (the receiver before accepting), consent_not_valid (withdrawn or "
        "expired); null when the notes are shown")})
    sent_at = Timestamp()
    deadline_at = Timestamp()
    overdue = fields.Boolean()
    accepted_at = Timestamp(allow_none=True)
    declined_at = Timestamp(allow_none=True)
    decline_reason = fields.String(allow_none=True)
    completed_at = Timestamp(allow_none=True)
    outcome = fields.String(allow_none=True)
    withdrawn_at = Timestamp(allow_none=True)
    withdraw_reason = fields.String(allow_none=True)
    view = fields.String(metadata={"description": (
        "full, before_acceptance, metadata, or two_factor_required (log in with the second "
        "factor to see personal data)")})
    actions = fields.List(fields.String(), metadata={"description": (
        "What the caller may do now: accept, decline, complete (the receiver), withdraw (the "
        "sender), withdraw_consent (the sender or the social worker, while the consent is "
        "valid), add_note (sender, receiver, social worker), audit (read the audit trail: "
        "the social worker and the coordinator)")})


class AuditEntrySchema(Schema):
    """One read of the family's data or change of the referral. The person is named as the
    directory knows them now; their fields are null for the system's own entries, and while the
    directory does not answer."""
    user_id = fields.String(allow_none=True)
    display_name = fields.String(allow_none=True, metadata={"description": "the person's name"})
    username = fields.String(allow_none=True)
    organization_id = fields.String(allow_none=True)
    organization_name = fields.String(allow_none=True, metadata={
        "description": "their organisation (null for people of no organisation, such as the "
                       "community social workers)"})
    role = fields.String(metadata={
        "description": "how they stood to the referral: sender, receiver, social_worker, "
                       "coordinator, or system"})
    action = fields.String()
    at = Timestamp()
