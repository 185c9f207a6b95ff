"""The directory's contract for its catalogue: networks, organisations, services, governance
bodies; what comes in (validated) and what goes out."""
from marshmallow import Schema, fields, validates_schema

from services.common import checks
from services.common.context import CITY, COORDINATOR, PARTNER, SOCIAL_WORKER
from services.common.schemas import (AGE, MUNICIPIO, SOMETIMES_ABSENT, Day, Moment, PageArgs,
                                     PartialSchema, Timestamp, WeeklySlotSchema)
from services.common.vocabulary import CATEGORIES, DIMENSIONS

ACTIVE, WITHDRAWN = "active", "withdrawn"  # a service's status
REGISTRARS = (COORDINATOR, CITY)  # who registers organisations in their networks
ABILITIES = {"see_network": (PARTNER, SOCIAL_WORKER, COORDINATOR, CITY),
             "manage_services": (PARTNER, COORDINATOR, CITY),  # each within reach
             "register_organizations": REGISTRARS}
LEVEL = checks.OneOf([1, 2], code="level_choice",
                     error="Level must be 1 (first-level network) or 2 (second-level).")
TAX_CODE = checks.Regexp(r"^([0-9]{11}|[A-Za-z0-9]{16})$",
                           code="tax_code_form",
                           error="A tax code has 11 digits (partita IVA) or 16 characters.")


class NetworkSchema(Schema):
    id = fields.String()
    municipio = fields.Integer()
    name = fields.String()
    zones = fields.List(fields.String())


class OrganizationSchema(Schema):
    id = fields.String()
    name = fields.String()
    legal_form = fields.String(allow_none=True)
    tax_code = fields.String(allow_none=True)
    email = fields.String(allow_none=True)
    phone = fields.String(allow_none=True)
    website = fields.String(allow_none=True)
    description = fields.String(allow_none=True)
    active = fields.Boolean()
    municipi = fields.List(fields.Integer())
    level = fields.Integer(allow_none=True)
    created_at = Timestamp()
    updated_at = Timestamp()
    actions = fields.List(fields.String(), metadata={"description": (
        "On one organisation (not in lists, nor on registering it), what the caller may do: "
        "edit (its details), manage_services (add services and change its services)"),
        SOMETIMES_ABSENT: True})


class OrganizationCreateSchema(Schema):
    name = fields.String(required=True, validate=checks.Length(min=1, max=200))
    legal_form = fields.String(validate=checks.Length(max=80))
    tax_code = fields.String(validate=TAX_CODE)
    email = fields.Email()
    phone = checks.Phone()
    website = fields.URL()
    description = fields.String(validate=checks.Length(max=5000))
    municipi = fields.List(fields.Integer(validate=MUNICIPIO), validate=checks.Length(max=9))
    level = fields.Integer(load_default=1, validate=LEVEL)


class OrganizationUpdateSchema(PartialSchema, OrganizationCreateSchema):
    active = fields.Boolean()


class OrganizationQuerySchema(PageArgs):
    municipio = fields.Integer(validate=MUNICIPIO)
    q = fields.String(validate=checks.Length(max=200))
    level = fields.Integer(validate=LEVEL)


class LocationSchema(Schema):
    name = fields.String(allow_none=True, validate=checks.Length(max=200))
    address = fields.String(allow_none=True, validate=checks.Length(max=300))
    postal_code = fields.String(allow_none=True, validate=checks.Regexp(
        r"^[0-9]{5}$", code="cap_form", error="A CAP has 5 digits."))
    city = fields.String(load_default="Milano", validate=checks.Length(max=80))
    zone = fields.String(allow_none=True, validate=checks.Length(max=120))
    municipio = fields.Integer(allow_none=True, validate=MUNICIPIO)
    latitude = fields.Float(allow_none=True, validate=checks.Range(min=-90, max=90))
    longitude = fields.Float(allow_none=True, validate=checks.Range(min=-180, max=180))
    accessibility = fields.String(allow_none=True, validate=checks.Length(max=2000))

    @validates_schema
    @checks.across_fields("`latitude` and `longitude` both, or neither.")
    def both_coordinates(self, data, **kwargs):
        if (data.get("latitude") is None) != (data.get("longitude") is None):
            raise checks.refuse("coordinates_half", "Give both latitude and longitude, or neither.",
                                "latitude")


