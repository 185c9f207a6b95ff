"""Events statistics per municipio, for the reports: counts only, small ones suppressed."""
from sqlalchemy import func, select

from services.common.privacy import shown
from services.events.contract import CONFIRMED, PUBLISHED
from services.events.models import Drive, Event, Registration


def per_municipio(session, municipi: list) -> dict:
    events = dict(session.execute(
        select(Event.municipio, func.count(Event.id)).where(
            Event.municipio.in_(municipi), Event.status == PUBLISHED)
        .group_by(Event.municipio)).all())
    people = dict(session.execute(
        select(Event.municipio, func.coalesce(func.sum(Registration.adults + Registration.children), 0))
        .join(Registration, Registration.event_id == Event.id)
        .where(Event.municipio.in_(municipi), Registration.status == CONFIRMED)
        .group_by(Event.municipio)).all())
    drives = dict(session.execute(
        select(Drive.municipio, func.count(Drive.id)).where(Drive.municipio.in_(municipi))
        .group_by(Drive.municipio)).all())
    return {str(m): {"events": shown(events.get(m, 0)),
                     "registered_people": shown(int(people.get(m, 0))),
                     "drives": shown(drives.get(m, 0))} for m in municipi}
