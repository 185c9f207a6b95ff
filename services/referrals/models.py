"""The referrals service's tables."""
from sqlalchemy.orm import DeclarativeBase

from services.common.database import define_bus_tables


class Base(DeclarativeBase):
    pass


OUTBOX, PROCESSED = define_bus_tables(Base.metadata)
