"""The events service's contract: what comes in (validated) and what goes out."""
import phonenumbers
from marshmallow import Schema, ValidationError, fields, validates_schema

from services.common import checks
from services.common.context import CITY, COORDINATOR, PARTNER
from services.common.schemas import (AGE, HOUR, ID, MUNICIPIO, SOMETIMES_ABSENT, Moment, PageArgs,
                                     PartialSchema, Timestamp, WeeklySlotSchema)
from services.common.vocabulary import CATEGORIES, DIMENSIONS

DRAFT, PUBLISHED, CANCELLED = "draft", "published", "cancelled"
PUBLIC, NETWORK = "public", "network"
CONFIRMED, WAITLISTED = "confirmed", "waitlisted"  # and CANCELLED
PENDING = "pending"  # a registration until its contact confirms it
BY_EMAIL, BY_ORGANISER = "email", "organiser"  # who confirms a pending registration
OPEN, CLOSED = "open", "closed"
ACCEPTED, INVITED = "accepted", "invited"  # an organisation named among an event's organisers
PLEDGED = "pledged"  # and CANCELLED

ENDS_AFTER_START = checks.reason("ends_before_start", "The end comes after the start.")
AGES_REVERSED = checks.reason("ages_reversed", "The maximum age is at least the minimum age.")
PARTY = checks.Range(min=0, max=20)
CAPACITY = checks.Range(min=1, max=10000)
ORGANIZERS = (PARTNER, COORDINATOR, CITY)
ABILITIES = {"organize": ORGANIZERS}  # publish events and drives


class Contact(fields.String):
    """An email (kept in lower case) or a phone number (Italian unless it says otherwise, kept
    as E.164, "+393331234567": one number, one way, so a contact registers once)."""

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs).strip()
        if "@" in text:
            return checks.Email(code="not_an_email", error="Not an email address.")(text.lower())
        number = checks.phone_number(text)
        if number is None:
            raise checks.refuse("contact_missing", "Give an email address or a phone number.")
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


# --- events ------------------------------------------------------------------------------------

class ProgrammeItemSchema(Schema):
    time = fields.String(required=True, validate=HOUR)
    activity = fields.String(required=True, validate=checks.Length(min=1, max=300))


class EventLocationSchema(Schema):
    """A directory location (`id`), or a free address with its zone and municipio."""
    id = fields.String(allow_none=True, validate=ID,
                       metadata={"description": "A location of the directory"})
    name = fields.String(allow_none=True, validate=checks.Length(max=200))
    address = fields.String(allow_none=True, validate=checks.Length(max=300))
    zone = fields.String(allow_none=True, validate=checks.Length(max=120))
    municipio = fields.Integer(allow_none=True, validate=MUNICIPIO)


class EventCreateSchema(Schema):
    title = fields.String(required=True, validate=checks.Length(min=1, max=200))
    starts_at = Moment(required=True)
    ends_at = Moment(required=True)
    description = fields.String(allow_none=True, validate=checks.Length(max=5000))
    programme = fields.List(fields.Nested(ProgrammeItemSchema), validate=checks.Length(max=50))
    location = fields.Nested(EventLocationSchema, allow_none=True)
    municipio = fields.Integer(validate=MUNICIPIO, metadata={
        "description": "Default: the location's, or the caller's when it has just one"})
    organizer_ids = fields.List(fields.String(validate=ID), validate=checks.Length(max=30),
                                metadata={"description": "A partner's organisation is always one"})
    visibility = fields.String(load_default=PUBLIC, validate=checks.OneOf((PUBLIC, NETWORK)))
    capacity = fields.Integer(allow_none=True, validate=CAPACITY, metadata={
        "description": "Places, counting adults and children; none: no limit"})
    registration_required = fields.Boolean(load_default=False)
    min_age = fields.Integer(allow_none=True, validate=AGE)
    max_age = fields.Integer(allow_none=True, validate=AGE)
    category = fields.String(allow_none=True, validate=checks.OneOf(CATEGORIES))
    dimension = fields.String(allow_none=True, validate=checks.OneOf(DIMENSIONS))
    price_note = fields.String(allow_none=True, validate=checks.Length(max=300))
    fundraising_purpose = fields.String(allow_none=True, validate=checks.Length(max=300))
    accessibility = fields.String(allow_none=True, validate=checks.Length(max=2000))

    @validates_schema(skip_on_field_errors=False)
    @checks.across_fields("`ends_at` comes after `starts_at`; `max_age` is at least `min_age`.")
    def in_order(self, data, **kwargs):
        errors = {}
        if data.get("starts_at") and data.get("ends_at") and data["ends_at"] <= data["starts_at"]:
            errors["ends_at"] = [ENDS_AFTER_START]
        low, high = data.get("min_age"), data.get("max_age")
        if low is not None and high is not None and low > high:
            errors["max_age"] = [AGES_REVERSED]
        if errors:
            raise ValidationError(errors)


