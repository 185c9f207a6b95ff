"""The events service's tables: events with their organisers and registrations, donation
drives with their items, drop-off points, pledges and deliveries.

Times are stored in UTC. Organisations are the directory's, named by id only: this service
never reads the directory's tables.
"""
from datetime import date, datetime

from sqlalchemy import (JSON, Boolean, Date, ForeignKey, Index, Integer, String, Text,
                        UniqueConstraint, event, inspect, select)
from sqlalchemy.ext.orderinglist import ordering_list
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, object_session, relationship

from services.common.codes import new_code
from services.common.database import UtcDateTime, define_bus_tables, new_id, utcnow
from services.common.kept_counts import KeptCounts
from services.events.contract import (ACCEPTED, BY_EMAIL, BY_ORGANISER, CANCELLED,
                                       DRAFT, INVITED, OPEN, PENDING, PLEDGED, PUBLIC,
                                       PUBLISHED)


CHECK_IN_CODE_LENGTH = 8


class Base(DeclarativeBase):
    pass


def locked(session, model, record_id: str):
    """The row, locked until the transaction ends, and read afresh after the lock.

    PostgreSQL: concurrent changes to one record wait in turn, and the row (with its counts) is
    read by a statement of its own after the lock, so it sees what the previous holder
    committed. SQLite: the Store already runs one transaction at a time."""
    session.execute(select(model.id).where(model.id == record_id).with_for_update())
    return session.get(model, record_id, populate_existing=True)


OUTBOX, PROCESSED = define_bus_tables(Base.metadata)


class Registration(Base):
    """A household coming to an event: `adults + children` people take that many places."""
    __tablename__ = "registrations"
    __table_args__ = (
        Index("ix_registrations_event_position", "event_id", "position"),  # the list's order
        Index("ix_registrations_event_status", "event_id", "status", "holds_place"),
        UniqueConstraint("event_id", "check_in_code", name="uq_registrations_check_in_code"),
    )
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    event_id: Mapped[str] = mapped_column(ForeignKey("events.id"))
    name: Mapped[str] = mapped_column(String(200))
    contact: Mapped[str] = mapped_column(String(200))  # an email (lower case) or a phone (digits)
    adults: Mapped[int] = mapped_column(Integer)
    children: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20))
    position: Mapped[int] = mapped_column(Integer)  # order of arrival within the event
    cancel_token_hash: Mapped[str] = mapped_column(String(64))  # sha256 of the registrant's token
    # pending until its contact confirms it (or, for a phone, an organiser) by `expires_at`;
    # meanwhile it holds its places when they were free, or keeps its turn for them
    holds_place: Mapped[bool] = mapped_column(Boolean, default=False)
    confirm_token_hash: Mapped[str | None] = mapped_column(String(64))  # sha256; used: none
    expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), index=True)
    confirmed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    attended: Mapped[bool | None] = mapped_column(Boolean)
    # 40 bits: not guessed at a door, short enough to read out and type
    check_in_code: Mapped[str] = mapped_column(String(CHECK_IN_CODE_LENGTH),
                                               default=lambda: new_code(CHECK_IN_CODE_LENGTH))
    checked_in_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    promoted_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    cancelled_at: Mapped[datetime | None] = mapped_column(UtcDateTime())

    @property
    def people(self) -> int:
        return self.adults + self.children

    @property
    def confirmation(self) -> str | None:
        """Who confirms it while pending: its email's owner by the link sent, or an organiser
        (a phone: no message reaches it yet)."""
        if self.status != PENDING:
            return None
        return BY_EMAIL if "@" in self.contact else BY_ORGANISER


