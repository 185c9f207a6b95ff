"""Directory statistics per municipio, for the reports: the counts listing.py keeps. They are
the organisations and services listed today, whatever the report's period."""
from sqlalchemy import select

from services.common.privacy import shown_figures
from services.directory.models import MunicipioCount


def per_municipio(session, municipi: list, _period=None) -> dict:
    counted = {row.municipio: row for row in session.execute(
        select(MunicipioCount).where(MunicipioCount.municipio.in_(municipi))).scalars()}
    return {str(m): shown_figures({
        "organizations": counted[m].organizations if m in counted else 0,
        "services": counted[m].services if m in counted else 0}) for m in municipi}
