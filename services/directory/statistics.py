"""Directory statistics per municipio, for the reports."""
from sqlalchemy import func, select

from services.common.privacy import shown
from services.directory.models import Location, Membership, Network, Service


def per_municipio(session, municipi: list) -> dict:
    organizations = dict(session.execute(
        select(Network.municipio, func.count(Membership.id)).join(Membership)
        .where(Network.municipio.in_(municipi)).group_by(Network.municipio)).all())
    services = dict(session.execute(
        select(Location.municipio, func.count(Service.id)).join(Service)
        .where(Service.status == "active", Location.municipio.in_(municipi))
        .group_by(Location.municipio)).all())
    return {str(m): {"organizations": shown(organizations.get(m, 0)),
                     "services": shown(services.get(m, 0))} for m in municipi}
