"""The governance service's tables: meetings with the invited as they were when convened, their
minutes in versions (an approved version never changes), the decisions with their links, the
actions, and the documents' records (their bytes are in the document storage)."""
from datetime import date, datetime

from sqlalchemy import (JSON, Boolean, Date, ForeignKey, Index, Integer, String, Text,
                        UniqueConstraint)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from services.common.database import UtcDateTime, define_bus_tables, new_id, utcnow


class Base(DeclarativeBase):
    pass


OUTBOX, PROCESSED = define_bus_tables(Base.metadata)


class Meeting(Base):
    """A meeting of a body; the body's kind, name and municipio are kept as they were."""
    __tablename__ = "meetings"
    __table_args__ = (Index("ix_meetings_body_starts", "body_id", "starts_at"),)
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    body_id: Mapped[str] = mapped_column(String(36))
    body_kind: Mapped[str] = mapped_column(String(30))
    body_name: Mapped[str] = mapped_column(String(200))
    municipio: Mapped[int | None] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    starts_at: Mapped[datetime] = mapped_column(UtcDateTime())
    ends_at: Mapped[datetime] = mapped_column(UtcDateTime())
    place: Mapped[str | None] = mapped_column(String(300))
    online_url: Mapped[str | None] = mapped_column(String(500))
    agenda: Mapped[list] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(20), default="scheduled")
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    chair_user_id: Mapped[str] = mapped_column(String(36))
    cancel_reason: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    invitees: Mapped[list["Invitee"]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="Invitee.position")


class Invitee(Base):
    """A person or an organisation invited to a meeting: its answer, and whether it came."""
    __tablename__ = "invitees"
    __table_args__ = (UniqueConstraint("meeting_id", "member_id"),
                      Index("ix_invitees_member", "member_id"))
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    meeting_id: Mapped[str] = mapped_column(ForeignKey("meetings.id"))
    member_id: Mapped[str] = mapped_column(String(36))  # a user's or an organisation's id
    kind: Mapped[str] = mapped_column(String(20))  # person | organization
    name: Mapped[str | None] = mapped_column(String(200))
    role: Mapped[str | None] = mapped_column(String(80))
    position: Mapped[int] = mapped_column(Integer, default=0)
    answer: Mapped[str | None] = mapped_column(String(10))
    answered_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    answered_by_user_id: Mapped[str | None] = mapped_column(String(36))
    attended: Mapped[bool | None] = mapped_column(Boolean)


class Minutes(Base):
    """One version of a meeting's minutes. Approved, its text is frozen: a correction is the
    next version, with its reason."""
    __tablename__ = "minutes"
    __table_args__ = (UniqueConstraint("meeting_id", "version"),)
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    meeting_id: Mapped[str] = mapped_column(ForeignKey("meetings.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20), default="draft")
    text: Mapped[str] = mapped_column(Text)
    reason: Mapped[str | None] = mapped_column(String(500))
    drafted_by_user_id: Mapped[str] = mapped_column(String(36))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    circulated_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    approved_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    approved_by_user_id: Mapped[str | None] = mapped_column(String(36))
    comments: Mapped[list["MinutesComment"]] = relationship(
        lazy="selectin", order_by="MinutesComment.created_at")


class MinutesComment(Base):
    __tablename__ = "minutes_comments"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    minutes_id: Mapped[str] = mapped_column(ForeignKey("minutes.id"), index=True)
    user_id: Mapped[str] = mapped_column(String(36))
    author: Mapped[str | None] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class Decision(Base):
    __tablename__ = "decisions"
    __table_args__ = (Index("ix_decisions_body_day", "body_id", "decided_on"),)
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    meeting_id: Mapped[str] = mapped_column(ForeignKey("meetings.id"), index=True)
    body_id: Mapped[str] = mapped_column(String(36))
    body_kind: Mapped[str] = mapped_column(String(30), index=True)
    body_name: Mapped[str] = mapped_column(String(200))
    municipio: Mapped[int | None] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)
    decided_on: Mapped[date] = mapped_column(Date)
    created_by_user_id: Mapped[str] = mapped_column(String(36))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    links: Mapped[list["DecisionLink"]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="DecisionLink.position")


class DecisionLink(Base):
    """What a decision authorises here: a fund request, a drive, an event or an action."""
    __tablename__ = "decision_links"
    __table_args__ = (Index("ix_decision_links_target", "kind", "target_id"),)
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    decision_id: Mapped[str] = mapped_column(ForeignKey("decisions.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    target_id: Mapped[str] = mapped_column(String(36))
    position: Mapped[int] = mapped_column(Integer, default=0)


class Action(Base):
    """Who must do what by when; reminded once before it is due and once when overdue."""
    __tablename__ = "actions"
    __table_args__ = (Index("ix_actions_open_due", "status", "due_on"),)
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    meeting_id: Mapped[str] = mapped_column(ForeignKey("meetings.id"), index=True)
    decision_id: Mapped[str | None] = mapped_column(String(36))
    body_id: Mapped[str] = mapped_column(String(36), index=True)
    body_kind: Mapped[str] = mapped_column(String(30))
    body_name: Mapped[str] = mapped_column(String(200))
    municipio: Mapped[int | None] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str | None] = mapped_column(Text)
    assignee_user_id: Mapped[str | None] = mapped_column(String(36), index=True)
    assignee_organization_id: Mapped[str | None] = mapped_column(String(36), index=True)
    assignee_name: Mapped[str | None] = mapped_column(String(200))
    due_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(10), default="open")
    created_by_user_id: Mapped[str] = mapped_column(String(36))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    closed_by_user_id: Mapped[str | None] = mapped_column(String(36))
    close_note: Mapped[str | None] = mapped_column(Text)
    due_soon_told_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    overdue_told_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class Document(Base):
    """A file attached to a meeting; its bytes are in the storage under `storage_key`."""
    __tablename__ = "documents"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    meeting_id: Mapped[str] = mapped_column(ForeignKey("meetings.id"), index=True)
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    storage_key: Mapped[str] = mapped_column(String(100))
    uploaded_by_user_id: Mapped[str] = mapped_column(String(36))
    uploaded_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
