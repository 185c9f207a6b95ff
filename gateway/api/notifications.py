"""The caller's in-app inbox."""
from flask import request
from marshmallow import Schema, fields

from gateway.api import Blueprint
from gateway.api.common import BEARER, answer, answers, page_schema, problems, require_login
from gateway.problems import ProblemSchema
from services.notifications.contract import (InboxQuerySchema, NotificationSchema,
                                             PreferencesSchema)

blp = Blueprint("notifications", __name__, url_prefix="/api/v1", description="Notifications")


class InboxPage(page_schema(NotificationSchema, "InboxPageBase")):
    unread = fields.Integer(metadata={"description": "How many are unread in all"})


@blp.route("/notifications")
@blp.arguments(InboxQuerySchema(), location="query")
@answers(blp, 200, InboxPage)
@blp.alt_response(401, schema=ProblemSchema)
@blp.doc(security=BEARER)
def list_notifications(_query):
    """The caller's notifications, newest first."""
    require_login()
    return answer("notifications", "list_notifications", request.args.to_dict())


@blp.route("/notifications/<notification_id>/read", methods=["POST"])
@answers(blp, 200, NotificationSchema)
@blp.alt_response(401, schema=ProblemSchema)
@blp.alt_response(404, schema=ProblemSchema)
@blp.doc(security=BEARER)
def mark_read(notification_id):
    """Mark one of the caller's notifications as read."""
    require_login()
    return answer("notifications", "mark_read", notification_id)


class MarkedSchema(Schema):
    marked = fields.Integer()


@blp.route("/notifications/read-all", methods=["POST"])
@answers(blp, 200, MarkedSchema)
@problems(blp, 401)
@blp.doc(security=BEARER)
def mark_all_read():
    """Mark every notification of the caller as read."""
    require_login()
    return answer("notifications", "mark_all_read")


@blp.route("/notifications/preferences")
@answers(blp, 200, PreferencesSchema)
@problems(blp, 401)
@blp.doc(security=BEARER)
def get_preferences():
    """How the caller hears of each kind of notification, and their quiet hours."""
    require_login()
    return answer("notifications", "get_preferences")


@blp.route("/notifications/preferences", methods=["PUT"])
@blp.arguments(PreferencesSchema())
@answers(blp, 200, PreferencesSchema)
@problems(blp, 401, 422)
@blp.doc(security=BEARER)
def set_preferences(_data):
    """Choose in_app, email, digest or off per kind (some kinds cannot be off), and quiet hours."""
    require_login()
    return answer("notifications", "set_preferences", request.get_json())
