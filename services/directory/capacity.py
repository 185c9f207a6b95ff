"""A service's capacity: the places it has free and the families waiting for one, as its own
organisation says them (permissions.may_state_capacity).

Each statement replaces the last and is dated. After STALE_AFTER_DAYS without a new one the
numbers are no longer known: answers say `stale` and leave them out, so nobody sends a family
on the strength of an old "3 places free". Saying the same numbers again ("still true") is a
statement like any other: it dates them anew.
"""
from datetime import datetime, timedelta

from sqlalchemy import select

from services.common.context import Caller
from services.common.database import utcnow
from services.directory import catalog
from services.directory.contract.catalogue import STALE_AFTER_DAYS, CapacitySchema
from services.directory.models import Service, ServiceCapacity
from services.directory.permissions import require_state_capacity

STALE_AFTER = timedelta(days=STALE_AFTER_DAYS)
DUMP = CapacitySchema().dump


def state(tx, caller: Caller, service_id: str, data: dict) -> ServiceCapacity:
    """The organisation's statement, in place of the last one. The service's row is locked
    first: two statements at once are written one after the other."""
    service = catalog.get(tx.session, service_id)
    require_state_capacity(caller, service)
    tx.session.execute(select(Service.id).where(Service.id == service.id).with_for_update())
    stated = tx.session.get(ServiceCapacity, service.id)
    if stated is None:
        stated = ServiceCapacity(service_id=service.id)
        tx.session.add(stated)
    stated.available, stated.waiting_list = data["available"], data["waiting_list"]
    stated.note = data.get("note")
    stated.updated_at, stated.updated_by = utcnow(), caller.user_id
    tx.session.flush()
    return stated


def is_known(stated: ServiceCapacity | None, now: datetime | None = None) -> bool:
    """Said, and not longer ago than STALE_AFTER."""
    return stated is not None and (now or utcnow()) - stated.updated_at <= STALE_AFTER


def answer(stated: ServiceCapacity | None, now: datetime | None = None) -> dict | None:
    """The capacity as the API says it: None when never said; without its numbers when stale."""
    if stated is None:
        return None
    known = is_known(stated, now)
    return DUMP({"available": stated.available if known else None,
                 "waiting_list": stated.waiting_list if known else None,
                 "note": stated.note, "updated_at": stated.updated_at, "stale": not known})


def of_services(session, service_ids) -> dict:
    """{service id: its statement} of those of `service_ids` that have one, in one query."""
    ids = list(service_ids)
    if not ids:
        return {}
    return {stated.service_id: stated for stated in session.execute(
        select(ServiceCapacity).where(ServiceCapacity.service_id.in_(ids))).scalars()}


def answers(session, service_ids) -> dict:
    """{service id: {"capacity": its answer}} for each of `service_ids` (a page of a list)."""
    ids, now = list(service_ids), utcnow()
    stated = of_services(session, ids)
    return {service_id: {"capacity": answer(stated.get(service_id), now)} for service_id in ids}
