"""The notifications service: everyone hears what concerns them, once, in their language, by
the channel they chose."""
from datetime import datetime, timezone

from nameko.dependency_providers import Config
from nameko.timer import timer

from services.common.database import Database
from services.common.handlers import bus_handler
from services.common.rpc import ServiceRpc, rpc
from services.common.schemas import PageArgs, load
from services.common.sealing import DataCipher
from services.common.service import QubiService
from services.notifications import (account_mail, digest, family_card_sms, inbox, mailer,
                                    preferences, registration_mail, sms, sms_sending,
                                    webhook_sending, webhooks)
from services.notifications.audiences import Peers
from services.notifications.contract import (DeliveryReportSchema, InboxQuerySchema,
                                             NewWebhookSchema, NotificationSchema,
                                             PreferencesSchema, ReceivedSmsSchema)
from services.notifications.kinds import KINDS
from services.notifications.models import Base
from services.notifications.sms import SmsRules

NOTIFICATION = NotificationSchema()


def _told_of_every_kind(service_cls):
    """Adds a bus handler per kind of notification (kinds.py): `on_<event type>`, the name its
    queue and its record of processed events go by."""
    for kind in KINDS.values():
        setattr(service_cls, kind.handler, _handler(kind))
    return service_cls


def _handler(kind):
    def tell(self, event):
        peers = Peers(directory=self.directory_rpc, events=self.events_rpc,
                      governance=self.governance_rpc)
        recipients = kind.audience(peers, event["payload"])
        params, link = kind.subject(peers, event["payload"])
        owe_webhooks = webhooks.owed_of(self.db, self.events_rpc, kind.event_type, event)
        calendar = None
        if kind.invitation:
            with self.db.transaction() as tx:  # closed before the invitation is asked for
                owed = inbox.emails_owed(tx.session, kind.event_type, recipients)
            if owed:
                calendar = kind.invitation(peers, event["payload"], recipients)

        def write(tx):
            inbox.deliver(tx, recipients, kind.event_type, params, event["event_id"], link,
                          self.config["PUBLIC_URL"], quiet_hours=self.config["QUIET_HOURS"],
                          calendar=calendar)
            sms.owe_to_registrants(tx, SmsRules.from_config(self.config), kind.event_type,
                                   event["payload"].get("event_id"), recipients, params, link,
                                   _now())
            owe_webhooks(tx)
        return write

    tell.__name__ = tell.__qualname__ = kind.handler
    return bus_handler(kind.source, kind.event_type)(tell)


@_told_of_every_kind
class NotificationsService(QubiService):
    name = "notifications"
    db = Database(Base.metadata)
    directory_rpc = ServiceRpc("directory")
    events_rpc = ServiceRpc("events")
    governance_rpc = ServiceRpc("governance")
    config = Config()
    cipher = DataCipher()

    @bus_handler("directory", "invitation_sent")
    def on_invitation_sent(self, event):
        return lambda tx: account_mail.owe(tx, event, self.cipher, self.config["PUBLIC_URL"])

    @bus_handler("directory", "password_reset_requested")
    def on_password_reset_requested(self, event):
        return lambda tx: account_mail.owe(tx, event, self.cipher, self.config["PUBLIC_URL"])

    @bus_handler("events", "registration_requested")
    def on_registration_requested(self, event):
        owe_webhooks = webhooks.owed_of(self.db, self.events_rpc, "registration_requested",
                                        event)

        def write(tx):
            registration_mail.owe(tx, event, self.cipher, self.config["PUBLIC_URL"],
                                  SmsRules.from_config(self.config), _now())
            owe_webhooks(tx)
        return write

    @bus_handler("referrals", "referral_family_card")
    def on_referral_family_card(self, event):
        return lambda tx: family_card_sms.owe(tx, event, self.cipher,
                                              SmsRules.from_config(self.config), _now())

    @timer(interval=2)
    def send_mail(self):
        settings = mailer.MailSettings.from_url(self.config["SMTP_URL"], self.config["MAIL_FROM"])
        mailer.send_due(self.db.store, settings, _now(), int(self.config["MAIL_MAX_ATTEMPTS"]))

    @timer(interval=2)
    def send_sms(self):
        sms_sending.send_due(self.db.store, sms_sending.SmsGateway.from_config(self.config),
                             _now(), SmsRules.from_config(self.config).max_attempts)

    @timer(interval=2)
    def send_webhooks(self):
        webhook_sending.send_due(self.db, webhooks.WebhookRules.from_config(self.config),
                                 self.cipher, _now())

    @timer(interval=3600)
    def forget_old_webhook_deliveries(self):
        with self.db.transaction() as tx:
            webhooks.forget_old(tx, _now())

    @rpc
    def list_webhooks(self):
        with self.db.transaction() as tx:
            return webhooks.listing(tx.session, self.caller)

    @rpc
    def create_webhook(self, data):
        return webhooks.create(self.db, self.caller, load(NewWebhookSchema, data), self.cipher,
                               webhooks.WebhookRules.from_config(self.config), _now())

    @rpc
    def delete_webhook(self, webhook_id):
        with self.db.transaction() as tx:
            webhooks.remove(tx, self.caller, webhook_id)

    @rpc
    def webhook_deliveries(self, webhook_id, query=None):
        args = load(PageArgs, query)
        with self.db.transaction() as tx:
            return webhooks.deliveries(tx.session, self.caller, webhook_id, args["page"],
                                       args["per_page"])

    @rpc
    def sms_delivery_report(self, sms_id, query=None):
        """From the SMS gateway (Kannel's dlr-url), with the token given with that SMS."""
        report = load(DeliveryReportSchema, query)
        with self.db.transaction() as tx:
            sms.record_report(tx.session, SmsRules.from_config(self.config), sms_id,
                              report["token"], report["status"], _now())

    @rpc
    def sms_received(self, query=None):
        """From the SMS gateway (Kannel's get-url), with the token it was configured with: an
        SMS a family sent, "STOP" opting its number out."""
        received = load(ReceivedSmsSchema, query)
        sms.require_token(self.config["SMS_INBOUND_TOKEN"], received["token"])
        with self.db.transaction() as tx:
            return {"stopped": sms.receive(tx.session, received["sender"], received["text"],
                                           _now())}

    @rpc
    def follow_short_link(self, code):
        """The page of the site a short link of an SMS leads to."""
        with self.db.transaction() as tx:
            return {"target": sms.follow(tx.session, code, _now())}

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
            page = inbox.inbox_page(tx.session, self.caller, args["page"], args["per_page"],
                                    args["unread"])
            statuses = inbox.email_statuses(tx.session, page["items"])
            page["items"] = [NOTIFICATION.dump(inbox.present(n, language, statuses.get(n.id)))
                             for n in page["items"]]
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


def _now():
    return datetime.now(timezone.utc)
