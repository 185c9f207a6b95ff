"""Events statistics per municipio, for the reports: counts only, small ones suppressed.

Read from each municipio's totals (`MunicipioTotal`), which the writes of its events and drives
move: never the events, registrations or drives themselves."""
from sqlalchemy import select

from services.common.privacy import shown
from services.events.models import MunicipioTotal


def per_municipio(session, municipi: list) -> dict:
    found = {row.municipio: row for row in session.execute(select(MunicipioTotal).where(
        MunicipioTotal.municipio.in_(municipi))).scalars()}
    empty = MunicipioTotal(published_events=0, confirmed_people=0, drives=0)
    return {str(m): {"events": shown(found.get(m, empty).published_events),
                     "registered_people": shown(found.get(m, empty).confirmed_people),
                     "drives": shown(found.get(m, empty).drives)} for m in municipi}
