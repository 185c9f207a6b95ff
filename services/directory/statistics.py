"""Directory statistics per municipio, for the reports: the counts listing.py keeps."""
from sqlalchemy import select

from services.common.privacy import shown
from services.directory.models import MunicipioCount


def per_municipio(session, municipi: list) -> dict:
    counted = {row.municipio: row for row in session.execute(
        select(MunicipioCount).where(MunicipioCount.municipio.in_(municipi))).scalars()}
    return {str(m): {"organizations": shown(counted[m].organizations if m in counted else 0),
                     "services": shown(counted[m].services if m in counted else 0)}
            for m in municipi}
