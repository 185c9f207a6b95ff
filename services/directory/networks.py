"""The 9 municipal networks."""
from sqlalchemy import select

from services.common import checks
from services.common.errors import Invalid
from services.directory.models import Network


def list_networks(session) -> list:
    return session.execute(select(Network).order_by(Network.municipio)).scalars().all()


def networks_by_municipio(session, municipi) -> dict:
    found = session.execute(select(Network).where(Network.municipio.in_(list(municipi)))).scalars()
    by_municipio = {network.municipio: network for network in found}
    missing = [m for m in municipi if m not in by_municipio]
    if missing:
        raise Invalid({"municipi": [checks.reason("municipio_no_network",
                                                  "No network for municipio {municipio}.",
                                                  municipio=m) for m in missing]})
    return by_municipio
