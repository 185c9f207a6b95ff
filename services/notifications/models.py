"""The notifications service's tables: each person's inbox."""
import uuid
from datetime import datetime, timezone

from sqlalchemy import JSON, DateTime, String, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from services.common.database import define_bus_tables


class Base(DeclarativeBase):
    pass


OUTBOX, PROCESSED = define_bus_tables(Base.metadata)


class Notification(Base):
    __tablename__ = "notifications"
    # one notification per person for one kind of thing that happened, however often it is told
    __table_args__ = (UniqueConstraint("event_id", "user_id", "kind"),)
    id: Mapped[str] = mapped_column(String(36), primary_key=True,
                                    default=lambda: str(uuid.uuid4()))
    user_id: Mapped[str] = mapped_column(String(36), index=True)
    kind: Mapped[str] = mapped_column(String(60))
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    link: Mapped[str | None] = mapped_column(String(300))
    event_id: Mapped[str] = mapped_column(String(36))
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=lambda: datetime.now(timezone.utc), index=True)
    read_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
