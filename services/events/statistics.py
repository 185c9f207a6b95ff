"""Events statistics per municipio, for the reports: counts only, small ones suppressed.

Read from the events alone (an index holds what they need): each event keeps the count of its
confirmed people, so the registrations are never added up here."""
from sqlalchemy import case, func, select

from services.common.privacy import shown
from services.events.contract import PUBLISHED
from services.events.models import Drive, Event


def per_municipio(session, municipi: list) -> dict:
    events = {municipio: (published, people) for municipio, published, people in session.execute(
        select(Event.municipio, func.sum(case((Event.status == PUBLISHED, 1), else_=0)),
               func.sum(Event.confirmed_people))
        .where(Event.municipio.in_(municipi)).group_by(Event.municipio))}
    drives = dict(session.execute(
        select(Drive.municipio, func.count()).where(Drive.municipio.in_(municipi))
        .group_by(Drive.municipio)).all())
    return {str(m): {"events": shown(int(events.get(m, (0, 0))[0])),
                     "registered_people": shown(int(events.get(m, (0, 0))[1])),
                     "drives": shown(drives.get(m, 0))} for m in municipi}
