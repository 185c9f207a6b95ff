"""The notifications service: everyone hears what concerns them, once, in their language, by
the channel they chose."""
from datetime import date, datetime, timezone

from nameko.dependency_providers import Config
from nameko.timer import timer

from services.common.database import Database
from services.common.handlers import bus_handler
from services.common.rpc import ServiceRpc, rpc
from services.common.schemas import load, paged
from services.common.sealing import DataCipher
from services.common.service import QubiService
from services.notifications import account_mail, audiences, digest, inbox, mailer, preferences
from services.notifications.contract import (InboxQuerySchema, NotificationSchema,
                                             PreferencesSchema)
from services.notifications.models import Base

NOTIFICATION = NotificationSchema()


class NotificationsService(QubiService):
    name = "notifications"
    db = Database(Base.metadata)
    directory_rpc = ServiceRpc("directory")
    events_rpc = ServiceRpc("events")
    config = Config()
    cipher = DataCipher()

    @bus_handler("directory", "organization_registered")
    def on_organization_registered(self, tx, event):
        payload = event["payload"]
        organization = self.directory_rpc.get_organization(payload["organization_id"])
        self._tell(tx, event, audiences.coordinators(self.directory_rpc, payload), {
            "organization_id": organization["id"], "organization_name": organization["name"],
            "municipi": ", ".join(map(str, payload["municipi"])),
        }, f"/organizations/{organization['id']}")

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

    @bus_handler("events", "event_published")
    def on_event_published(self, tx, event):
        payload = event["payload"]
        self._tell_about_event(tx, event, audiences.network_members(self.directory_rpc, payload))

    @bus_handler("events", "event_updated")
    def on_event_updated(self, tx, event):
        self._tell_about_event(tx, event, audiences.registrants(self.events_rpc, event["payload"]))

    @bus_handler("events", "event_cancelled")
    def on_event_cancelled(self, tx, event):
        self._tell_about_event(tx, event, audiences.registrants(self.events_rpc, event["payload"]))

    @bus_handler("events", "registration_promoted")
    def on_registration_promoted(self, tx, event):
        payload = event["payload"]
        self._tell_about_event(tx, event, audiences.registrants(
            self.events_rpc, payload, payload["registration_id"]))

    @bus_handler("events", "drive_item_fulfilled")
    def on_drive_item_fulfilled(self, tx, event):
        payload = event["payload"]
        drive = self.events_rpc.get_drive(payload["drive_id"])
        item = next(i["name"] for i in drive["items"] if i["id"] == payload["item_id"])
        self._tell(tx, event, audiences.organisers(self.directory_rpc, payload),
                   {"title": drive["title"], "item": item, "drive_id": drive["id"]},
                   f"/drives/{drive['id']}")

    @bus_handler("funds", "fund_request_submitted")
    def on_fund_request_submitted(self, tx, event):
        self._tell_about_fund_request(tx, event, audiences.coordinators)

    @bus_handler("funds", "fund_request_approved")
    def on_fund_request_approved(self, tx, event):
        payload = event["payload"]
        self._tell_about_fund_request(tx, event, audiences.after_approval,
                                      stage=payload["stage"], final=payload["final"])

    @bus_handler("funds", "fund_request_rejected")
    def on_fund_request_rejected(self, tx, event):
        self._tell_about_fund_request(tx, event, audiences.requester,
                                      stage=event["payload"]["stage"])

    @bus_handler("funds", "fund_request_withdrawn")
    def on_fund_request_withdrawn(self, tx, event):
        self._tell_about_fund_request(tx, event, audiences.coordinators)

    @bus_handler("funds", "fund_request_cancelled")
    def on_fund_request_cancelled(self, tx, event):
        self._tell_about_fund_request(tx, event, audiences.requester)

    @bus_handler("funds", "payment_recorded")
    def on_payment_recorded(self, tx, event):
        payload = event["payload"]
        self._tell_about_fund_request(
            tx, event, audiences.requester, payment=payload["payment"],
            paid_on=date.fromisoformat(payload["paid_on"]).strftime("%d/%m/%Y"),
            fully_paid=payload["fully_paid"])

    @bus_handler("funds", "fund_topped_up")
    def on_fund_topped_up(self, tx, event):
        payload = event["payload"]
        self._tell(tx, event, audiences.coordinators(self.directory_rpc, payload), {
            "budget_id": payload["budget_id"], "municipio": payload["municipio"],
            "period": payload["period"], "amount": payload["amount"], "source": payload["source"],
        }, f"/funds/budgets/{payload['budget_id']}")

    @bus_handler("directory", "invitation_sent")
    def on_invitation_sent(self, tx, event):
        account_mail.owe(tx, event, self.cipher, self.config["PUBLIC_URL"])

    @bus_handler("directory", "password_reset_requested")
    def on_password_reset_requested(self, tx, event):
        account_mail.owe(tx, event, self.cipher, self.config["PUBLIC_URL"])

    @timer(interval=2)
    def send_mail(self):
        settings = mailer.MailSettings.from_url(self.config["SMTP_URL"], self.config["MAIL_FROM"])
        mailer.send_due(self.db.store, settings, _now(), int(self.config["MAIL_MAX_ATTEMPTS"]))

    @timer(interval=300)
    def build_digests(self):
        with self.db.transaction() as tx:
            digest.build_due(tx, _now(), int(self.config["DIGEST_HOUR"]),
                             self.config["PUBLIC_URL"])

    @rpc
    def list_notifications(self, query=None):
        args = load(InboxQuerySchema, query)
        language = self.caller.language
        with self.db.transaction() as tx:
            page = paged(tx.session, inbox.inbox_statement(self.caller, args["unread"]),
                         args["page"], args["per_page"], lambda n: n)
            statuses = inbox.email_statuses(tx.session, page["items"])
            page["items"] = [NOTIFICATION.dump(inbox.present(n, language, statuses.get(n.id)))
                             for n in page["items"]]
            page["unread"] = inbox.unread_count(tx.session, self.caller)
        return page

    @rpc
    def mark_read(self, notification_id):
        language = self.caller.language
        with self.db.transaction() as tx:
            notification = inbox.mark_read(tx.session, self.caller, notification_id)
            return NOTIFICATION.dump(inbox.present(notification, language))

    @rpc
    def mark_all_read(self):
        with self.db.transaction() as tx:
            return {"marked": inbox.mark_all_read(tx.session, self.caller)}

    @rpc
    def get_preferences(self):
        with self.db.transaction() as tx:
            return preferences.read(tx.session, self.caller)

    @rpc
    def set_preferences(self, data):
        data = load(PreferencesSchema, data)
        with self.db.transaction() as tx:
            return preferences.write(tx, self.caller, data)

    def _tell_about_referral(self, tx, event, audience):
        payload = event["payload"]
        receiver = self.directory_rpc.get_organization(payload["to_organization_id"])["name"]
        sender = (self.directory_rpc.get_organization(payload["from_organization_id"])["name"]
                  if payload.get("from_organization_id") else "Servizio sociale")
        self._tell(tx, event, audience(self.directory_rpc, payload), {
            "code": payload["code"], "sender": sender, "receiver": receiver,
            "urgency": payload["urgency"], "referral_id": payload["referral_id"],
        }, f"/referrals/{payload['referral_id']}")

    def _tell_about_event(self, tx, event, recipients):
        brief = self.events_rpc.event_brief(event["payload"]["event_id"])
        self._tell(tx, event, recipients, {
            "title": brief["title"], "starts_at": brief["starts_at"],
            "municipio": brief["municipio"], "event_id": brief["id"]}, f"/events/{brief['id']}")

    def _tell_about_fund_request(self, tx, event, audience, **extra):
        payload = event["payload"]
        self._tell(tx, event, audience(self.directory_rpc, payload), {
            "request_id": payload["request_id"], "code": payload["code"],
            "amount": payload["amount"], "category": payload["category"],
            "municipio": payload["municipio"], **extra,
        }, f"/funds/requests/{payload['request_id']}")

    def _tell(self, tx, event, recipients, params, link):
        inbox.deliver(tx, recipients, event["event_type"], params, event["event_id"], link,
                      self.config["PUBLIC_URL"], quiet_hours=self.config["QUIET_HOURS"])


def _now():
    return datetime.now(timezone.utc)
