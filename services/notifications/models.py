"""The notifications service's tables: each person's inbox, their preferences, and the emails
owed (one row per email, with its delivery status), the SMS owed to families who registered
to an event with a phone or whose card was sent by SMS, the numbers that said STOP, the
short links of the SMS, and the partners' webhooks with what each was sent."""
from datetime import date, datetime

from sqlalchemy import (JSON, Boolean, Date, ForeignKey, Index, Integer, String, Text,
                        UniqueConstraint, false)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from services.common.database import UtcDateTime, define_bus_tables, new_id, utcnow


class Base(DeclarativeBase):
    pass


OUTBOX, PROCESSED = define_bus_tables(Base.metadata)


class Notification(Base):
    __tablename__ = "notifications"
    __table_args__ = (
        # one notification per person for one kind of thing that happened, however often told
        UniqueConstraint("event_id", "user_id", "kind"),
        # a page of a person's inbox, all or unread, read from either end without sorting
        Index("ix_notifications_inbox", "user_id", "created_at", "id"),
        Index("ix_notifications_unread", "user_id", "read_at", "created_at", "id"),
        # what the next digest gathers, without reading what earlier ones did
        Index("ix_notifications_digest_waiting", "channel", "digest_id", "created_at"))
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    user_id: Mapped[str] = mapped_column(String(80))
    kind: Mapped[str] = mapped_column(String(60))
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    link: Mapped[str | None] = mapped_column(String(300))
    event_id: Mapped[str] = mapped_column(String(36))
    channel: Mapped[str] = mapped_column(String(10), default="in_app")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    digest_id: Mapped[str | None] = mapped_column(String(36))  # the digest email it went in


class Preference(Base):
    __tablename__ = "preferences"
    user_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    kind: Mapped[str] = mapped_column(String(60), primary_key=True)
    channel: Mapped[str] = mapped_column(String(10))


class Recipient(Base):
    """What the service keeps of a person: where and in which language to write, and when not
    (quiet hours: from QUIET_HOURS when first met, then as the person sets them; none if null)."""
    __tablename__ = "recipients"
    user_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    email: Mapped[str | None] = mapped_column(String(200))
    language: Mapped[str] = mapped_column(String(5), default="it")
    quiet_from: Mapped[str | None] = mapped_column(String(5))
    quiet_to: Mapped[str | None] = mapped_column(String(5))
    # the inbox's counts, kept by the writes that change them (inbox.py)
    notifications: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    unread: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class Delivery(Base):
    """One email owed: pending -> sent, or failed after its last attempt, or bounced."""
    __tablename__ = "deliveries"
    __table_args__ = (UniqueConstraint("user_id", "digest_day"),)  # one digest a day
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    notification_id: Mapped[str | None] = mapped_column(ForeignKey("notifications.id"),
                                                        unique=True)
    user_id: Mapped[str] = mapped_column(String(80), index=True)
    to_address: Mapped[str] = mapped_column(String(200))
    subject: Mapped[str] = mapped_column(String(300))
    text: Mapped[str] = mapped_column(Text)
    html: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default="pending", index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow,
                                                      index=True)
    last_error: Mapped[str | None] = mapped_column(String(500))
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    digest_day: Mapped[date | None] = mapped_column(Date)
    # an invitation or reset link: its text is dropped once the email is sent or given up
    one_time_link: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    calendar: Mapped[str | None] = mapped_column(Text)  # an iCalendar invitation it carries
    notification: Mapped[Notification | None] = relationship()


class Sms(Base):
    """One SMS owed to the phone a family gave, about what it gave it for alone (the event it
    registered to, or the referral whose card it is sent): pending -> sent (the gateway took
    it) -> delivered, or failed (after its last attempt, or a report of failure past it); held
    when it was never to go (`reason`: the number said STOP, or a cap was reached)."""
    __tablename__ = "sms"
    __table_args__ = (
        Index("ix_sms_due", "status", "next_attempt_at"),
        # the caps: what one number was sent today, and about one event
        Index("ix_sms_number_day", "to_number", "created_at"),
        Index("ix_sms_number_event", "to_number", "event_id"))
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    kind: Mapped[str] = mapped_column(String(60))
    # what the number was given for: an event's registration, or a referral
    event_id: Mapped[str | None] = mapped_column(String(36))
    registration_id: Mapped[str | None] = mapped_column(String(36))
    referral_id: Mapped[str | None] = mapped_column(String(36))
    to_number: Mapped[str] = mapped_column(String(20))  # E.164
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default="pending")
    reason: Mapped[str | None] = mapped_column(String(20))  # why held
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    last_error: Mapped[str | None] = mapped_column(String(500))
    report_token: Mapped[str] = mapped_column(String(64))  # what a delivery report carries
    report_status: Mapped[int | None] = mapped_column(Integer)  # Kannel's last (1, 2, 8, 16)
    reported_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    delivered_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class SmsOptOut(Base):
    """A number that answered STOP: nothing more is sent to it."""
    __tablename__ = "sms_opt_outs"
    to_number: Mapped[str] = mapped_column(String(20), primary_key=True)
    opted_out_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class ShortLink(Base):
    """A link short enough for an SMS: /s/<code> leads to `target`, a page of the site, until
    it expires."""
    __tablename__ = "short_links"
    code: Mapped[str] = mapped_column(String(12), primary_key=True)
    target: Mapped[str] = mapped_column(String(300))
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())


class WebhookSubscription(Base):
    """A partner system's URL that hears `kinds` of what concerns its organisation (the city's,
    with no organisation, hears every one's): active, or disabled after persistent failure."""
    __tablename__ = "webhook_subscriptions"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    organization_id: Mapped[str | None] = mapped_column(String(36), index=True)
    url: Mapped[str] = mapped_column(String(500))
    kinds: Mapped[list] = mapped_column(JSON)
    sealed_secret: Mapped[str] = mapped_column(Text)  # the signing secret (DataCipher)
    status: Mapped[str] = mapped_column(String(10), default="active")
    created_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    disabled_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class WebhookDelivery(Base):
    """One event owed to one subscription, its id the `webhook-id` of every attempt:
    pending -> sent, or failed after its last attempt."""
    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        UniqueConstraint("subscription_id", "event_id"),  # however often the bus redelivers
        Index("ix_webhook_deliveries_due", "status", "next_attempt_at"),
        Index("ix_webhook_deliveries_log", "subscription_id", "created_at"))
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    subscription_id: Mapped[str] = mapped_column(ForeignKey("webhook_subscriptions.id",
                                                            ondelete="CASCADE"))
    event_id: Mapped[str] = mapped_column(String(36))
    kind: Mapped[str] = mapped_column(String(60))
    payload: Mapped[dict] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(10), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    last_status: Mapped[int | None] = mapped_column(Integer)  # the receiver's HTTP status
    last_answer: Mapped[str | None] = mapped_column(String(500))  # its words, or the error's
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
