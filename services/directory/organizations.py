"""Organisations (ETS) and their membership of the municipal networks.

Who may do what: the city tier manages every network; a coordinator manages its own
municipio's; a partner edits its own organisation. Everyone may read.
"""
from sqlalchemy import func, or_, select

from services.common.context import CITY, Caller
from services.common.errors import NotFound
from services.directory.contract.catalogue import REGISTRARS
from services.directory.listing import count, mark_changed
from services.directory.models import Membership, Network, Organization, Service
from services.directory.networks import networks_by_municipio
from services.directory.permissions import require_manage


def get(session, organization_id: str) -> Organization:
    organization = session.get(Organization, organization_id)
    if organization is None:
        raise NotFound("No such organisation.", "organization_not_found")
    return organization


def search_statement(municipio=None, q=None, level=None):
    statement = select(Organization).order_by(Organization.name)
    if municipio is not None or level is not None:
        membership = select(Membership.organization_id).join(Network)
        if municipio is not None:
            membership = membership.where(Network.municipio == municipio)
        if level is not None:
            membership = membership.where(Membership.level == level)
        statement = statement.where(Organization.id.in_(membership))
    if q:
        pattern = f"%{q.lower()}%"
        statement = statement.where(or_(func.lower(Organization.name).like(pattern),
                                        func.lower(Organization.description).like(pattern)))
    return statement


def register(tx, caller: Caller, data: dict) -> Organization:
    caller.require_role(*REGISTRARS)
    municipi = sorted(set(data.pop("municipi", None) or _default_municipi(caller)))
    caller.require_municipi(municipi)
    level = data.pop("level", 1)
    networks = networks_by_municipio(tx.session, municipi)
    organization = Organization(**data)
    organization.memberships = [Membership(network=networks[m], level=level) for m in municipi]
    tx.session.add(organization)
    tx.session.flush()
    count(tx.session, organizations=dict.fromkeys(municipi, 1))
    tx.emit("organization_registered", {
        "organization_id": organization.id, "municipi": municipi, "level": level,
    })
    return organization


def update(tx, caller: Caller, organization_id: str, data: dict) -> Organization:
    organization = get(tx.session, organization_id)
    require_manage(caller, organization)
    municipi = data.pop("municipi", None)
    level = data.pop("level", None)
    # its services are found by its name, and listed while it is active
    refile = any(getattr(organization, field) != data[field] for field in ("name", "active")
                 if field in data)
    for field, value in data.items():
        setattr(organization, field, value)
    if municipi is not None or level is not None:
        caller.require_role(*REGISTRARS)
        before = {(m.network.municipio, m.level) for m in organization.memberships}
        _set_memberships(tx.session, caller, organization, municipi, level)
        after = {(m.network.municipio, m.level) for m in organization.memberships}
        if before != after:
            joined = sorted(m for m, _ in after - before if m not in dict(before))
            left = sorted(m for m, _ in before - after if m not in dict(after))
            count(tx.session, organizations={**dict.fromkeys(joined, 1),
                                             **dict.fromkeys(left, -1)})
            tx.emit("membership_changed", {"organization_id": organization.id,
                                           "municipi": organization.municipi,
                                           "joined": joined, "left": left})
    if refile:
        services = tx.session.execute(
            select(Service).where(Service.organization_id == organization.id)).scalars().all()
        mark_changed(tx.session, *services)
    tx.session.flush()
    tx.emit("organization_updated", {"organization_id": organization.id,
                                     "municipi": organization.municipi})
    return organization


def _set_memberships(session, caller, organization, municipi, level):
    current = {m.network.municipio: m for m in organization.memberships}
    wanted = sorted(set(municipi)) if municipi is not None else sorted(current)
    caller.require_municipi(set(wanted) ^ set(current))
    networks = networks_by_municipio(session, wanted)
    organization.memberships = [
        _membership(current.get(m), networks[m], level) for m in wanted
    ]


def _membership(existing, network, level):
    if existing is None:
        return Membership(network=network, level=level or 1)
    if level is not None:
        existing.level = level
    return existing


def _default_municipi(caller: Caller) -> list:
    return [] if caller.has_role(CITY) else list(caller.municipi)
