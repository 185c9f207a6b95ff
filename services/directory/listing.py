"""What the directory lists, and its counts per municipio, kept in the transaction of each change.

A service is listed while it is active and its organisation is active. Every change to a
service (written, withdrawn, moved, its organisation renamed or deactivated) goes through
`mark_changed`, which gives it the next catalogue revision (the search indexes of every replica
read the rows of a newer revision, search.py) and moves its count to the municipio it is listed
in now (`Service.counted_in`). A membership that begins or ends counts its organisation in or
out of its network. So the overview's statistics read nine rows, whatever the rows counted.
"""
from services.common.database import next_in_sequence
from services.common.kept_counts import KeptCounts
from services.directory.contract.catalogue import ACTIVE
from services.directory.models import CatalogRevision, MunicipioCount, Service

COUNTS = KeptCounts(MunicipioCount, ("organizations", "services"))


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
    for kind, changes in (("organizations", organizations), ("services", services)):
        for municipio, change in (changes or {}).items():
            COUNTS.add(session, municipio, **{kind: change})