class EventUpdateSchema(PartialSchema, EventCreateSchema):
    """Only the fields that change."""


class EventQuerySchema(PageArgs):
    municipio = fields.Integer(validate=MUNICIPIO)
    from_ = Moment(data_key="from", metadata={"description": "Events not yet over at that moment"})
    to = Moment(metadata={"description": "Events starting before that moment"})
    age = fields.Integer(validate=AGE,
                         metadata={"description": "The audience's age range holds it"})
    organization_id = fields.String(validate=ID, metadata={"description": "One of the organisers"})
    status = fields.String(validate=checks.OneOf((DRAFT, PUBLISHED, CANCELLED)))


class RegistrationCountsSchema(Schema):
    confirmed_people = fields.Integer()
    pending_people = fields.Integer(metadata={"description": "Waiting for their contact's answer"})
    waitlisted_people = fields.Integer()
    households = fields.Integer(metadata={"description": "Registrations not cancelled"})


class EventSchema(Schema):
    id = fields.String()
    title = fields.String()
    description = fields.String(allow_none=True)
    programme = fields.List(fields.Nested(ProgrammeItemSchema))
    starts_at = Timestamp()
    ends_at = Timestamp()
    location = fields.Nested(EventLocationSchema)
    municipio = fields.Integer()
    organizer_ids = fields.List(fields.String(), metadata={
        "description": "The organisations that organise it (their invitation accepted)"})
    invited_organizer_ids = fields.List(fields.String(), metadata={"description": (
        "Organisations named as organisers that have not accepted yet: shown to who manages "
        "it and to the organisations invited, empty for others")})
    visibility = fields.String(metadata={"description": "public or network (its members only)"})
    capacity = fields.Integer(allow_none=True)
    places_left = fields.Integer(allow_none=True, metadata={"description": "none: no limit"})
    registration_required = fields.Boolean()
    min_age = fields.Integer(allow_none=True)
    max_age = fields.Integer(allow_none=True)
    category = fields.String(allow_none=True)
    dimension = fields.String(allow_none=True)
    price_note = fields.String(allow_none=True)
    fundraising_purpose = fields.String(allow_none=True)
    accessibility = fields.String(allow_none=True)
    status = fields.String(metadata={"description": "draft, published or cancelled"})
    created_at = Timestamp()
    updated_at = Timestamp()
    published_at = Timestamp(allow_none=True)
    cancelled_at = Timestamp(allow_none=True)
    registrations = fields.Nested(RegistrationCountsSchema, allow_none=True, metadata={
        "description": "Counts for who manages it; none for others"})
    actions = fields.List(fields.String(), metadata={"description": (
        "What the caller may do now: edit, publish (a draft), cancel (its organisers, the "
        "municipio's coordinator and the city, until it is over or cancelled), register "
        "(anyone, when it asks for registration and has not started), list_registrations and "
        "mark_attendance (its organisers only: the registrants' names and contacts), "
        "accept_invitation and decline_invitation (the organisation invited to organise it)")})


# --- registrations -----------------------------------------------------------------------------

class RegistrationCreateSchema(Schema):
    name = fields.String(required=True, validate=checks.Length(min=1, max=200))
    contact = Contact(required=True, validate=checks.Length(max=200),
                      metadata={"description": "An email or a phone number"})
    adults = fields.Integer(load_default=1, validate=PARTY)
    children = fields.Integer(load_default=0, validate=PARTY)

    @validates_schema(skip_on_field_errors=False)
    @checks.across_fields("`adults` and `children` together are at least 1.")
    def somebody_comes(self, data, **kwargs):
        if data.get("adults", 1) + data.get("children", 0) < 1:
            raise checks.refuse("party_empty", "At least one person comes.", "adults")


