"""The directory's tables: networks, organisations and memberships, locations, services with
their schedules, closed dates and phones, governance bodies, and the users of the platform."""
from datetime import date, datetime

from sqlalchemy import (JSON, BigInteger, Boolean, Date, Float, ForeignKey, Index, Integer,
                        LargeBinary, String, Text, UniqueConstraint, false)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from services.common.database import UtcDateTime, define_bus_tables, new_id, utcnow


class Base(DeclarativeBase):
    pass


OUTBOX, PROCESSED = define_bus_tables(Base.metadata)


class Network(Base):
    __tablename__ = "networks"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    municipio: Mapped[int] = mapped_column(Integer, unique=True)
    name: Mapped[str] = mapped_column(String(200))
    zones: Mapped[list] = mapped_column(JSON, default=list)


class Organization(Base):
    __tablename__ = "organizations"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(200), index=True)
    legal_form: Mapped[str | None] = mapped_column(String(80))
    tax_code: Mapped[str | None] = mapped_column(String(16))
    email: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(40))
    website: Mapped[str | None] = mapped_column(String(300))
    description: Mapped[str | None] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow,
                                                 onupdate=utcnow)
    memberships: Mapped[list["Membership"]] = relationship(
        back_populates="organization", cascade="all, delete-orphan", lazy="selectin")

    @property
    def municipi(self) -> list:
        return sorted(m.network.municipio for m in self.memberships)

    @property
    def level(self) -> int | None:
        return min((m.level for m in self.memberships), default=None)


class Membership(Base):
    __tablename__ = "memberships"
    # a network's organisations are read from the second index alone (lists of a municipio)
    __table_args__ = (UniqueConstraint("organization_id", "network_id"),
                      Index("ix_memberships_network_organization", "network_id", "organization_id"))
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    organization_id: Mapped[str] = mapped_column(ForeignKey("organizations.id"), index=True)
    network_id: Mapped[str] = mapped_column(ForeignKey("networks.id"))
    level: Mapped[int] = mapped_column(Integer, default=1)
    organization: Mapped[Organization] = relationship(back_populates="memberships")
    network: Mapped[Network] = relationship(lazy="joined")


class Location(Base):
    __tablename__ = "locations"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    name: Mapped[str | None] = mapped_column(String(200))
    address: Mapped[str | None] = mapped_column(String(300))
    postal_code: Mapped[str | None] = mapped_column(String(10))
    city: Mapped[str] = mapped_column(String(80), default="Milano")
    zone: Mapped[str | None] = mapped_column(String(120))
    zone_key: Mapped[str | None] = mapped_column(String(120), index=True)  # folded, for search
    municipio: Mapped[int | None] = mapped_column(Integer, index=True)
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    accessibility: Mapped[str | None] = mapped_column(Text)