class EventOrganizer(Base):
    """An organisation named among an event's organisers: `invited` until someone of it
    accepts (a declined invitation is removed), and only then one of its organisers."""
    __tablename__ = "event_organizers"
    __table_args__ = (UniqueConstraint("event_id", "organization_id"),)
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    event_id: Mapped[str] = mapped_column(ForeignKey("events.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    organization_id: Mapped[str] = mapped_column(String(36), index=True)
    status: Mapped[str] = mapped_column(String(20), default=ACCEPTED)


class Event(Base):
    __tablename__ = "events"
    __table_args__ = (
        Index("ix_events_municipio_starts_at", "municipio", "starts_at", "id"),
    )
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    programme: Mapped[list] = mapped_column(JSON, default=list)  # [{"time": "HH:MM", "activity"}]
    starts_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    ends_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    location_id: Mapped[str | None] = mapped_column(String(36))  # a directory location
    place: Mapped[str | None] = mapped_column(String(200))
    address: Mapped[str | None] = mapped_column(String(300))
    zone: Mapped[str | None] = mapped_column(String(120))
    municipio: Mapped[int] = mapped_column(Integer)
    min_age: Mapped[int | None] = mapped_column(Integer)
    max_age: Mapped[int | None] = mapped_column(Integer)
    category: Mapped[str | None] = mapped_column(String(40))
    dimension: Mapped[str | None] = mapped_column(String(40))
    visibility: Mapped[str] = mapped_column(String(20), default=PUBLIC)
    capacity: Mapped[int | None] = mapped_column(Integer)  # places (people); None: no limit
    registration_required: Mapped[bool] = mapped_column(Boolean, default=False)
    price_note: Mapped[str | None] = mapped_column(String(300))
    fundraising_purpose: Mapped[str | None] = mapped_column(String(300))
    accessibility: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default=DRAFT, index=True)
    sequence: Mapped[int] = mapped_column(Integer, default=0)  # iCalendar SEQUENCE
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    cancelled_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    organizers: Mapped[list[EventOrganizer]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by=EventOrganizer.position,
        collection_class=ordering_list("position"))
    # its registrations counted (places.move moves them, under the event's lock): people
    # confirmed, waiting for their contact in the places they hold meanwhile, waiting for
    # their contact without places, on the waiting list; and households not cancelled
    confirmed_people: Mapped[int] = mapped_column(Integer, default=0)
    pending_people: Mapped[int] = mapped_column(Integer, default=0)
    unplaced_pending_people: Mapped[int] = mapped_column(Integer, default=0)
    waitlisted_people: Mapped[int] = mapped_column(Integer, default=0)
    households: Mapped[int] = mapped_column(Integer, default=0)
    attended_people: Mapped[int] = mapped_column(Integer, default=0)  # marked as come
    reminded_at: Mapped[datetime | None] = mapped_column(UtcDateTime())  # the day before

    @property
    def organizer_ids(self) -> list:
        """The organisations that organise it (invitations accepted)."""
        return [o.organization_id for o in self.organizers if o.status == ACCEPTED]

    @property
    def invited_organizer_ids(self) -> list:
        return [o.organization_id for o in self.organizers if o.status == INVITED]

    @property
    def location(self) -> dict:
        return {"id": self.location_id, "name": self.place, "address": self.address,
                "zone": self.zone, "municipio": self.municipio}

    @property
    def places_left(self) -> int | None:
        return None if self.capacity is None else max(self.capacity - self.taken_people, 0)

    @property
    def taken_people(self) -> int:
        return self.confirmed_people + self.pending_people


class DriveOrganizer(Base):
    __tablename__ = "drive_organizers"
    __table_args__ = (UniqueConstraint("drive_id", "organization_id"),)
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    drive_id: Mapped[str] = mapped_column(ForeignKey("drives.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    organization_id: Mapped[str] = mapped_column(String(36), index=True)


class DriveItem(Base):
    """Something the drive asks for, e.g. 40 quaderni (unit "pezzi")."""
    __tablename__ = "drive_items"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    drive_id: Mapped[str] = mapped_column(ForeignKey("drives.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(120))
    unit: Mapped[str] = mapped_column(String(40))
    quantity_needed: Mapped[int] = mapped_column(Integer)
    # the standing pledges' and the deliveries' quantities, moved with them under the drive's lock
    quantity_pledged: Mapped[int] = mapped_column(Integer, default=0)
    quantity_delivered: Mapped[int] = mapped_column(Integer, default=0)
    fulfilled_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class DropOffPoint(Base):
    __tablename__ = "drop_off_points"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    drive_id: Mapped[str] = mapped_column(ForeignKey("drives.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(200))
    address: Mapped[str] = mapped_column(String(300))
    schedules: Mapped[list] = mapped_column(JSON, default=list)  # [{weekday, opens_at, closes_at}]


class Pledge(Base):
    """A promise to bring some of an item, up to what is still needed; an organiser who
    cancels it frees that quantity."""
    __tablename__ = "pledges"
    __table_args__ = (Index("ix_pledges_drive_created_at", "drive_id", "created_at"),)
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    drive_id: Mapped[str] = mapped_column(ForeignKey("drives.id"))
    item_id: Mapped[str] = mapped_column(ForeignKey("drive_items.id"), index=True)
    quantity: Mapped[int] = mapped_column(Integer)
    donor_name: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    cancelled_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    cancelled_by: Mapped[str | None] = mapped_column(String(36))  # the organiser's user id

    @property
    def status(self) -> str:
        return PLEDGED if self.cancelled_at is None else CANCELLED


class Delivery(Base):
    """What an organiser received at a drop-off point."""
    __tablename__ = "deliveries"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    drive_id: Mapped[str] = mapped_column(ForeignKey("drives.id"), index=True)
    item_id: Mapped[str] = mapped_column(ForeignKey("drive_items.id"), index=True)
    quantity: Mapped[int] = mapped_column(Integer)
    recorded_by: Mapped[str | None] = mapped_column(String(36))  # the organiser's user id
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class EventMessage(Base):
    """What an event's organisers wrote to its registrants (each reached by its contact)."""
    __tablename__ = "event_messages"
    __table_args__ = (Index("ix_event_messages_event_sent_at", "event_id", "sent_at"),)
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    event_id: Mapped[str] = mapped_column(ForeignKey("events.id"))
    text: Mapped[str] = mapped_column(Text)
    sent_by: Mapped[str] = mapped_column(String(36))  # a user's id
    sent_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    households: Mapped[int] = mapped_column(Integer)  # registrations it went to


class Drive(Base):
    """A donation drive such as "Zaino sospeso": items from a list, brought to drop-off points
    from `collect_from` to `collect_to` (days in Europe/Rome, both included)."""
    __tablename__ = "drives"
    __table_args__ = (Index("ix_drives_municipio_collect_from", "municipio", "collect_from"),)
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    municipio: Mapped[int] = mapped_column(Integer)
    collect_from: Mapped[date] = mapped_column(Date, index=True)
    collect_to: Mapped[date] = mapped_column(Date, index=True)
    status: Mapped[str] = mapped_column(String(20), default=OPEN, index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    organizers: Mapped[list[DriveOrganizer]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by=DriveOrganizer.position,
        collection_class=ordering_list("position"))
    items: Mapped[list[DriveItem]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by=DriveItem.position,
        collection_class=ordering_list("position"))
    drop_off_points: Mapped[list[DropOffPoint]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by=DropOffPoint.position,
        collection_class=ordering_list("position"))

    @property
    def organizer_ids(self) -> list:
        return [organizer.organization_id for organizer in self.organizers]


class MunicipioTotal(Base):
    """A municipio's figures for the overview: its events published, the people confirmed at
    its events, its drives. Every write of an event or a drive moves them (below), and they are
    written when its transaction commits: the statistics read nine rows."""
    __tablename__ = "municipio_totals"
    municipio: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    published_events: Mapped[int] = mapped_column(Integer, default=0)
    confirmed_people: Mapped[int] = mapped_column(Integer, default=0)
    drives: Mapped[int] = mapped_column(Integer, default=0)
    attended_people: Mapped[int] = mapped_column(Integer, default=0)


TOTALS = KeptCounts(MunicipioTotal, ("published_events", "confirmed_people", "drives",
                                     "attended_people"),
                    moved_by=(Event, Drive))


@event.listens_for(Event, "after_insert")
@event.listens_for(Event, "after_update")
def _event_written(_mapper, _connection, written: Event):
    state = inspect(written)

    def was(name):  # the value before this flush (none: it was just inserted)
        history = state.attrs[name].history
        return (history.deleted or history.unchanged or [None])[0]

    session = object_session(written)
    _move(session, {"municipio": was("municipio"), "confirmed_people": was("confirmed_people"),
                    "attended_people": was("attended_people"),
                    "published_events": int(was("status") == PUBLISHED)}, -1)
    _move(session, {"municipio": written.municipio, "confirmed_people": written.confirmed_people,
                    "attended_people": written.attended_people,
                    "published_events": int(written.status == PUBLISHED)}, 1)


@event.listens_for(Drive, "after_insert")
def _drive_opened(_mapper, _connection, drive: Drive):
    _move(object_session(drive), {"municipio": drive.municipio, "drives": 1}, 1)


def _move(session, figures: dict, sign: int):
    """Adds a municipio's `figures`, times `sign`, to what the transaction moved."""
    municipio = figures.pop("municipio")
    if municipio is not None:  # none: the event was just inserted
            TOTALS.add(session, municipio, **{name: sign * value for name, value in figures.items()})