class RegistrationReceiptSchema(Schema):
    """What the registrant gets back: keep `cancel_token` to cancel without an account."""
    id = fields.String()
    event_id = fields.String()
    status = fields.String(metadata={"description": (
        f"{PENDING} until confirmed, then {CONFIRMED} or {WAITLISTED}")})
    holds_place = fields.Boolean(metadata={"description": (
        f"While {PENDING}: its places are kept for it, so it becomes {CONFIRMED} (else "
        f"{WAITLISTED})")})
    confirmation = fields.String(allow_none=True, metadata={"description": (
        f"Who confirms it while {PENDING}: {BY_EMAIL} (the link emailed to the contact) or "
        f"{BY_ORGANISER} (a phone contact)")})
    expires_at = Timestamp(allow_none=True, metadata={
        "description": f"While {PENDING}: unconfirmed by then, it is cancelled"})
    adults = fields.Integer()
    children = fields.Integer()
    cancel_token = fields.String(metadata={
        "description": "Only in the answer to the registration: shown once",
        SOMETIMES_ABSENT: True})
    created_at = Timestamp()
    check_in_code = fields.Method("code_when_confirmed", allow_none=True, metadata={
        "description": f"While {CONFIRMED}: the code to show at the door (as a QR code), as "
                       "people read it: \"7K2M-Q9TD\"", "type": "string"})

    def code_when_confirmed(self, registration):
        code = registration.check_in_code
        return f"{code[:4]}-{code[4:]}" if registration.status == CONFIRMED else None


class RegistrationSchema(Schema):
    """A registration as its event's organisers see it."""
    id = fields.String()
    event_id = fields.String()
    name = fields.String()
    contact = fields.String()
    adults = fields.Integer()
    children = fields.Integer()
    status = fields.String(metadata={"description": (
        f"{PENDING}, {CONFIRMED}, {WAITLISTED} or {CANCELLED}")})
    holds_place = fields.Boolean(metadata={"description": f"While {PENDING}: its places are kept"})
    expires_at = Timestamp(allow_none=True, metadata={
        "description": f"While {PENDING}: unconfirmed by then, it is cancelled"})
    confirmed_at = Timestamp(allow_none=True)
    position = fields.Integer(metadata={"description": "Order of arrival"})
    attended = fields.Boolean(allow_none=True)
    checked_in_at = Timestamp(allow_none=True, metadata={"description": "Read at the door"})
    created_at = Timestamp()
    promoted_at = Timestamp(allow_none=True)
    cancelled_at = Timestamp(allow_none=True)


class RegistrationQuerySchema(PageArgs):
    status = fields.String(validate=checks.OneOf((PENDING, CONFIRMED, WAITLISTED, CANCELLED)))


class ConfirmSchema(Schema):
    token = fields.String(validate=checks.Length(min=1, max=100), metadata={
        "description": "The token of the link emailed to the contact; none: as an organiser"})


class CancelQuerySchema(Schema):
    token = fields.String(validate=checks.Length(min=1, max=100),
                          metadata={"description": "The registrant's cancel token"})


class AttendanceSchema(Schema):
    attended = fields.Boolean(load_default=True)


class CheckInSchema(Schema):
    code = fields.String(required=True, validate=checks.Length(min=1, max=500), metadata={
        "description": "The registration's code as typed, or the address its QR code holds"})


class CheckInAnswerSchema(Schema):
    registration = fields.Nested(RegistrationSchema)
    first = fields.Boolean(metadata={"description": "false: it had come in already, at "
                                                    "`registration.checked_in_at`"})


class EventMessageCreateSchema(Schema):
    text = fields.String(required=True, validate=checks.Length(min=1, max=1000))


class EventMessageSchema(Schema):
    id = fields.String()
    text = fields.String()
    sent_at = Timestamp()
    households = fields.Integer(metadata={"description": "The registrations it went to"})


class RegistrantSchema(Schema):
    """Internal: whom to tell when an event changes."""
    registration_id = fields.String(attribute="id")
    name = fields.String()
    contact = fields.String()
    status = fields.String()


# --- donation drives ---------------------------------------------------------------------------

class DropOffPointSchema(Schema):
    name = fields.String(required=True, validate=checks.Length(min=1, max=200))
    address = fields.String(required=True, validate=checks.Length(min=1, max=300))
    schedules = fields.List(fields.Nested(WeeklySlotSchema), load_default=list,
                            validate=checks.Length(max=30))


class DriveItemCreateSchema(Schema):
    name = fields.String(required=True, validate=checks.Length(min=1, max=120))
    unit = fields.String(load_default="pezzi", validate=checks.Length(min=1, max=40))
    quantity_needed = fields.Integer(required=True, validate=checks.Range(min=1, max=100000))


