"""The referrals service's tables. Families are pseudonymous: a reference code, municipio,
zone and children's ages in clear; everything that names or reaches a person is encrypted."""
from datetime import date, datetime

from sqlalchemy import (JSON, Boolean, Date, ForeignKey, Index, Integer, LargeBinary, String, Text,
                        UniqueConstraint)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from services.common.database import UtcDateTime, define_bus_tables, new_id, utcnow


class Base(DeclarativeBase):
    pass


OUTBOX, PROCESSED = define_bus_tables(Base.metadata)


class Family(Base):
    """A family as one organisation knows it: referred twice, it is the same record."""
    __tablename__ = "families"
    __table_args__ = (UniqueConstraint("owner_id", "reference"),)
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    # the organisation that knows the family by `reference` (a social worker's own id when
    # the social worker referred the family)
    owner_id: Mapped[str] = mapped_column(String(36))
    reference: Mapped[str] = mapped_column(String(60))
    municipio: Mapped[int] = mapped_column(Integer)
    zone: Mapped[str | None] = mapped_column(String(120))
    children_ages: Mapped[list] = mapped_column(JSON, default=list)
    personal: Mapped[bytes | None] = mapped_column(LargeBinary)  # encrypted JSON
    erased_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


# the lists' order, after the column a list is chosen by (listing.py walks these backwards)
LIST_ORDER = ("overdue_waiting", "sent_at")


class Referral(Base):
    __tablename__ = "referrals"
    __table_args__ = (
        *(Index(f"ix_referrals_{column}_listed", column, *LIST_ORDER, "id")
          for column in ("from_user_id", "from_organization_id", "to_organization_id")),
        # an inbox's total, counted in the index: what its senders are decides what it holds
        Index("ix_referrals_received", "to_organization_id", "status", "from_organization_id",
              "from_user_id"),
        # a report's part months: the family's municipio's referrals sent in a few days
        Index("ix_referrals_municipio_sent_at", "municipio", "sent_at"))
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    family_id: Mapped[str] = mapped_column(ForeignKey("families.id"), index=True)
    from_organization_id: Mapped[str | None] = mapped_column(String(36))
    from_user_id: Mapped[str] = mapped_column(String(36))
    to_organization_id: Mapped[str] = mapped_column(String(36))
    to_service_id: Mapped[str | None] = mapped_column(String(36))
    municipio: Mapped[int] = mapped_column(Integer, index=True)  # the family's
    to_municipi: Mapped[list] = mapped_column(JSON, default=list)  # the receiver's networks
    needs: Mapped[list] = mapped_column(JSON, default=list)
    summary: Mapped[str | None] = mapped_column(Text)
    urgency: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(12), index=True)
    sent_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    deadline_at: Mapped[datetime] = mapped_column(UtcDateTime())
    overdue_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    escalated_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    accepted_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    declined_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    decline_reason: Mapped[str | None] = mapped_column(String(30))
    completed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    outcome: Mapped[str | None] = mapped_column(String(30))
    withdrawn_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    withdraw_reason: Mapped[str | None] = mapped_column(String(300))
    held_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    held_until: Mapped[date | None] = mapped_column(Date)
    hold_reason: Mapped[str | None] = mapped_column(String(300))
    started_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    forwarded_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    # a forward proposed by the receiver, waiting for the sender's or social worker's word
    forward_pending: Mapped[bool] = mapped_column(Boolean, default=False)
    # a forwarded family's chain: the first referral's id (its own for a first), the one
    # before, and the organisation that passed it on
    chain_id: Mapped[str | None] = mapped_column(String(36), index=True)
    previous_referral_id: Mapped[str | None] = mapped_column(String(36))
    forwarded_by_organization_id: Mapped[str | None] = mapped_column(String(36))
    family_answer: Mapped[str | None] = mapped_column(String(15))  # the card's latest word
    # waiting on the receiver past its deadline, so listed first (upkeep.py keeps it, here and
    # in referral_municipi)
    overdue_waiting: Mapped[bool] = mapped_column(Boolean, default=False)
    family: Mapped[Family] = relationship(lazy="joined")
    consent: Mapped["Consent"] = relationship(lazy="joined", uselist=False,
                                              cascade="all, delete-orphan")
    notes: Mapped[list["Note"]] = relationship(lazy="selectin", cascade="all, delete-orphan",
                                               order_by="Note.created_at")

    listings: Mapped[list["ReferralMunicipio"]] = relationship(cascade="all, delete-orphan")

    @property
    def closed_at(self):
        return self.completed_at or self.declined_at or self.withdrawn_at or self.forwarded_at


class ReferralMunicipio(Base):
    """A municipio whose social workers and coordinators see the referral: the family's and
    each of the receiver's (`to_municipi`), with the list order's columns, so that a
    municipio's list is one walk down an index."""
    __tablename__ = "referral_municipi"
    __table_args__ = (Index("ix_referral_municipi_listed", "municipio", *LIST_ORDER,
                            "referral_id"),)
    referral_id: Mapped[str] = mapped_column(ForeignKey("referrals.id"), primary_key=True)
    municipio: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    overdue_waiting: Mapped[bool] = mapped_column(Boolean, default=False)
    sent_at: Mapped[datetime] = mapped_column(UtcDateTime())


