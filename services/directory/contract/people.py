"""The directory's contract for people: logins and identities, invitations, accounts,
passwords and two-factor."""
from marshmallow import Schema, fields

from services.common import checks
from services.common.context import CITY, COORDINATOR, PARTNER_ADMIN, ROLES
from services.common.schemas import ID, MUNICIPIO, PageArgs, PartialSchema, Timestamp

ROLE = checks.OneOf(ROLES, code="one_of", error="One of: " + ", ".join(ROLES) + ".")
EMAIL = checks.Email(error="Not a valid email address.")
USERNAME = checks.Regexp(r"^[a-z0-9][a-z0-9._-]{2,79}$", code="username_form", error=(
    "3 to 80 characters: lower-case letters, digits, dots, dashes and underscores."))
TOKEN = checks.Length(min=10, max=200)
PASSWORD_MAX_LENGTH = 200
SECRET = checks.Length(min=1, max=PASSWORD_MAX_LENGTH)
PEOPLE_MANAGERS = (CITY, COORDINATOR, PARTNER_ADMIN)  # each within its reach (reach.py)
ABILITIES = {"manage_people": PEOPLE_MANAGERS}


class InvitationCreateSchema(Schema):
    email = fields.String(required=True, validate=[checks.Length(max=200), EMAIL])
    display_name = fields.String(required=True, validate=checks.Length(min=1, max=200))
    role = fields.String(required=True, validate=ROLE)
    organization_id = fields.String(load_default=None, allow_none=True, validate=ID)
    municipi = fields.List(fields.Integer(validate=MUNICIPIO), load_default=list,
                           validate=checks.Length(max=9))


class InvitationSchema(Schema):
    id = fields.String(required=True)
    email = fields.String(required=True)
    display_name = fields.String(required=True)
    role = fields.String(required=True)
    organization_id = fields.String(allow_none=True)
    municipi = fields.List(fields.Integer())
    status = fields.String(required=True, metadata={"description": "pending, accepted or revoked"})
    created_at = Timestamp()
    expires_at = Timestamp(required=True)
    actions = fields.Function(lambda invitation: ["revoke"] if invitation.status == "pending"
                              else [], metadata={"description": "What the caller may do: revoke",
                                                 "type": "array", "items": {"type": "string"}})


class InvitationPreviewSchema(Schema):
    """What a link invites to, for the page that accepts it."""
    email = fields.String(required=True)
    display_name = fields.String(required=True)
    role = fields.String(required=True)
    municipi = fields.List(fields.Integer())
    organization_name = fields.String(allow_none=True)
    expires_at = Timestamp(required=True)


class GrantOptionsSchema(Schema):
    roles = fields.List(fields.Dict(), required=True, metadata={
        "description": "{role, scope}: the roles the caller may grant, each scoped by its "
                       "`organization`, its `municipi` or nothing"})
    organizations = fields.List(fields.Dict(), required=True, metadata={
        "description": "{id, name} of the organisations whose people the caller may invite"})


class InvitationAcceptSchema(Schema):
    token = fields.String(required=True, validate=TOKEN)
    username = fields.String(required=True, validate=USERNAME)
    password = fields.String(required=True, load_only=True, validate=SECRET)


class AccountSchema(Schema):
    id = fields.String(required=True)
    username = fields.String(required=True)
    display_name = fields.String(allow_none=True)
    email = fields.String(allow_none=True)
    roles = fields.List(fields.String(), required=True)
    organization_id = fields.String(allow_none=True)
    municipi = fields.List(fields.Integer())
    active = fields.Boolean(required=True)
    mfa_enabled = fields.Boolean(required=True)
    created_at = Timestamp(allow_none=True)
    last_login_at = Timestamp(allow_none=True)
    role = fields.String(required=True, metadata={
        "description": "The one role the roles amount to (partner_admin includes partner)"})
    actions = fields.List(fields.String(), metadata={
        "description": "What the caller may do: change_access, deactivate or reactivate, "
                       "reset_two_factor"})


class AccountQuerySchema(PageArgs):
    organization_id = fields.String(validate=ID)
    municipio = fields.Integer(validate=MUNICIPIO)
    role = fields.String(validate=ROLE)
    active = fields.Boolean()


