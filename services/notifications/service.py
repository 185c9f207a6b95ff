"""The notifications service: everyone hears what concerns them."""
from services.common.context import COORDINATOR
from services.common.database import Database
from services.common.handlers import bus_handler
from services.common.rpc import ServiceRpc, rpc
from services.common.schemas import load, paged
from services.common.service import QubiService
from services.notifications import inbox
from services.notifications.models import Base
from services.notifications.schemas import InboxQuerySchema, NotificationSchema

NOTIFICATION = NotificationSchema()


class NotificationsService(QubiService):
    name = "notifications"
    db = Database(Base.metadata)
    directory_rpc = ServiceRpc("directory")

    @bus_handler("directory", "organization_registered")
    def on_organization_registered(self, tx, event):
        payload = event["payload"]
        organization = self.directory_rpc.get_organization(payload["organization_id"])
        coordinators = self.directory_rpc.recipients(roles=[COORDINATOR],
                                                     municipi=payload["municipi"])
        inbox.deliver(tx, coordinators, "organization_registered", {
            "organization_id": organization["id"], "organization_name": organization["name"],
            "municipi": ", ".join(map(str, payload["municipi"])),
        }, event["event_id"], link=f"/organizations/{organization['id']}")

    @rpc
    def list_notifications(self, query=None):
        args = load(InboxQuerySchema(), query)
        language = self.caller.language
        with self.db.transaction() as tx:
            page = paged(tx.session, inbox.inbox_statement(self.caller, args["unread"]),
                         args["page"], args["per_page"],
                         lambda n: NOTIFICATION.dump(inbox.present(n, language)))
            page["unread"] = inbox.unread_count(tx.session, self.caller)
        return page

    @rpc
    def mark_read(self, notification_id):
        language = self.caller.language
        with self.db.transaction() as tx:
            notification = inbox.mark_read(tx.session, self.caller, notification_id)
            return NOTIFICATION.dump(inbox.present(notification, language))
