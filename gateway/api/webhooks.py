"""Webhooks for partner systems: an organisation's administrator (or the city) subscribes an
https URL to kinds of events, and reads what was delivered. The notifications service decides
who may and posts them."""
from flask import request

from gateway.api import Blueprint
from gateway.api.common import (BEARER, answer, answers, call, page_schema, problems,
                                require_ability)
from services.common.schemas import PageArgs
from services.notifications.contract import (NewWebhookSchema, WebhookDeliverySchema,
                                             WebhookSchema)

blp = Blueprint("webhooks", __name__, url_prefix="/api/v1", description="Webhooks")

DeliveryPage = page_schema(WebhookDeliverySchema, "WebhookDeliveryPage")


@blp.route("/webhooks")
@answers(blp, 200, WebhookSchema(many=True))
@problems(blp, 401, 403)
@blp.doc(security=BEARER)
def list_webhooks():
    """The webhooks of the caller's organisation (the city's, for the city)."""
    require_ability("manage_webhooks")
    return answer("notifications", "list_webhooks")


@blp.route("/webhooks", methods=["POST"])
@blp.arguments(NewWebhookSchema())
@answers(blp, 201, WebhookSchema)
@problems(blp, 401, 403, 409, 422)
@blp.doc(security=BEARER)
def create_webhook(_data):
    """Subscribe a URL to kinds of events; the answer shows its signing secret, this once.

    A partner_admin's webhook hears what concerns its organisation; the city's, everyone's;
    each has at most 10 (409 webhook_limit).
    Each event is posted as JSON `{"type", "timestamp", "data"}`, `data` holding ids and codes
    only (fetch the rest with your own token), signed as Standard Webhooks: verify
    `webhook-signature` over `webhook-id`, `webhook-timestamp` and the body with the secret.
    An answer other than 2xx is tried again with growing delays; after the last attempt the
    webhook is disabled and its administrators are told.
    """
    require_ability("manage_webhooks")
    return answer("notifications", "create_webhook", request.get_json()), 201



@blp.route("/webhooks/<webhook_id>", methods=["DELETE"])
@answers(blp, 204)
@problems(blp, 401, 403, 404)
@blp.doc(security=BEARER)
def delete_webhook(webhook_id):
    """Stop a webhook: nothing more is posted to it, and its deliveries are forgotten."""
    require_ability("manage_webhooks")
    call("notifications", "delete_webhook", webhook_id)
    return "", 204


@blp.route("/webhooks/<webhook_id>/deliveries")
@blp.arguments(PageArgs(), location="query")
@answers(blp, 200, DeliveryPage)
@problems(blp, 401, 403, 404)
@blp.doc(security=BEARER)
def webhook_deliveries(_query, webhook_id):
    """What was posted to a webhook, newest first: status, attempts and the last answer."""
    require_ability("manage_webhooks")
    return answer("notifications", "webhook_deliveries", webhook_id, request.args.to_dict())