class ScheduleSchema(WeeklySlotSchema):
    valid_from = Day(allow_none=True)
    valid_to = Day(allow_none=True)

    @validates_schema
    @checks.across_fields("`valid_to` is not before `valid_from`.")
    def validity_in_order(self, data, **kwargs):
        if data.get("valid_from") and data.get("valid_to") and data["valid_from"] > data["valid_to"]:
            raise checks.refuse("valid_to_before", "Valid to comes after valid from.", "valid_to")


class ClosedDateSchema(Schema):
    day = Day(required=True)
    reason = fields.String(allow_none=True, validate=checks.Length(max=200))


class PhoneSchema(Schema):
    number = checks.Phone(required=True)
    description = fields.String(allow_none=True, validate=checks.Length(max=200))


class RefSchema(Schema):
    """Another record by its id and name."""
    id = fields.String()
    name = fields.String()


class ServiceCreateSchema(Schema):
    organization_id = fields.String(required=True, validate=checks.Length(equal=36))
    name = fields.String(required=True, validate=checks.Length(min=1, max=200))
    description = fields.String(allow_none=True, validate=checks.Length(max=5000))
    category = fields.String(allow_none=True, validate=checks.OneOf(CATEGORIES))
    dimension = fields.String(allow_none=True, validate=checks.OneOf(DIMENSIONS))
    min_age = fields.Integer(allow_none=True, validate=AGE)
    max_age = fields.Integer(allow_none=True, validate=AGE)
    languages = fields.List(fields.String(validate=checks.Regexp(
        r"^[a-z]{2}$", code="language_form",
        error="Use a two-letter language code such as it or en.")))
    free = fields.Boolean()
    cost_note = fields.String(allow_none=True, validate=checks.Length(max=300))
    eligibility = fields.String(allow_none=True, validate=checks.Length(max=2000))
    email = fields.Email(allow_none=True)
    url = fields.URL(allow_none=True)
    location = fields.Nested(LocationSchema, allow_none=True)
    schedules = fields.List(fields.Nested(ScheduleSchema), validate=checks.Length(max=50))
    closed_dates = fields.List(fields.Nested(ClosedDateSchema), validate=checks.Length(max=366))
    phones = fields.List(fields.Nested(PhoneSchema), validate=checks.Length(max=10))

    @validates_schema(skip_on_field_errors=False)
    @checks.across_fields("`max_age` is at least `min_age`.")
    def age_range(self, data, **kwargs):
        low, high = data.get("min_age"), data.get("max_age")
        if low is not None and high is not None and low > high:
            raise checks.refuse("ages_reversed", "The maximum age is at least the minimum age.",
                                "max_age")


class ServiceUpdateSchema(PartialSchema, ServiceCreateSchema):
    class Meta:
        exclude = ("organization_id",)


PLACES = checks.Range(min=0, max=100_000)  # places free, or families waiting
STALE_AFTER_DAYS = 14  # a capacity said longer ago than this is no longer known


class CapacityUpdateSchema(Schema):
    """What a service's own organisation says of its places (all of it, each time)."""
    available = fields.Integer(required=True, validate=PLACES,
                               metadata={"description": "Places free now"})
    waiting_list = fields.Integer(required=True, validate=PLACES,
                                  metadata={"description": "Families waiting for a place"})
    note = fields.String(allow_none=True, load_default=None, validate=checks.Length(max=300))


class CapacitySchema(Schema):
    available = fields.Integer(allow_none=True, metadata={
        "description": "Places free; null when stale (unknown)"})
    waiting_list = fields.Integer(allow_none=True, metadata={
        "description": "Families waiting; null when stale (unknown)"})
    note = fields.String(allow_none=True)
    updated_at = Timestamp(metadata={"description": "When the organisation last said it"})
    stale = fields.Boolean(metadata={
        "description": f"Said more than {STALE_AFTER_DAYS} days ago: the numbers are unknown"})


