"""Events statistics per municipio, for the reports: counts only, those of people suppressed.

All time, they are each municipio's totals (`MunicipioTotal`), which the writes of its events
and drives move: never the events, registrations or drives themselves. Over a period, they are
the published events starting in it with the people confirmed at them and those who came, and
the drives whose collection starts in it: counted in the indexes by municipio and start, the
period's rows only."""
from sqlalchemy import func, select

from services.common.privacy import shown_figures
from services.events.contract import PUBLISHED
from services.events.models import Drive, Event, MunicipioTotal


def per_municipio(session, municipi: list, period=None) -> dict:
    found = _in_period(session, municipi, period) if period else {
        row.municipio: (row.published_events, row.confirmed_people, row.attended_people,
                        row.drives)
        for row in session.execute(select(MunicipioTotal).where(
            MunicipioTotal.municipio.in_(municipi))).scalars()}
    return {str(m): shown_figures(dict(zip(("events", "registered_people", "attended_people",
                                            "drives"), found.get(m, (0, 0, 0, 0)))))
            for m in municipi}


def _in_period(session, municipi: list, period) -> dict:
    start, end = period.moments()
    counted = select(Event.municipio, func.count(), func.sum(Event.confirmed_people),
                     func.sum(Event.attended_people)).where(
        Event.municipio.in_(municipi), Event.starts_at >= start, Event.starts_at < end,
        Event.status == PUBLISHED).group_by(Event.municipio)
    events = {m: (n, int(people or 0), int(came or 0))
              for m, n, people, came in session.execute(counted)}
    drives = dict(session.execute(
        select(Drive.municipio, func.count())
        .where(Drive.municipio.in_(municipi), Drive.collect_from >= period.first,
               Drive.collect_from <= period.last).group_by(Drive.municipio)).all())
    return {m: (*events.get(m, (0, 0, 0)), drives.get(m, 0)) for m in municipi}
