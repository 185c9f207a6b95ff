"""The notifications service's tables: each person's inbox, their preferences, and the emails
owed (one row per email, with its delivery status)."""
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
    notification: Mapped[Notification | None] = relationship()