class ServiceSchema(Schema):
    id = fields.String()
    organization_id = fields.String()
    organization = fields.Nested(RefSchema)
    name = fields.String()
    description = fields.String(allow_none=True)
    category = fields.String(allow_none=True)
    dimension = fields.String(allow_none=True)
    min_age = fields.Integer(allow_none=True)
    max_age = fields.Integer(allow_none=True)
    languages = fields.List(fields.String())
    free = fields.Boolean()
    cost_note = fields.String(allow_none=True)
    eligibility = fields.String(allow_none=True)
    email = fields.String(allow_none=True)
    url = fields.String(allow_none=True)
    status = fields.String(metadata={"description": f"{ACTIVE} or {WITHDRAWN}"})
    location = fields.Nested(LocationSchema, allow_none=True)
    schedules = fields.List(fields.Nested(ScheduleSchema))
    closed_dates = fields.List(fields.Nested(ClosedDateSchema))
    phones = fields.List(fields.Nested(PhoneSchema))
    distance_km = fields.Float(metadata={"description": "With `near`: distance from that point",
                                         SOMETIMES_ABSENT: True})
    capacity = fields.Nested(CapacitySchema, allow_none=True, metadata={
        "description": "Its places as its organisation said them; null when it never did"})
    created_at = Timestamp()
    updated_at = Timestamp()
    actions = fields.List(fields.String(), metadata={"description": (
        "On one service (not in search results, the same for everyone), what the caller may "
        "do: edit, withdraw, update_capacity (its own organisation)"), SOMETIMES_ABSENT: True})


class NearField(fields.String):
    """`near=45.5,9.13`: a point as latitude,longitude."""

    def _deserialize(self, value, attr, data, **kwargs):
        try:
            latitude, longitude = (float(part) for part in str(value).split(","))
        except ValueError:
            raise checks.refuse("near_form",
                                "Use near=latitude,longitude, e.g. near=45.5104,9.1296.") from None
        if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
            raise checks.refuse("near_range", "Latitude is -90..90 and longitude -180..180.")
        return [latitude, longitude]

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else f"{value[0]},{value[1]}"


class ServiceQuerySchema(PageArgs):
    q = fields.String(validate=checks.Length(max=200),
                      metadata={"description": "Words in the name, description or organisation"})
    municipio = fields.Integer(validate=MUNICIPIO)
    zone = fields.String(validate=checks.Length(max=120))
    category = fields.String(validate=checks.OneOf(CATEGORIES + DIMENSIONS),
                             metadata={"description": "A kind of action or a dimension"})
    age = fields.Integer(validate=AGE, metadata={"description": "The service's age range holds it"})
    open_at = Moment(metadata={
        "description": "Open at that moment (ISO 8601; without an offset, Europe/Rome time)"})
    near = NearField(metadata={"description": "latitude,longitude"})
    place = fields.String(validate=checks.Length(min=1, max=200), metadata={"description": (
        "Instead of `near`: a zone (quartiere), a municipio (\"Municipio 8\") or the address or "
        "name of a listed service's place, resolved by the directory alone (no geocoder); the "
        "answer's `origin` says where it measured from")})
    radius_km = fields.Float(load_default=3.0, validate=checks.Range(min=0.1, max=50))
    organization_id = fields.String(validate=checks.Length(equal=36))

    @validates_schema
    def one_origin(self, data, **kwargs):
        if data.get("near") is not None and data.get("place"):
            raise checks.refuse("near_and_place", "Give near or place, not both.", "place")


class OriginSchema(Schema):
    """Where a search near a point or a place measured its distances from."""
    latitude = fields.Float()
    longitude = fields.Float()
    kind = fields.String(metadata={"description": "point (near), zone, municipio or address"})
    label = fields.String(allow_none=True, metadata={
        "description": "The zone's name, the municipio's number or the place's address"})


class GovernanceQuerySchema(Schema):
    municipio = fields.Integer(validate=MUNICIPIO)


class GovernanceOrganizationSchema(Schema):
    id = fields.String()
    name = fields.String(allow_none=True)
    role = fields.String(allow_none=True)


class GovernancePersonSchema(Schema):
    user_id = fields.String()
    name = fields.String(allow_none=True)
    role = fields.String(allow_none=True)


class GovernanceBodySchema(Schema):
    id = fields.String()
    kind = fields.String(metadata={
        "description": "city_committee, municipal_coordination or project_group"})
    name = fields.String()
    municipio = fields.Integer(allow_none=True)
    project = fields.Nested(RefSchema, allow_none=True)
    organizations = fields.List(fields.Nested(GovernanceOrganizationSchema))
    people = fields.List(fields.Nested(GovernancePersonSchema),
                         metadata={"description": "Only for logged-in members of the network"})
