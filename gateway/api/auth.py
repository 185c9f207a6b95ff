"""Tokens, and the caller's own identity.

An access token lives TOKEN_TTL_SECONDS (15 minutes by default); its refresh token, kept hashed
by the directory, gets the next pair and is used up doing so. Logout ends the session: its
refresh tokens at once, its access tokens on every gateway within about a second."""
from flask import current_app, g, request
from marshmallow import Schema, fields

from gateway.api import Blueprint
from gateway.api.common import BEARER, answer, answers, call, problems, require_login
from gateway.auth import issue_token
from services.common import checks
from services.directory.contract.people import (CodeSchema, CredentialsSchema, EnrolmentSchema,
                                                PasswordChangeSchema, RecoveryCodesSchema,
                                                ResetConfirmSchema, ResetRequestSchema)

blp = Blueprint("auth", __name__, url_prefix="/api/v1", description="Authentication")


class TokenSchema(Schema):
    access_token = fields.String(metadata={"description": "Send as `Authorization: Bearer ...`"})
    token_type = fields.String(metadata={"example": "Bearer"})
    expires_in = fields.Integer(metadata={"description": "Seconds the access token lives"})
    refresh_token = fields.String(metadata={
        "description": "For POST /api/v1/auth/refresh, once: each use gives a new one"})
    refresh_expires_in = fields.Integer(metadata={
        "description": "Seconds the refresh token lives"})


class RefreshSchema(Schema):
    refresh_token = fields.String(required=True, validate=checks.Length(min=1, max=200))


class MeSchema(Schema):
    user_id = fields.String()
    username = fields.String()
    organization_id = fields.String(allow_none=True)
    roles = fields.List(fields.String())
    municipi = fields.List(fields.Integer())
    tier = fields.String()
    mfa = fields.Boolean(metadata={
        "description": "The login passed the second factor the role asks for (or none is asked): "
                       "it may read families' personal data as far as that goes"})


class EnrolledSchema(RecoveryCodesSchema, TokenSchema):
    """The recovery codes, and tokens for the same session now with the second factor passed."""


@blp.route("/auth/token", methods=["POST"])
@blp.arguments(CredentialsSchema())
@answers(blp, 200, TokenSchema)
@problems(blp, 401, 422)
def token(credentials):
    """Log in: a username and password (and `otp` when two-factor is on) for an access token
    and a refresh token.

    After 20 wrong passwords in a row an account is locked for 15 minutes (by default); the
    answer is then the same 401 as for a wrong password, so it tells nobody whether an account
    exists or is locked. With two-factor on and no `otp`: 401 with `"mfa_required": true`;
    10 wrong codes in a row lock the account as wrong passwords do."""
    return _tokens(call("directory", "authenticate", credentials))


@blp.route("/auth/refresh", methods=["POST"])
@blp.arguments(RefreshSchema())
@answers(blp, 200, TokenSchema)
@problems(blp, 401, 422)
def refresh(data):
    """A refresh token for a new pair of tokens.

    Each refresh token works once; one used again ends its session (it leaked), so whoever
    holds its successor must log in again too."""
    return _tokens(call("directory", "refresh_session", data["refresh_token"]))


@blp.route("/auth/logout", methods=["POST"])
@answers(blp, 204)
@problems(blp, 401)
@blp.doc(security=BEARER)
def logout():
    """Log out: end the session of the token.

    Its refresh token stops working at once, its access tokens (this one included) within
    about a second on every gateway."""
    require_login()
    ended = call("directory", "end_session", g.session_id)
    current_app.extensions["revocations"].remember(ended["session_id"], ended["until"])
    return "", 204


@blp.route("/me")
@answers(blp, 200, MeSchema)
@problems(blp, 401)
@blp.doc(security=BEARER)
def me():
    """Who the token says the caller is."""
    caller = require_login()
    return {"user_id": caller.user_id, "username": caller.username,
            "organization_id": caller.organization_id, "roles": list(caller.roles),
            "municipi": list(caller.municipi), "tier": caller.tier, "mfa": caller.mfa}


@blp.route("/auth/password-reset", methods=["POST"])
@blp.arguments(ResetRequestSchema())
@answers(blp, 202)
@problems(blp, 422)
def request_password_reset(_data):
    """Ask for a reset link by email. Always 202: the answer never says whether the address
    has an account."""
    call("directory", "request_password_reset", request.get_json())
    return "", 202


@blp.route("/auth/password-reset/confirm", methods=["POST"])
@blp.arguments(ResetConfirmSchema())
@answers(blp, 204)
@problems(blp, 410, 422)
def confirm_password_reset(_data):
    """A new password with the emailed token (once, within an hour by default); every session
    of the account ends. A used or expired token is 410."""
    call("directory", "confirm_password_reset", request.get_json())
    return "", 204


@blp.route("/me/password", methods=["POST"])
@blp.arguments(PasswordChangeSchema())
@answers(blp, 204)
@problems(blp, 401, 422)
@blp.doc(security=BEARER)
def change_password(_data):
    """Change one's password with the current one; the other sessions end."""
    require_login()
    call("directory", "change_password", g.session_id, request.get_json())
    return "", 204


@blp.route("/me/mfa", methods=["POST"])
@answers(blp, 200, EnrolmentSchema)
@problems(blp, 401, 409)
@blp.doc(security=BEARER)
def start_two_factor():
    """Start two-factor enrolment: a TOTP secret for an authenticator app (or its QR code)."""
    require_login()
    return answer("directory", "start_two_factor")


@blp.route("/me/mfa/confirm", methods=["POST"])
@blp.arguments(CodeSchema())
@answers(blp, 200, EnrolledSchema)
@problems(blp, 401, 409, 422)
@blp.doc(security=BEARER)
def confirm_two_factor(_data):
    """A first code of the app turns two-factor on: ten recovery codes (shown once) and new
    tokens for this session, now with the second factor passed."""
    require_login()
    grant = call("directory", "confirm_two_factor", g.session_id, request.get_json())
    return {"recovery_codes": grant["recovery_codes"], **_tokens(grant)}


def _tokens(grant: dict) -> dict:
    secret = current_app.config["QUBI_SETTINGS"].secret_key
    return {**issue_token(grant, secret, grant["access_expires_in"]),
            "refresh_token": grant["refresh_token"],
            "refresh_expires_in": grant["refresh_expires_in"]}