class AccountUpdateSchema(PartialSchema):
    role = fields.String(validate=ROLE, metadata={
        "description": "The one role to hold (partner_admin includes partner)"})
    roles = fields.List(fields.String(validate=ROLE), validate=checks.Length(min=1, max=5))
    organization_id = fields.String(allow_none=True, validate=ID)
    municipi = fields.List(fields.Integer(validate=MUNICIPIO), validate=checks.Length(max=9))
    active = fields.Boolean(metadata={"description": "false ends every session at once"})


class HistoryEntrySchema(Schema):
    id = fields.String(required=True)
    action = fields.String(required=True, metadata={
        "description": "invited, joined, access_changed, deactivated, reactivated, "
                       "password_changed, password_reset, two_factor_enrolled, two_factor_reset, "
                       "single_sign_on_linked"})
    details = fields.Dict()
    at = Timestamp(required=True)
    actor_id = fields.String(allow_none=True)
    actor_name = fields.String(allow_none=True)


class ResetRequestSchema(Schema):
    email = fields.String(required=True, validate=[checks.Length(max=200), EMAIL])


class ResetConfirmSchema(Schema):
    token = fields.String(required=True, validate=TOKEN)
    password = fields.String(required=True, load_only=True, validate=SECRET)


class PasswordChangeSchema(Schema):
    current_password = fields.String(required=True, load_only=True, validate=SECRET)
    new_password = fields.String(required=True, load_only=True, validate=SECRET)


class CodeSchema(Schema):
    code = fields.String(required=True, validate=checks.Length(min=6, max=20))
    password = fields.String(load_default=None, load_only=True, validate=SECRET, metadata={
        "description": "To turn two-factor on: the current password (accounts that have one)"})


class EnrolmentSchema(Schema):
    secret = fields.String(required=True, metadata={"description": "Base32, for the app"})
    otpauth_uri = fields.String(required=True, metadata={"description": "As a QR code"})


class RecoveryCodesSchema(Schema):
    recovery_codes = fields.List(fields.String(), required=True, metadata={
        "description": "Shown once: each works once in place of a code"})


class CredentialsSchema(Schema):
    username = fields.String(required=True, validate=checks.Length(min=1, max=80))
    password = fields.String(required=True, load_only=True, validate=checks.Length(min=1, max=200))
    otp = fields.String(load_default=None, load_only=True, validate=checks.Length(max=20),
                        metadata={"description": "A code of the authenticator app or a "
                                                 "recovery code, when the account has two-factor on"})


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
    mfa = fields.Boolean(metadata={"description": "This login may read personal data as far as "
                                                  "a second factor goes"})
    mfa_enabled = fields.Boolean()
    mfa_enrolment_required = fields.Boolean(metadata={
        "description": "The role needs two-factor and it is not on yet: enrol first"})


class GrantSchema(IdentitySchema):
    """A login session's identity and its next refresh token, for the gateway to sign tokens."""
    session_id = fields.String()
    refresh_token = fields.String()
    refresh_expires_in = fields.Integer()
    access_expires_in = fields.Integer()


class RecipientSchema(Schema):
    user_id = fields.String(attribute="id")
    roles = fields.List(fields.String())
    language = fields.String()
    email = fields.String(allow_none=True)


class SingleSignOnSchema(Schema):
    """A person the identity provider vouched for: the gateway checked the ID token."""
    issuer = fields.String(required=True, validate=checks.Length(min=1, max=300))
    subject = fields.String(required=True, validate=checks.Length(min=1, max=255))
    email = fields.String(load_default=None, allow_none=True, validate=checks.Length(max=200))
    email_verified = fields.Boolean(load_default=False)
    roles = fields.List(fields.String(validate=checks.Length(max=100)), load_default=None,
                        allow_none=True, validate=checks.Length(max=50), metadata={
                            "description": "the values of the roles claim, when one is set"})
    second_factor = fields.Boolean(load_default=False, metadata={
        "description": "the provider says the login took several factors (amr: mfa)"})
