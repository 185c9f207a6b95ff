"""The SMS gateway's calls (Kannel's delivery reports and the SMS families send, such as STOP),
passed on to the notifications service, which checks their tokens; and the short links the SMS
carry."""
from flask import redirect, request

from gateway.api import Blueprint
from gateway.api.common import answers, call, problems
from services.notifications.contract import DeliveryReportSchema, ReceivedSmsSchema

blp = Blueprint("sms", __name__, description="SMS")


@blp.route("/api/v1/sms/delivery-reports/<sms_id>")
@blp.arguments(DeliveryReportSchema(), location="query")
@answers(blp, 204)
@problems(blp, 404, 422)
def delivery_report(_query, sms_id):
    """A delivery report of one SMS, from Kannel (the dlr-url given with it, whose token it
    carries); a failure sends the SMS again later, a bounded number of times."""
    call("notifications", "sms_delivery_report", sms_id, request.args.to_dict())
    return "", 204


@blp.route("/api/v1/sms/inbound")
@blp.arguments(ReceivedSmsSchema(), location="query")
@answers(blp, 204)
@problems(blp, 403, 422)
def inbound(_query):
    """An SMS a family sent, from Kannel (its sms-service's get-url, with SMS_INBOUND_TOKEN):
    "STOP" opts the number out of every SMS. No answer goes back to the phone."""
    call("notifications", "sms_received", request.args.to_dict())
    return "", 204


@blp.route("/s/<code>")
@answers(blp, 302, description="To the page the link leads to")
@problems(blp, 404)
def short_link(code):
    """The short link of an SMS (a confirmation, a pass, an event's page), while it lasts."""
    answer = redirect(call("notifications", "follow_short_link", code)["target"], 302)
    answer.headers["Cache-Control"] = "no-store"  # it may lead to a one-time link
    return answer
