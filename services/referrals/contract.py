"""The referrals service's contract."""
from datetime import datetime, timedelta, timezone

from marshmallow import Schema, ValidationError, fields, validates_schema

from services.common import checks
from services.common.context import COORDINATOR, PARTNER, SOCIAL_WORKER
from services.common.periods import PeriodArgs
from services.common.privacy import SHOWN_COUNT
from services.common.schemas import (ID, MUNICIPIO, SOMETIMES_ABSENT, Day, Moment, PageArgs,
                                     Timestamp)
from services.common.spreadsheets import SheetArgs
from services.common.vocabulary import DIMENSIONS

URGENCIES = ("low", "normal", "high")
STATUSES = ("sent", "accepted", "on_hold", "in_progress", "declined", "completed", "withdrawn",
            "forwarded")
OPEN = ("sent", "accepted", "on_hold", "in_progress")  # still waiting for its outcome
DECLINE_REASONS = ("no_capacity", "not_eligible", "service_not_provided", "other")
FORWARD_REASONS = ("no_capacity", "service_not_provided", "better_fit", "other")
FAMILY_ANSWERS = ("met", "not_contacted")
CARD_CHANNELS = ("print", "sms")
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


def require_receiver(data: dict, original):
    """A receiver named by an id that is not valid is refused once, for that id."""
    if not isinstance(original, dict):
        return
    named = ("to_organization_id", "to_service_id")
    refused = any(field in original and field not in data for field in named)
    if not refused and not any(data.get(field) for field in named):
        raise checks.refuse("receiver_missing", "Say who receives the family: "
                            "to_organization_id or to_service_id.", "to_organization_id")


class ConsentSchema(Schema):
    given_by = fields.String(required=True, validate=checks.Length(min=1, max=200),
                             metadata={"description": "The guardian who gave it"})
    method = fields.String(required=True, validate=checks.OneOf(CONSENT_METHODS))
    obtained_at = Moment(required=True, default_timezone=timezone.utc)
    expires_at = Moment(required=True, default_timezone=timezone.utc)

    @validates_schema(skip_on_field_errors=False)
    @checks.across_fields(
        "`obtained_at` is not in the future; `expires_at` is in the future "
        "and after `obtained_at`.")
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


class ForwardConsentSchema(ConsentSchema):
    organization_id = fields.String(required=True, validate=ID, metadata={
        "description": "The organisation the guardian agreed to share the family's data with: "
                       "the new receiver's"})


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
    @checks.across_fields("`to_organization_id` or `to_service_id` names the receiver.")
    def has_receiver(self, data, original, **kwargs):
        require_receiver(data, original)


class DeclineSchema(Schema):
    reason = fields.String(required=True, validate=checks.OneOf(DECLINE_REASONS))
    note = fields.String(validate=checks.Length(max=1000), metadata={
        "description": "For the sender: joins the referral's notes"})


class HoldSchema(Schema):
    until = Day(required=True, metadata={
        "description": "Until when the family waits on the receiver's list (YYYY-MM-DD)"})
    reason = fields.String(required=True, validate=checks.Length(min=1, max=300), metadata={
        "description": "Why the family waits, for the sender and the social worker: no names"})

    @validates_schema
    @checks.across_fields("`until` is a day from today to 366 days ahead.")
    def ahead(self, data, **kwargs):
        today = datetime.now(timezone.utc).date()
        if not today <= data["until"] <= today + timedelta(days=366):
            raise checks.refuse("hold_until_window", "A date from today to a year ahead.",
                                "until")


class ForwardSchema(Schema):
    to_organization_id = fields.String(validate=ID)
    to_service_id = fields.String(validate=ID)
    reason = fields.String(required=True, validate=checks.OneOf(FORWARD_REASONS))
    note = fields.String(validate=checks.Length(max=1000), metadata={
        "description": "For the sender and the social worker: joins the referral's notes"})
    consent = fields.Nested(ForwardConsentSchema, required=True, metadata={
        "description": "The guardian's consent for the new receiver, naming it"})

    @validates_schema(skip_on_field_errors=False, pass_original=True)
    @checks.across_fields("`to_organization_id` or `to_service_id` names the receiver.")
    def has_receiver(self, data, original, **kwargs):
        require_receiver(data, original)


class RefuseForwardSchema(Schema):
    reason = fields.String(required=True, validate=checks.Length(min=1, max=300))


class FamilyCardCreateSchema(Schema):
    channel = fields.String(load_default="print", validate=checks.OneOf(CARD_CHANNELS),
                            metadata={"description": "print: a card to hand over; sms: sent to "
                                                     "the phone the family gave"})


class FamilyCardSchema(Schema):
    code = fields.String(metadata={"description": "Shown once: only its hash is kept"})
    url = fields.String()
    channel = fields.String()
    expires_at = Timestamp()


class FamilyAnswerSchema(Schema):
    answer = fields.String(required=True, validate=checks.OneOf(FAMILY_ANSWERS))


class FamilyAnswerOutSchema(Schema):
    answer = fields.String()
    answered_at = Timestamp()


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


class OpenReferralsQuerySchema(Schema):
    reference = fields.String(required=True, validate=checks.Length(min=1, max=60))


class UnmetNeedsQuerySchema(PeriodArgs, SheetArgs):
    """Without `from` and `to`: this month and the eleven before it."""
    municipio = fields.Integer(validate=MUNICIPIO, metadata={
        "description": "One municipio; without it, the city sees all 9 and the others their own"})


