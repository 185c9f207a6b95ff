"""Tokens, and the caller's own identity.

An access token lives TOKEN_TTL_SECONDS (15 minutes by default); its refresh token, kept hashed
by the directory, gets the next pair and is used up doing so. Logout ends the session: its
refresh tokens at once, its access tokens on every gateway within about a second."""
from flask import current_app, g
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from gateway.api.common import BEARER, answers, call, problems, require_login
from gateway.auth import issue_token
from services.directory.schemas import CredentialsSchema

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
    refresh_token = fields.String(required=True, validate=validate.Length(min=1, max=200))


class MeSchema(Schema):
    user_id = fields.String()
    username = fields.String()
    organization_id = fields.String(allow_none=True)
    roles = fields.List(fields.String())
    municipi = fields.List(fields.Integer())
    tier = fields.String()


@blp.route("/auth/token", methods=["POST"])
@blp.arguments(CredentialsSchema())
@answers(blp, 200, TokenSchema)
@problems(blp, 401, 422)
def token(credentials):
    """Log in: a username and password for an access token and a refresh token.

    After 20 wrong passwords in a row an account is locked for 15 minutes (by default); the
    answer is then the same 401 as for a wrong password, so it tells nobody whether an account
    exists or is locked."""
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
            "municipi": list(caller.municipi), "tier": caller.tier}


def _tokens(grant: dict) -> dict:
    secret = current_app.config["QUBI_SETTINGS"].secret_key
    return {**issue_token(grant, secret, grant["access_expires_in"]),
            "refresh_token": grant["refresh_token"],
            "refresh_expires_in": grant["refresh_expires_in"]}