class Service(Base):
    __tablename__ = "services"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    organization_id: Mapped[str] = mapped_column(ForeignKey("organizations.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    category: Mapped[str | None] = mapped_column(String(40), index=True)  # kind of action
    dimension: Mapped[str | None] = mapped_column(String(40), index=True)
    min_age: Mapped[int | None] = mapped_column(Integer)
    max_age: Mapped[int | None] = mapped_column(Integer)
    languages: Mapped[list] = mapped_column(JSON, default=list)
    free: Mapped[bool] = mapped_column(Boolean, default=True)
    cost_note: Mapped[str | None] = mapped_column(String(300))
    eligibility: Mapped[str | None] = mapped_column(Text)
    email: Mapped[str | None] = mapped_column(String(200))
    url: Mapped[str | None] = mapped_column(String(300))
    status: Mapped[str] = mapped_column(String(20), default="active", index=True)
    revision: Mapped[int] = mapped_column(Integer, default=0, index=True)  # see CatalogRevision
    # the municipio whose count of listed services holds it (listing.py), None: not counted
    counted_in: Mapped[int | None] = mapped_column(Integer)
    location_id: Mapped[str | None] = mapped_column(ForeignKey("locations.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow,
                                                 onupdate=utcnow)
    organization: Mapped[Organization] = relationship(lazy="joined")
    location: Mapped[Location | None] = relationship(lazy="joined", cascade="all")
    schedules: Mapped[list["Schedule"]] = relationship(cascade="all, delete-orphan",
                                                       lazy="selectin", order_by="Schedule.weekday")
    closed_dates: Mapped[list["ClosedDate"]] = relationship(cascade="all, delete-orphan",
                                                            lazy="selectin")
    phones: Mapped[list["Phone"]] = relationship(cascade="all, delete-orphan", lazy="selectin")


class CatalogRevision(Base):
    """One counter, bumped in the same transaction as any change to a service, so each
    directory process can bring its search index up to date with just the changed rows."""
    __tablename__ = "catalog_revision"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    value: Mapped[int] = mapped_column(Integer, default=0)


class MunicipioCount(Base):
    """A municipio's organisations (memberships of its network) and listed services, counted
    in the transaction of each change (listing.py), for the overview report."""
    __tablename__ = "municipio_counts"
    municipio: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    organizations: Mapped[int] = mapped_column(Integer, default=0)
    services: Mapped[int] = mapped_column(Integer, default=0)


class Schedule(Base):
    """A weekly opening slot, in Europe/Rome time; a day may have several."""
    __tablename__ = "schedules"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    service_id: Mapped[str] = mapped_column(ForeignKey("services.id"), index=True)
    weekday: Mapped[int] = mapped_column(Integer)  # 1 = Monday ... 7 = Sunday
    opens_at: Mapped[str] = mapped_column(String(5))  # "HH:MM"
    closes_at: Mapped[str] = mapped_column(String(5))
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)


class ClosedDate(Base):
    """A day the service is closed although a slot says open (a holiday)."""
    __tablename__ = "closed_dates"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    service_id: Mapped[str] = mapped_column(ForeignKey("services.id"), index=True)
    day: Mapped[date] = mapped_column(Date)
    reason: Mapped[str | None] = mapped_column(String(200))


class Phone(Base):
    __tablename__ = "phones"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    service_id: Mapped[str] = mapped_column(ForeignKey("services.id"), index=True)
    number: Mapped[str] = mapped_column(String(40))
    description: Mapped[str | None] = mapped_column(String(200))


class ServiceCapacity(Base):
    """What a service's own organisation last said of its places (capacity.py): one row per
    service that ever said it, replaced at each statement."""
    __tablename__ = "service_capacities"
    service_id: Mapped[str] = mapped_column(ForeignKey("services.id"), primary_key=True)
    available: Mapped[int] = mapped_column(Integer)
    waiting_list: Mapped[int] = mapped_column(Integer)
    note: Mapped[str | None] = mapped_column(String(300))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_by: Mapped[str] = mapped_column(String(36))  # the user who said it


class Project(Base):
    """A progetto unitario: one per municipio, and one for the city-wide system actions."""
    __tablename__ = "projects"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    municipio: Mapped[int | None] = mapped_column(Integer)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)


class GovernanceBody(Base):
    """The cabina di regia (city), a coordinamento municipale, or a gruppo di progetto."""
    __tablename__ = "governance_bodies"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    kind: Mapped[str] = mapped_column(String(30))  # city_committee|municipal_coordination|project_group
    name: Mapped[str] = mapped_column(String(200), unique=True)
    municipio: Mapped[int | None] = mapped_column(Integer)
    project_id: Mapped[str | None] = mapped_column(ForeignKey("projects.id"))
    members: Mapped[list["BodyMember"]] = relationship(cascade="all, delete-orphan",
                                                       lazy="selectin")


class BodyMember(Base):
    __tablename__ = "body_members"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    body_id: Mapped[str] = mapped_column(ForeignKey("governance_bodies.id"), index=True)
    organization_id: Mapped[str | None] = mapped_column(ForeignKey("organizations.id"))
    user_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"))
    role: Mapped[str | None] = mapped_column(String(80))


class User(Base):
    __tablename__ = "users"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    password_hash: Mapped[str] = mapped_column(String(300))
    display_name: Mapped[str | None] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(200), index=True)
    language: Mapped[str] = mapped_column(String(5), default="it")
    organization_id: Mapped[str | None] = mapped_column(ForeignKey("organizations.id"), index=True)
    roles: Mapped[list] = mapped_column(JSON, default=list)
    municipi: Mapped[list] = mapped_column(JSON, default=list)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    locked_until: Mapped[datetime | None] = mapped_column(UtcDateTime())
    created_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    # TOTP (RFC 6238): the secret sealed with the data keys; pending until a first code confirms it
    mfa_secret: Mapped[bytes | None] = mapped_column(LargeBinary)
    mfa_enabled: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    mfa_last_step: Mapped[int | None] = mapped_column(BigInteger)  # a code is good once
    # demo accounts only: they log in without a second factor whatever their role
    mfa_exempt: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class RecoveryCode(Base):
    """One-time codes for a lost authenticator, kept as SHA-256 digests (they are random)."""
    __tablename__ = "recovery_codes"
    code_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"), index=True)
    used_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class Invitation(Base):
    """An emailed one-time link that creates an account with the role and scope it names."""
    __tablename__ = "invitations"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    email: Mapped[str] = mapped_column(String(200), index=True)
    display_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(30))
    organization_id: Mapped[str | None] = mapped_column(ForeignKey("organizations.id"), index=True)
    municipi: Mapped[list] = mapped_column(JSON, default=list)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    status: Mapped[str] = mapped_column(String(10), default="pending", index=True)
    invited_by: Mapped[str] = mapped_column(String(36))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    user_id: Mapped[str | None] = mapped_column(String(36))  # the account it created


class PasswordReset(Base):
    __tablename__ = "password_resets"
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class AccountEvent(Base):
    """What happened to an account and who did it: grants, changes, deactivations, resets."""
    __tablename__ = "account_events"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    user_id: Mapped[str] = mapped_column(String(36), index=True)
    actor_id: Mapped[str | None] = mapped_column(String(36))
    action: Mapped[str] = mapped_column(String(30))
    details: Mapped[dict] = mapped_column(JSON, default=dict)
    at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow, index=True)


class RefreshToken(Base):
    """Every refresh token issued, by login session. Only a SHA-256 digest is kept (the tokens
    are random, so a slow hash adds nothing). A token is used once (`used_at`); a session ends
    when its tokens are revoked (`revoked_at`), and the gateways learn of it from there."""
    __tablename__ = "refresh_tokens"
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    session_id: Mapped[str] = mapped_column(String(36), index=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"))
    issued_at: Mapped[datetime] = mapped_column(UtcDateTime())
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    used_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), index=True)
    mfa: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class SingleSignOnIdentity(Base):
    """A person of an identity provider (its issuer and their subject there) and the account
    they log in to by single sign-on."""
    __tablename__ = "single_sign_on_identities"
    issuer: Mapped[str] = mapped_column(String(300), primary_key=True)
    subject: Mapped[str] = mapped_column(String(255), primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"), index=True)
    linked_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