RADAR_COUNT = {**SHOWN_COUNT, "description": "Referrals; 1 to 4 read \"<5\""}


class UnmetNeedsTotalSchema(Schema):
    municipio = fields.Integer(allow_none=True, metadata={
        "description": "null in the city's totals across the municipi"})
    month = fields.String(metadata={"description": "YYYY-MM, in Europe/Rome"})
    no_capacity = fields.Raw(metadata=RADAR_COUNT)
    service_not_provided = fields.Raw(metadata=RADAR_COUNT)
    overdue = fields.Raw(metadata=RADAR_COUNT)
    on_hold = fields.Raw(metadata=RADAR_COUNT)
    not_contacted = fields.Raw(metadata=RADAR_COUNT)


class UnmetNeedsRowSchema(UnmetNeedsTotalSchema):
    need = fields.String(metadata={"description": "One of the referral's needs (a referral "
                                                  "with two needs counts under each)"})
    zone = fields.String(metadata={"description": "The family's zone; empty when not given"})


class UnmetNeedsSchema(Schema):
    period = fields.Dict(metadata={"description": "from, to: the days counted (Europe/Rome)"})
    municipi = fields.List(fields.Integer())
    items = fields.List(fields.Nested(UnmetNeedsRowSchema), metadata={
        "description": "By municipio, month, need and zone"})
    totals = fields.List(fields.Nested(UnmetNeedsTotalSchema), metadata={
        "description": "Each municipio's months (a referral once, whatever its needs), and the "
                       "city's when more than one municipio is covered"})


class ChildOutSchema(Schema):
    age = fields.Integer()


class FamilyOutSchema(Schema):
    """The family as the caller's view shows it: its personal data only in the full view."""

    class Meta:
        fields_sometimes_absent = True

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
    given_by = fields.String(allow_none=True, metadata={
        SOMETIMES_ABSENT: True, "description": "Left out of lists and once erased"})
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


class ForwardProposalOutSchema(Schema):
    to_organization_id = fields.String()
    to_service_id = fields.String(allow_none=True)
    reason = fields.String()
    proposed_at = Timestamp()


class ChainLinkSchema(Schema):
    id = fields.String()
    code = fields.String()
    status = fields.String()
    from_organization_id = fields.String(allow_none=True)
    to_organization_id = fields.String()
    to_service_id = fields.String(allow_none=True)
    sent_at = Timestamp()
    forwarded_at = Timestamp(allow_none=True)
    forward_reason = fields.String(allow_none=True, metadata={
        "description": "Why the receiver passed the family on"})
    readable = fields.Boolean(metadata={
        "description": "Whether the caller may open this referral (in a chain)"})


class FamilyCardOutSchema(Schema):
    channel = fields.String()
    issued_at = Timestamp()
    expires_at = Timestamp()


class FamilyWordSchema(Schema):
    answer = fields.String()
    answered_at = Timestamp()
    escalated = fields.Boolean(metadata={"description": (
        "A 'nobody called us' left without the receiver's answer, told to the coordinators")})


class ReferralSchema(Schema):
    """What a caller sees of a referral; parts are left out by role (see visibility.py)."""

    class Meta:
        fields_sometimes_absent = True
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
    overdue = fields.Boolean(metadata={"description": (
        "Waiting on the receiver past its deadline: an answer (sent), a first contact "
        "(accepted) or the end of a hold (on_hold)")})
    accepted_at = Timestamp(allow_none=True)
    declined_at = Timestamp(allow_none=True)
    decline_reason = fields.String(allow_none=True)
    completed_at = Timestamp(allow_none=True)
    outcome = fields.String(allow_none=True)
    withdrawn_at = Timestamp(allow_none=True)
    withdraw_reason = fields.String(allow_none=True)
    held_until = fields.Date(allow_none=True)
    hold_reason = fields.String(allow_none=True)
    started_at = Timestamp(allow_none=True)
    forwarded_at = Timestamp(allow_none=True)
    forward_proposal = fields.Nested(ForwardProposalOutSchema, allow_none=True, metadata={
        "description": "A forward the receiver proposed, waiting for the sender's or the "
                       "social worker's word; null when none is"})
    chain = fields.List(fields.Nested(ChainLinkSchema), metadata={"description": (
        "The referrals a forwarded family went through, first to last (this one among them); "
        "empty when it was never forwarded")})
    open_elsewhere = fields.List(fields.Nested(ChainLinkSchema), metadata={"description": (
        "Other open referrals of the same family to other organisations (the sender and the "
        "social worker see them)")})
    family_card = fields.Nested(FamilyCardOutSchema, allow_none=True)
    family_word = fields.Nested(FamilyWordSchema, allow_none=True, metadata={"description": (
        "What the family answered on its card: met, or not_contacted (nobody called us)")})
    view = fields.String(metadata={"description": (
        "full, before_acceptance, metadata, or two_factor_required (log in with the second "
        "factor to see personal data)")})
    actions = fields.List(fields.String(), metadata={"description": (
        "What the caller may do now: accept, decline, hold, start, complete, forward (the "
        "receiver), withdraw (the sender), agree_forward, refuse_forward, family_card (the "
        "sender or the social worker), withdraw_consent (the sender or the social worker, while the consent is "
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
