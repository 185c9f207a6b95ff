"""The notifications service: everyone hears what concerns them."""
from services.common.context import COORDINATOR
from services.common.database import Database
from services.common.handlers import bus_handler
from services.common.rpc import ServiceRpc, rpc
from services.common.schemas import load, paged
from services.common.service import QubiService
from services.notifications import audiences, inbox
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

    @bus_handler("referrals", "referral_sent")
    def on_referral_sent(self, tx, event):
        self._tell_about_referral(tx, event, audiences.receiver_partners)

    @bus_handler("referrals", "referral_accepted")
    def on_referral_accepted(self, tx, event):
        self._tell_about_referral(tx, event, audiences.sender_people)

    @bus_handler("referrals", "referral_declined")
    def on_referral_declined(self, tx, event):
        self._tell_about_referral(tx, event, audiences.sender_people)

    @bus_handler("referrals", "referral_completed")
    def on_referral_completed(self, tx, event):
        self._tell_about_referral(tx, event, audiences.sender_people)

    @bus_handler("referrals", "referral_withdrawn")
    def on_referral_withdrawn(self, tx, event):
        self._tell_about_referral(tx, event, audiences.receiver_partners)

    @bus_handler("referrals", "referral_overdue")
    def on_referral_overdue(self, tx, event):
        self._tell_about_referral(tx, event, audiences.social_workers)

    @bus_handler("referrals", "referral_escalated")
    def on_referral_escalated(self, tx, event):
        self._tell_about_referral(tx, event, audiences.coordinators)

    def _tell_about_referral(self, tx, event, audience):
        payload = event["payload"]
        receiver = self.directory_rpc.get_organization(payload["to_organization_id"])["name"]
        sender = (self.directory_rpc.get_organization(payload["from_organization_id"])["name"]
                  if payload.get("from_organization_id") else "il servizio sociale")
        inbox.deliver(tx, audience(self.directory_rpc, payload), event["event_type"], {
            "code": payload["code"], "sender": sender, "receiver": receiver,
            "urgency": payload["urgency"], "referral_id": payload["referral_id"],
        }, event["event_id"], link=f"/referrals/{payload['referral_id']}")

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
