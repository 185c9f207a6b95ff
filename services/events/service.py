"""The events service: the networks' events, registrations and donation drives."""
from services.common.database import Database
from services.common.service import QubiService
from services.events.models import Base


class EventsService(QubiService):
    name = "events"
    db = Database(Base.metadata)
