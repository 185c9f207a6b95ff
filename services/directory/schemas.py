"""The directory's contract: what comes in (validated) and what goes out."""
from marshmallow import Schema, fields, validate

from services.common.schemas import PageArgs, Timestamp

MUNICIPIO = validate.Range(min=1, max=9, error="Municipio must be between 1 and 9.")
LEVEL = validate.OneOf([1, 2], error="Level must be 1 (first-level network) or 2 (second-level).")
TAX_CODE = validate.Regexp(r"^([0-9]{11}|[A-Za-z0-9]{16})$",
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


class OrganizationCreateSchema(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    legal_form = fields.String(validate=validate.Length(max=80))
    tax_code = fields.String(validate=TAX_CODE)
    email = fields.Email()
    phone = fields.String(validate=validate.Length(max=40))
    website = fields.URL()
    description = fields.String(validate=validate.Length(max=5000))
    municipi = fields.List(fields.Integer(validate=MUNICIPIO), validate=validate.Length(max=9))
    level = fields.Integer(load_default=1, validate=LEVEL)


class OrganizationUpdateSchema(OrganizationCreateSchema):
    class Meta:
        partial = True

    active = fields.Boolean()


class OrganizationQuerySchema(PageArgs):
    municipio = fields.Integer(validate=MUNICIPIO)
    q = fields.String(validate=validate.Length(max=200))
    level = fields.Integer(validate=LEVEL)


class ScheduleSchema(Schema):
    weekday = fields.Integer(validate=validate.Range(min=1, max=7))
    opens_at = fields.String()
    closes_at = fields.String()


class PhoneSchema(Schema):
    number = fields.String()
    description = fields.String(allow_none=True)


class ServiceSchema(Schema):
    id = fields.String()
    organization_id = fields.String()
    name = fields.String()
    description = fields.String(allow_none=True)
    category = fields.String(allow_none=True)
    address = fields.String(allow_none=True)
    zone = fields.String(allow_none=True)
    municipio = fields.Integer(allow_none=True)
    email = fields.String(allow_none=True)
    active = fields.Boolean()
    schedules = fields.List(fields.Nested(ScheduleSchema))
    phones = fields.List(fields.Nested(PhoneSchema))


class CredentialsSchema(Schema):
    username = fields.String(required=True, validate=validate.Length(min=1, max=80))
    password = fields.String(required=True, load_only=True, validate=validate.Length(min=1, max=200))


class IdentitySchema(Schema):
    """Who a user is, as the gateway puts it in tokens and `GET /me`."""
    user_id = fields.String()
    username = fields.String()
    display_name = fields.String(allow_none=True)
    organization_id = fields.String(allow_none=True)
    roles = fields.List(fields.String())
    municipi = fields.List(fields.Integer())
    tier = fields.String()
    language = fields.String()


class RecipientSchema(Schema):
    user_id = fields.String(attribute="id")
    language = fields.String()
    email = fields.String(allow_none=True)
