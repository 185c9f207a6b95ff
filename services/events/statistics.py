"""Events statistics per municipio, for the reports: counts only, small ones suppressed.

Read from the events alone, from an index that holds what they need: each event keeps the
count of its confirmed people, so the registrations are never added up here."""
from sqlalchemy import case, func, select

from services.common.privacy import shown
from services.events.contract import PUBLISHED
from services.events.models import Drive, Event


def per_municipio(session, municipi: list) -> dict:
    events = dict.fromkeys(municipi, (0, 0))  # (published, people confirmed)
    for municipio, published, people in session.execute(
            select(Event.municipio, func.sum(case((Event.status == PUBLISHED, 1), else_=0)),
                   func.sum(Event.confirmed_people))
            .where(Event.municipio.in_(municipi)).group_by(Event.municipio)):
        events[municipio] = (int(published), int(people))
    drives = dict(session.execute(
        select(Drive.municipio, func.count()).where(Drive.municipio.in_(municipi))
        .group_by(Drive.municipio)).all())
    return {str(m): {"events": shown(events[m][0]), "registered_people": shown(events[m][1]),
                     "drives": shown(drives.get(m, 0))} for m in municipi}
