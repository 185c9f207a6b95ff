from marshmallow import Schema, fields

from services.common.schemas import PageArgs, Timestamp


class NotificationSchema(Schema):
    id = fields.String()
    kind = fields.String()
    title = fields.String()
    body = fields.String()
    link = fields.String(allow_none=True)
    created_at = Timestamp()
    read = fields.Boolean()
    read_at = Timestamp(allow_none=True)


class InboxQuerySchema(PageArgs):
    unread = fields.Boolean(load_default=False)
