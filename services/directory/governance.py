"""The programme's governance: the cabina di regia, the 9 coordinamenti municipali and the
gruppi di progetto of the 10 progetti unitari, with their member organisations and people.
The structure is public; who the people are is for the network's members only."""
from sqlalchemy import select

from services.common.context import Caller
from services.directory.models import GovernanceBody, Organization, Project, User


def bodies(session, caller: Caller, municipio: int | None = None) -> list:
    statement = select(GovernanceBody).order_by(GovernanceBody.kind, GovernanceBody.municipio,
                                                GovernanceBody.name)
    if municipio is not None:
        statement = statement.where(GovernanceBody.municipio == municipio)
    found = session.execute(statement).scalars().all()
    organizations = _names(session, Organization, {m.organization_id for b in found for m in b.members})
    people = _names(session, User, {m.user_id for b in found for m in b.members}, "display_name")
    projects = _names(session, Project, {b.project_id for b in found})
    return [{
        "id": body.id, "kind": body.kind, "name": body.name, "municipio": body.municipio,
        "project": {"id": body.project_id, "name": projects[body.project_id]} if body.project_id else None,
        "organizations": [{"id": m.organization_id, "name": organizations[m.organization_id],
                           "role": m.role} for m in body.members if m.organization_id],
        "people": [{"user_id": m.user_id, "name": people[m.user_id], "role": m.role}
                   for m in body.members if m.user_id] if caller.authenticated else [],
    } for body in found]


def _names(session, model, ids, column="name") -> dict:
    ids = {i for i in ids if i}
    if not ids:
        return {}
    rows = session.execute(select(model.id, getattr(model, column)).where(model.id.in_(ids)))
    return dict(rows.all())
