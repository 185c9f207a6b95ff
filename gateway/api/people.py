"""People: invitations by tier, accounts within reach and their history. The directory decides
who reaches whom and what may be granted (services/directory/reach.py)."""
from flask import request
from marshmallow import Schema, fields

from gateway.api import Blueprint
from gateway.api.common import BEARER, answer, answers, page_schema, problems, require_login
from services.common.schemas import PageArgs
from services.directory.contract.people import (AccountQuerySchema, AccountSchema,
                                                AccountUpdateSchema, HistoryEntrySchema,
                                                InvitationAcceptSchema, InvitationCreateSchema,
                                                InvitationSchema)

blp = Blueprint("people", __name__, url_prefix="/api/v1",
                description="People: invitations and accounts, each tier within its reach")
InvitationPage = page_schema(InvitationSchema, "InvitationPage")
AccountPage = page_schema(AccountSchema, "AccountPage")


class HistorySchema(Schema):
    items = fields.List(fields.Nested(HistoryEntrySchema), required=True)


@blp.route("/invitations", methods=["POST"])
@blp.arguments(InvitationCreateSchema())
@answers(blp, 201, InvitationSchema)
@problems(blp, 401, 403, 409, 422)
@blp.doc(security=BEARER)
def invite(_data):
    """Invite a person: an email with a one-time link (valid 7 days by default).

    The city invites anyone; a coordinator the `partner_admin`s of its municipio's
    organisations; a `partner_admin` the `partner`s and `partner_admin`s of its own."""
    require_login()
    return answer("directory", "invite", request.get_json()), 201


@blp.route("/invitations")
@blp.arguments(PageArgs(), location="query")
@answers(blp, 200, InvitationPage)
@problems(blp, 401, 403)
@blp.doc(security=BEARER)
def list_invitations(_query):
    """Pending invitations within the caller's reach."""
    require_login()
    return answer("directory", "list_invitations", request.args.to_dict())


@blp.route("/invitations/<invitation_id>", methods=["DELETE"])
@answers(blp, 200, InvitationSchema)
@problems(blp, 401, 403, 404, 409)
@blp.doc(security=BEARER)
def revoke_invitation(invitation_id):
    """Revoke a pending invitation: its link stops working."""
    require_login()
    return answer("directory", "revoke_invitation", invitation_id)


@blp.route("/invitations/accept", methods=["POST"])
@blp.arguments(InvitationAcceptSchema())
@answers(blp, 201, AccountSchema)
@problems(blp, 410, 422)
def accept_invitation(_data):
    """Accept an invitation with the emailed token: the new account.

    A used, revoked or expired token is 410 and creates nothing. Passwords: at least 12
    characters, not among those known from breaches, no rules of composition."""
    return answer("directory", "accept_invitation", request.get_json()), 201


@blp.route("/users")
@blp.arguments(AccountQuerySchema(), location="query")
@answers(blp, 200, AccountPage)
@problems(blp, 401, 403, 422)
@blp.doc(security=BEARER)
def list_users(_query):
    """People within the caller's reach: the city all; a coordinator its municipio's
    organisations' people; a `partner_admin` its organisation's."""
    require_login()
    return answer("directory", "list_users", request.args.to_dict())


@blp.route("/users/<user_id>")
@answers(blp, 200, AccountSchema)
@problems(blp, 401, 403, 404)
@blp.doc(security=BEARER)
def get_user(user_id):
    """One person within reach."""
    require_login()
    return answer("directory", "get_user", user_id)


@blp.route("/users/<user_id>", methods=["PATCH"])
@blp.arguments(AccountUpdateSchema())
@answers(blp, 200, AccountSchema)
@problems(blp, 401, 403, 404, 422)
@blp.doc(security=BEARER)
def update_user(_data, user_id):
    """Change role or scope within the caller's reach, or deactivate (`active: false`: every
    session ends at once, every token is refused within seconds) and reactivate."""
    require_login()
    return answer("directory", "update_user", user_id, request.get_json())


@blp.route("/users/<user_id>/mfa/reset", methods=["POST"])
@answers(blp, 200, AccountSchema)
@problems(blp, 401, 403, 404, 409)
@blp.doc(security=BEARER)
def reset_two_factor(user_id):
    """A lost device: two-factor off, and the person enrols again at the next login."""
    require_login()
    return answer("directory", "reset_user_two_factor", user_id)


@blp.route("/users/<user_id>/history")
@answers(blp, 200, HistorySchema)
@problems(blp, 401, 403, 404)
@blp.doc(security=BEARER)
def history(user_id):
    """Every grant, change and deactivation of the account: who, what, when (newest first)."""
    require_login()
    return answer("directory", "user_history", user_id)
