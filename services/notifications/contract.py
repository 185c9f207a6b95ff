"""The notifications service's contract: what comes in (validated) and what goes out."""
from marshmallow import Schema, fields

from services.common import checks
from services.common.context import CITY, PARTNER_ADMIN
from services.common.schemas import HOUR, SOMETIMES_ABSENT, PageArgs, Timestamp

CHANNELS = ("in_app", "email", "digest", "off")
# an organisation's administrator subscribes its systems; the city, its own (hearing everyone's)
ABILITIES = {"manage_webhooks": (PARTNER_ADMIN, CITY)}


class NotificationSchema(Schema):
    id = fields.String()
    kind = fields.String()
    title = fields.String()
    body = fields.String()
    link = fields.String(allow_none=True)
    channel = fields.String(metadata={"description": "in_app, email or digest"})
    email_status = fields.String(allow_none=True, metadata={
        "description": "pending, sent, failed or bounced; digest while waiting for the digest"})
    created_at = Timestamp()
    read = fields.Boolean()
    read_at = Timestamp(allow_none=True)


class InboxQuerySchema(PageArgs):
    unread = fields.Boolean(load_default=False)


class QuietHoursSchema(Schema):
    start = fields.String(required=True, allow_none=True, validate=HOUR)
    end = fields.String(required=True, allow_none=True, validate=HOUR)


class PreferencesSchema(Schema):
    preferences = fields.Dict(keys=fields.String(), values=fields.String(
        validate=checks.OneOf(CHANNELS)), metadata={
        "description": "Per kind of notification: in_app, email, digest or off"})
    quiet_hours = fields.Nested(QuietHoursSchema, metadata={
        "description": "No email between start and end (Milan time); held until the end"})
    mandatory = fields.List(fields.String(), dump_only=True)
    names = fields.Dict(keys=fields.String(), values=fields.String(), dump_only=True, metadata={
        "description": "Per kind of notification: its name, in the caller's language"})


class DeliveryReportSchema(Schema):
    """What Kannel's dlr-url brings back of one SMS."""
    status = fields.Integer(required=True, validate=checks.Range(min=0, max=255), metadata={
        "description": "Kannel's delivery report: 1 delivered, 2 not delivered, 8 taken by the "
                       "SMSC, 16 refused by the SMSC"})
    token = fields.String(required=True, validate=checks.Length(min=1, max=64), metadata={
        "description": "The token sent with that SMS"})


class ReceivedSmsSchema(Schema):
    """An SMS a family sent, as Kannel's get-url passes it on."""
    sender = fields.String(required=True, data_key="from", validate=checks.Length(max=40),
                           metadata={"description": "The number it came from"})
    text = fields.String(load_default="", validate=checks.Length(max=2000))
    token = fields.String(required=True, validate=checks.Length(min=1, max=200), metadata={
        "description": "SMS_INBOUND_TOKEN, as Kannel's get-url is configured with"})


WEBHOOK_EVENTS = ("referral_sent", "referral_accepted", "referral_declined", "referral_forwarded",
                  "referral_overdue", "registration_requested", "fund_request_approved",
                  "fund_request_rejected")
# the city tier sees no single referral nor registration: its webhooks hear fund decisions only
CITY_WEBHOOK_EVENTS = ("fund_request_approved", "fund_request_rejected")


class NewWebhookSchema(Schema):
    """A partner system's subscription: what it hears, and where, signed as Standard Webhooks."""
    url = fields.Url(required=True, schemes={"https", "http"}, require_tld=False,
                     validate=checks.Length(max=500), metadata={
        "description": "Where each event is posted: https (http only in development); not an "
                       "address of a private network"})
    kinds = fields.List(fields.String(validate=checks.OneOf(WEBHOOK_EVENTS)), required=True,
                        validate=checks.Length(min=1), metadata={
        "description": "The events it hears: " + ", ".join(WEBHOOK_EVENTS) + " (the city's: "
                       + ", ".join(CITY_WEBHOOK_EVENTS) + ")"})


class WebhookSchema(NewWebhookSchema):
    id = fields.String(dump_only=True)
    organization_id = fields.String(dump_only=True, allow_none=True, metadata={
        "description": "Whose events it hears; none for the city's, which hear everyone's"})
    status = fields.String(dump_only=True, metadata={
        "description": "active, or disabled after an event could not be delivered"})
    created_at = Timestamp(dump_only=True)
    disabled_at = Timestamp(dump_only=True, allow_none=True)
    secret = fields.String(dump_only=True, metadata={
        "description": "The signing secret (whsec_...), in the answer to its creation only",
        SOMETIMES_ABSENT: True})


class WebhookDeliverySchema(Schema):
    """One event posted to a subscription, under its `webhook-id` on every attempt."""
    id = fields.String(metadata={"description": "The webhook-id header of its attempts"})
    event_id = fields.String()
    kind = fields.String()
    status = fields.String(metadata={"description": "pending, sent or failed"})
    attempts = fields.Integer()
    last_status = fields.Integer(allow_none=True, metadata={
        "description": "The receiver's HTTP status at the last attempt; none when not reached"})
    last_answer = fields.String(allow_none=True, metadata={
        "description": "What the receiver answered, or why it was not reached"})
    next_attempt_at = Timestamp(allow_none=True, metadata={"description": "While pending"})
    created_at = Timestamp()
    sent_at = Timestamp(allow_none=True)