class DriveCreateSchema(Schema):
    title = fields.String(required=True, validate=checks.Length(min=1, max=200))
    description = fields.String(allow_none=True, validate=checks.Length(max=5000))
    municipio = fields.Integer(validate=MUNICIPIO, metadata={
        "description": "Default: the caller's when it has just one"})
    organizer_ids = fields.List(fields.String(validate=ID), validate=checks.Length(max=30))
    items = fields.List(fields.Nested(DriveItemCreateSchema), required=True,
                        validate=checks.Length(min=1, max=100, code="items_count",
                                               error="Give from {min} to {max} items."))
    drop_off_points = fields.List(fields.Nested(DropOffPointSchema), required=True,
                                  validate=checks.Length(
                                      min=1, max=50, code="drop_off_points_count",
                                      error="Give from {min} to {max} drop-off points."))
    collect_from = fields.Date(required=True)
    collect_to = fields.Date(required=True, metadata={"description": "Included"})

    @validates_schema(skip_on_field_errors=False)
    @checks.across_fields(
        "`collect_to` is on or after `collect_from`; each item's name "
        "appears once (in any case).")
    def consistent(self, data, **kwargs):
        errors = {}
        if data.get("collect_from") and data.get("collect_to") and (
                data["collect_to"] < data["collect_from"]):
            errors["collect_to"] = [checks.reason(
                "collection_ends_before", "The collection ends on or after the day it starts.")]
        # with field errors the items may be partial: compare the names that are there
        names = [item["name"].strip().lower() for item in data.get("items") or [] if "name" in item]
        if len(names) != len(set(names)):
            errors["items"] = [checks.reason("items_repeated", "Each item appears once.")]
        if errors:
            raise ValidationError(errors)


class DriveQuerySchema(PageArgs):
    municipio = fields.Integer(validate=MUNICIPIO)
    status = fields.String(validate=checks.OneOf((OPEN, CLOSED)))
    organization_id = fields.String(validate=ID)


class ItemProgressSchema(Schema):
    id = fields.String()
    name = fields.String()
    unit = fields.String()
    quantity_needed = fields.Integer()
    pledged = fields.Integer()
    delivered = fields.Integer()
    fulfilled = fields.Boolean(metadata={"description": "Delivered reached the need"})


class ProgressSchema(Schema):
    quantity_needed = fields.Integer()
    pledged = fields.Integer(metadata={"description": "Counted up to each item's need"})
    delivered = fields.Integer(metadata={"description": "Counted up to each item's need"})
    items = fields.Integer()
    items_fulfilled = fields.Integer()


class DriveSchema(Schema):
    id = fields.String()
    title = fields.String()
    description = fields.String(allow_none=True)
    municipio = fields.Integer()
    organizer_ids = fields.List(fields.String())
    items = fields.List(fields.Nested(ItemProgressSchema))
    drop_off_points = fields.List(fields.Nested(DropOffPointSchema))
    collect_from = fields.Date()
    collect_to = fields.Date()
    status = fields.String(metadata={"description": "open or closed"})
    progress = fields.Nested(ProgressSchema)
    created_at = Timestamp()
    closed_at = Timestamp(allow_none=True)
    actions = fields.List(fields.String(), metadata={"description": (
        "What the caller may do now: pledge (anyone, while the drive is open), record_delivery "
        "and list_pledges (its organisers, the municipio's coordinator and the city, also once "
        "closed), close (the same, while it is open)")})


class PledgeCreateSchema(Schema):
    item = fields.String(required=True, validate=checks.Length(min=1, max=120),
                         metadata={"description": "The item's name or id"})
    quantity = fields.Integer(required=True, validate=checks.Range(min=1, max=10000),
                              metadata={"description": "Up to what the item still needs"})
    donor_name = fields.String(allow_none=True, validate=checks.Length(max=200))


class DeliveryCreateSchema(Schema):
    item = fields.String(required=True, validate=checks.Length(min=1, max=120),
                         metadata={"description": "The item's name or id"})
    quantity = fields.Integer(required=True, validate=checks.Range(min=1, max=100000))


class PledgeQuerySchema(PageArgs):
    item = fields.String(validate=checks.Length(min=1, max=120),
                         metadata={"description": "The item's name or id"})
    status = fields.String(validate=checks.OneOf((PLEDGED, CANCELLED)))


class PledgeSchema(Schema):
    id = fields.String()
    drive_id = fields.String()
    item_id = fields.String()
    quantity = fields.Integer()
    donor_name = fields.String(allow_none=True)
    status = fields.String(metadata={"description": f"{PLEDGED} or {CANCELLED}"})
    created_at = Timestamp()
    cancelled_at = Timestamp(allow_none=True)
    actions = fields.List(fields.String(), metadata={"description": (
        "cancel (its drive's organisers, the municipio's coordinator and the city, while it "
        "stands): frees its quantity")})


class DeliverySchema(Schema):
    id = fields.String()
    drive_id = fields.String()
    item_id = fields.String()
    quantity = fields.Integer()
    created_at = Timestamp()
