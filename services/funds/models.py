"""The funds service's tables: each network's budget per period, the requests to spend it with
their decisions (and the governance bodies' decisions that authorise them), and the ledger.

Money is kept in integer cents. A budget carries running totals (funded, committed, spent)
that move only together with a ledger entry, in the same transaction, with the budget row
locked; the database itself refuses a budget whose available balance would go below zero.
Ledger entries and decisions are never changed or deleted: a correction is a new entry.
Children are named by a code only (a referral's code, or the family's reference at the
requesting organisation), never by name.
"""
from datetime import date, datetime

from sqlalchemy import (BigInteger, Boolean, CheckConstraint, Date, ForeignKey, Index, Integer,
                        String, Text, UniqueConstraint, event)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from services.common.database import UtcDateTime, define_bus_tables, new_id, utcnow
from services.funds.contract import APPROVED, CANCELLED, DEFAULT_THRESHOLD_CENTS, PAID


class Base(DeclarativeBase):
    pass


OUTBOX, PROCESSED = define_bus_tables(Base.metadata)


class Budget(Base):
    """A network's fondo di comunità for one period of the project ("2025-2026")."""
    __tablename__ = "budgets"
    __table_args__ = (
        UniqueConstraint("municipio", "period"),
        CheckConstraint("funded_cents - committed_cents - spent_cents >= 0",
                        name="ck_budgets_never_overdrawn"),
        CheckConstraint("committed_cents >= 0", name="ck_budgets_committed_not_negative"),
        CheckConstraint("spent_cents >= 0", name="ck_budgets_spent_not_negative"),
    )
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    municipio: Mapped[int] = mapped_column(Integer, index=True)
    period: Mapped[str] = mapped_column(String(9))
    # above this amount the city tier approves after the municipal coordination
    approval_threshold_cents: Mapped[int] = mapped_column(BigInteger,
                                                          default=DEFAULT_THRESHOLD_CENTS)
    funded_cents: Mapped[int] = mapped_column(BigInteger, default=0)     # top-ups
    committed_cents: Mapped[int] = mapped_column(BigInteger, default=0)  # approved, not yet paid
    spent_cents: Mapped[int] = mapped_column(BigInteger, default=0)      # paid
    entry_count: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    created_by_user_id: Mapped[str | None] = mapped_column(String(36))
    # what its top-ups brought by source (its budget_totals rows of the section "source")
    sources: Mapped[list["BudgetTotal"]] = relationship(
        primaryjoin="and_(Budget.id == BudgetTotal.budget_id, BudgetTotal.section == 'source')",
        viewonly=True)

    @property
    def available_cents(self) -> int:
        return self.funded_cents - self.committed_cents - self.spent_cents


class FundRequest(Base):
    """A partner's or social worker's request to spend part of a budget."""
    __tablename__ = "fund_requests"
    __table_args__ = (
        CheckConstraint("paid_cents + released_cents <= amount_cents",
                        name="ck_fund_requests_within_amount"),
        # the list's order (the latest first): for the city, and for each way others see them
        Index("ix_fund_requests_submitted_at_code", "submitted_at", "code"),
        Index("ix_fund_requests_municipio_submitted_at", "municipio", "submitted_at", "code"),
        Index("ix_fund_requests_organization_submitted_at", "organization_id", "submitted_at",
              "code"),
        Index("ix_fund_requests_requester_submitted_at", "requested_by_user_id", "submitted_at",
              "code"),
    )
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    budget_id: Mapped[str] = mapped_column(ForeignKey("budgets.id"), index=True)
    municipio: Mapped[int] = mapped_column(Integer)  # the budget's
    period: Mapped[str] = mapped_column(String(9))
    kind: Mapped[str] = mapped_column(String(12))
    action: Mapped[str | None] = mapped_column(String(200))  # the collective action
    referral_code: Mapped[str | None] = mapped_column(String(20))
    family_reference: Mapped[str | None] = mapped_column(String(60))
    purpose: Mapped[str] = mapped_column(Text)
    category: Mapped[str] = mapped_column(String(30))
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    supplier: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(15), index=True)
    requested_by_user_id: Mapped[str] = mapped_column(String(36))
    requested_by_role: Mapped[str] = mapped_column(String(20))
    organization_id: Mapped[str | None] = mapped_column(String(36))
    # set when the municipal coordination approved: did the amount need the city too?
    needs_city: Mapped[bool | None] = mapped_column(Boolean)
    paid_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    released_cents: Mapped[int] = mapped_column(BigInteger, default=0)  # cancelled commitment
    submitted_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    decisions: Mapped[list["Decision"]] = relationship(lazy="selectin",
                                                      order_by="Decision.position")
    budget: Mapped[Budget] = relationship(lazy="selectin")  # a page's budgets in one query

    @property
    def committed_cents(self) -> int:
        """What is still committed to this request: approved and neither paid nor released."""
        if self.status not in (APPROVED, PAID, CANCELLED):
            return 0
        return self.amount_cents - self.paid_cents - self.released_cents