class Tally(Base):
    """The overview's counts of one municipio's referrals, kept by every write (upkeep.py):
    `kind` status, outcome, month (sent, YYYY-MM), overdue, or wait (days to acceptance, in
    tenths of a day); each but month also per month of sending (statistics.MONTHLY)."""
    __tablename__ = "referral_tallies"
    municipio: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    kind: Mapped[str] = mapped_column(String(10), primary_key=True)
    key: Mapped[str] = mapped_column(String(30), primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)


class Consent(Base):
    """Given by a guardian, for this referral's receiving organisation only."""
    __tablename__ = "consents"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    referral_id: Mapped[str] = mapped_column(ForeignKey("referrals.id"), unique=True)
    given_by: Mapped[bytes | None] = mapped_column(LargeBinary)  # encrypted: a guardian's name
    method: Mapped[str] = mapped_column(String(10))
    obtained_at: Mapped[datetime] = mapped_column(UtcDateTime())
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())
    scope_organization_id: Mapped[str] = mapped_column(String(36))
    withdrawn_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class Note(Base):
    __tablename__ = "notes"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    referral_id: Mapped[str] = mapped_column(ForeignKey("referrals.id"), index=True)
    author_user_id: Mapped[str] = mapped_column(String(36))
    author_role: Mapped[str] = mapped_column(String(20))
    body: Mapped[bytes | None] = mapped_column(LargeBinary)  # encrypted
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class AuditEntry(Base):
    """Who saw the family's personal data, or changed the referral, and when."""
    __tablename__ = "audit_entries"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    referral_id: Mapped[str] = mapped_column(ForeignKey("referrals.id"), index=True)
    user_id: Mapped[str | None] = mapped_column(String(36))
    role: Mapped[str] = mapped_column(String(20))
    action: Mapped[str] = mapped_column(String(40))
    at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class ForwardProposal(Base):
    """A receiver's proposal to pass the family on, with the guardian's consent for the new
    receiver; the sender or the municipio's social worker agrees or refuses."""
    __tablename__ = "forward_proposals"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    referral_id: Mapped[str] = mapped_column(ForeignKey("referrals.id"), index=True)
    to_organization_id: Mapped[str] = mapped_column(String(36))
    to_service_id: Mapped[str | None] = mapped_column(String(36))
    to_municipi: Mapped[list] = mapped_column(JSON, default=list)
    reason: Mapped[str] = mapped_column(String(30))
    proposed_by_user_id: Mapped[str] = mapped_column(String(36))
    proposed_at: Mapped[datetime] = mapped_column(UtcDateTime())
    consent_given_by: Mapped[bytes | None] = mapped_column(LargeBinary)  # encrypted
    consent_method: Mapped[str] = mapped_column(String(10))
    consent_obtained_at: Mapped[datetime] = mapped_column(UtcDateTime())
    consent_expires_at: Mapped[datetime] = mapped_column(UtcDateTime())
    status: Mapped[str] = mapped_column(String(10), default="proposed")  # agreed, refused
    decided_by_user_id: Mapped[str | None] = mapped_column(String(36))
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    refuse_reason: Mapped[str | None] = mapped_column(String(300))
    new_referral_id: Mapped[str | None] = mapped_column(String(36))


class FamilyCard(Base):
    """The card a family answers with, by its code alone: only the code's hash is kept."""
    __tablename__ = "family_cards"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    referral_id: Mapped[str] = mapped_column(ForeignKey("referrals.id"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    channel: Mapped[str] = mapped_column(String(10))  # print, sms
    issued_at: Mapped[datetime] = mapped_column(UtcDateTime())
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    answer: Mapped[str | None] = mapped_column(String(15))  # met, not_contacted
    answered_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    # a "nobody called us" waits for the receiver until `due_at`, then is escalated
    due_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    resolved_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    escalated_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class UnmetNeed(Base):
    """One sign of a need the network could not meet, when it happened: a decline or forward
    for no capacity or a service not provided, an overdue wait, a hold, a family's "nobody
    called us" (the radar, radar.py, counts them by the referral's needs and zone)."""
    __tablename__ = "unmet_needs"
    __table_args__ = (Index("ix_unmet_needs_municipio_at", "municipio", "at"),)
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    referral_id: Mapped[str] = mapped_column(ForeignKey("referrals.id"), index=True)
    municipio: Mapped[int] = mapped_column(Integer)  # the family's
    kind: Mapped[str] = mapped_column(String(30))
    at: Mapped[datetime] = mapped_column(UtcDateTime())


class CodeCounter(Base):
    """The yearly sequence behind codes such as R-2026-0042."""
    __tablename__ = "code_counters"
    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    value: Mapped[int] = mapped_column(Integer, default=0)
