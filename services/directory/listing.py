"""What the directory lists, and its counts per municipio, kept in the transaction of each change.

A service is listed while it is active and its organisation is active. Every change to a
service (written, withdrawn, moved, its organisation renamed or deactivated) goes through
`mark_changed`, which gives it the next catalogue revision (the search indexes of every replica
read the rows of a newer revision, search.py) and moves its count to the municipio it is listed
in now (`Service.counted_in`). A membership that begins or ends counts its organisation in or
out of its network. So the overview's statistics read nine rows, whatever the rows counted.
"""
from sqlalchemy import event
from sqlalchemy.dialects import postgresql, sqlite

from services.common.database import next_in_sequence
from services.directory.contract.catalogue import ACTIVE
from services.directory.models import CatalogRevision, MunicipioCount, Service

UPSERT = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}
PENDING = "municipio_counts"  # in session.info: the changes to write when it commits


def listed(service: Service) -> bool:
    """Whether the directory offers the service: active, of an active organisation."""
    return service.status == ACTIVE and bool(service.organization.active)


def listed_in(service: Service) -> int | None:
    """The municipio the service is counted in: where it is, while it is listed."""
    if listed(service) and service.location is not None:
        return service.location.municipio
    return None


def mark_changed(session, *services):
    """Gives changed services the next catalogue revision and counts each where it is listed
    now (in the caller's transaction)."""
    revision = next_in_sequence(session, CatalogRevision, id=1)
    moved = {}
    for service in services:
        service.revision = revision
        now = listed_in(service)
        if now != service.counted_in:
            for municipio, change in ((service.counted_in, -1), (now, 1)):
                if municipio is not None:
                    moved[municipio] = moved.get(municipio, 0) + change
            service.counted_in = now
    count(session, services=moved)


def count(session, organizations: dict | None = None, services: dict | None = None):
    """Adds to the counts of each municipio: `{municipio: change}` of memberships (organisations
    in its network) and of listed services; written when the transaction commits, one row per
    municipio however many changes it made (an import of 500 services writes nine at most)."""
    pending = session.info.get(PENDING)
    if pending is None:
        pending = session.info[PENDING] = {}
        event.listen(session, "before_commit", _write_counts, once=True)
        event.listen(session, "after_rollback", _forget_counts, once=True)
    for kind, changes in (("organizations", organizations), ("services", services)):
        for municipio, change in (changes or {}).items():
            key = (municipio, kind)
            pending[key] = pending.get(key, 0) + change


def _forget_counts(session):
    session.info.pop(PENDING, None)


def _write_counts(session):
    pending = session.info.pop(PENDING, {})
    insert = UPSERT[session.get_bind().dialect.name]
    for municipio in sorted({municipio for municipio, _ in pending}):  # one order: no deadlock
        changes = {kind: pending.get((municipio, kind), 0)
                   for kind in ("organizations", "services")}
        if not any(changes.values()):
            continue
        statement = insert(MunicipioCount).values(municipio=municipio, **changes)
        session.execute(statement.on_conflict_do_update(
            index_elements=[MunicipioCount.municipio],
            set_={name: getattr(MunicipioCount, name) + getattr(statement.excluded, name)
                  for name in changes}))