class Decision(Base):
    """One step of a request's approval path, with its reason. Never changed afterwards."""
    __tablename__ = "decisions"
    __table_args__ = (UniqueConstraint("request_id", "position"),)
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    request_id: Mapped[str] = mapped_column(ForeignKey("fund_requests.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    stage: Mapped[str] = mapped_column(String(12))    # municipal | city | requester
    outcome: Mapped[str] = mapped_column(String(12))  # approved|rejected|withdrawn|cancelled
    reason: Mapped[str] = mapped_column(Text)
    user_id: Mapped[str | None] = mapped_column(String(36))
    role: Mapped[str] = mapped_column(String(20))
    at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class GovernanceDecision(Base):
    """A decision of a governance body (the governance service's) that authorises a request: its
    words as that service told them, kept here so that the request shows it."""
    __tablename__ = "governance_decisions"
    request_id: Mapped[str] = mapped_column(ForeignKey("fund_requests.id"), primary_key=True)
    decision_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    body_name: Mapped[str] = mapped_column(String(200))
    decided_on: Mapped[date] = mapped_column(Date)
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class LedgerEntry(Base):
    """One movement of a budget, in order (`position`). Amounts are signed: a reversal carries
    the opposite amount of the entry it corrects, which stays as it was."""
    __tablename__ = "ledger_entries"
    __table_args__ = (
        UniqueConstraint("budget_id", "position"),
        CheckConstraint("available_after_cents >= 0", name="ck_ledger_entries_never_overdrawn"),
        Index("ix_ledger_entries_budget_receipt", "budget_id", "receipt_reference"),
    )
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    budget_id: Mapped[str] = mapped_column(ForeignKey("budgets.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(15))
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    available_after_cents: Mapped[int] = mapped_column(BigInteger)
    booked_on: Mapped[date] = mapped_column(Date)  # the day it counts for (a payment: paid on)
    # top-ups
    source: Mapped[str | None] = mapped_column(String(15))
    description: Mapped[str | None] = mapped_column(String(300))
    reference: Mapped[str | None] = mapped_column(String(100))
    # commitments, payments, cancellations: the request, and what it is for
    request_id: Mapped[str | None] = mapped_column(ForeignKey("fund_requests.id"), index=True)
    request: Mapped[FundRequest | None] = relationship(viewonly=True)
    request_code: Mapped[str | None] = mapped_column(String(20))
    request_kind: Mapped[str | None] = mapped_column(String(12))
    category: Mapped[str | None] = mapped_column(String(30))
    action: Mapped[str | None] = mapped_column(String(200))
    # payments
    paid_on: Mapped[date | None] = mapped_column(Date)
    receipt_reference: Mapped[str | None] = mapped_column(String(100))
    # corrections
    reverses_id: Mapped[str | None] = mapped_column(ForeignKey("ledger_entries.id"), unique=True)
    reason: Mapped[str | None] = mapped_column(Text)
    recorded_by_user_id: Mapped[str | None] = mapped_column(String(36))
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class BudgetTotal(Base):
    """A budget's figures, added up as its entries and requests are written, in the same
    transaction: the reports read these, never the entries one by one.

    For the entries, `section` is source (top-ups, `item` the source: `funded_cents`),
    category, month (the day it counts for), action (collective costs) or children (children's
    costs, `item` empty): what they committed, spent and approved (commitments net of
    cancellations), and `number`, the requests they committed. For the requests, `section` is
    requests, `item` a status and `number` how many are in it now."""
    __tablename__ = "budget_totals"
    budget_id: Mapped[str] = mapped_column(ForeignKey("budgets.id"), primary_key=True)
    section: Mapped[str] = mapped_column(String(10), primary_key=True)
    item: Mapped[str] = mapped_column(String(200), primary_key=True)
    funded_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    committed_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    spent_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    approved_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    number: Mapped[int] = mapped_column(Integer, default=0)


class CodeCounter(Base):
    """The yearly sequence behind request codes such as F-2026-0042."""
    __tablename__ = "code_counters"
    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    value: Mapped[int] = mapped_column(Integer, default=0)


@event.listens_for(LedgerEntry, "before_update")
@event.listens_for(LedgerEntry, "before_delete")
@event.listens_for(Decision, "before_update")
@event.listens_for(Decision, "before_delete")
def _written_once(_mapper, _connection, target):
    raise PermissionError(f"{type(target).__name__} rows are never changed: "
                          "record a correcting entry instead.")
