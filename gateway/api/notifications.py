"""The caller's in-app inbox."""
from flask import request
from flask_smorest import Blueprint
from marshmallow import fields

from gateway.api.common import BEARER, answers, call, page_schema, require_login
from gateway.problems import ProblemSchema
from services.notifications.schemas import InboxQuerySchema, NotificationSchema

blp = Blueprint("notifications", __name__, url_prefix="/api/v1", description="Notifications")


class InboxPage(page_schema(NotificationSchema, "InboxPageBase")):
    unread = fields.Integer(metadata={"description": "How many are unread in all"})


@blp.route("/notifications")
@blp.arguments(InboxQuerySchema, location="query")
@answers(blp, 200, InboxPage)
@blp.alt_response(401, schema=ProblemSchema)
@blp.doc(security=BEARER)
def list_notifications(_query):
    """The caller's notifications, newest first."""
    require_login()
    return call("notifications", "list_notifications", request.args.to_dict())


@blp.route("/notifications/<notification_id>/read", methods=["POST"])
@answers(blp, 200, NotificationSchema)
@blp.alt_response(401, schema=ProblemSchema)
@blp.alt_response(404, schema=ProblemSchema)
@blp.doc(security=BEARER)
def mark_read(notification_id):
    """Mark one of the caller's notifications as read."""
    require_login()
    return call("notifications", "mark_read", notification_id)
