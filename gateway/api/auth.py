"""Tokens and the caller's own identity."""
from flask import current_app, request
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from gateway.api.common import BEARER, answers, call, require_login
from gateway.auth import issue_token
from gateway.problems import ProblemSchema
from services.directory.schemas import CredentialsSchema

blp = Blueprint("auth", __name__, url_prefix="/api/v1", description="Authentication")


class TokenSchema(Schema):
    access_token = fields.String()
    token_type = fields.String()
    expires_in = fields.Integer()


class MeSchema(Schema):
    user_id = fields.String()
    username = fields.String()
    organization_id = fields.String(allow_none=True)
    roles = fields.List(fields.String())
    municipi = fields.List(fields.Integer())
    tier = fields.String()


@blp.route("/auth/token", methods=["POST"])
@blp.arguments(CredentialsSchema)
@answers(blp, 200, TokenSchema)
@blp.alt_response(401, schema=ProblemSchema, description="Wrong username or password")
def token(_credentials):
    """Exchange a username and password for a Bearer token."""
    identity = call("directory", "authenticate", request.get_json())
    settings = current_app.config["QUBI_SETTINGS"]
    return issue_token(identity, settings.secret_key, current_app.config["TOKEN_TTL_SECONDS"])


@blp.route("/me")
@answers(blp, 200, MeSchema)
@blp.alt_response(401, schema=ProblemSchema)
@blp.doc(security=BEARER)
def me():
    """Who the token says the caller is."""
    caller = require_login()
    return {"user_id": caller.user_id, "username": caller.username,
            "organization_id": caller.organization_id, "roles": list(caller.roles),
            "municipi": list(caller.municipi), "tier": caller.tier}
