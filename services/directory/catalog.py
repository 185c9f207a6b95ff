"""The catalogue of services: what each organisation offers, where and when.

A partner manages its own organisation's services, a coordinator those of its municipio's
network, the city tier all. A withdrawn service stays for the record but is no longer listed.
"""
from services.common.context import Caller
from services.common.errors import NotFound
from services.directory import organizations
from services.directory.contract.catalogue import ACTIVE, WITHDRAWN
from services.directory.listing import mark_changed
from services.directory.models import ClosedDate, Location, Phone, Schedule, Service
from services.directory.permissions import require_manage
from services.directory.text import fold

NESTED = ("location", "schedules", "closed_dates", "phones")


def get(session, service_id: str, include_withdrawn: bool = False) -> Service:
    service = session.get(Service, service_id)
    if service is None or (service.status == WITHDRAWN and not include_withdrawn):
        raise NotFound("No such service.", "service_not_found")
    return service


def create(tx, caller: Caller, data: dict) -> Service:
    organization = organizations.get(tx.session, data.pop("organization_id"))
    require_manage(caller, organization, "organisation")
    service = Service(organization=organization, status=ACTIVE, languages=["it"])
    _apply(service, data)
    tx.session.add(service)
    mark_changed(tx.session, service)
    tx.session.flush()
    tx.emit("service_published", _event(service))
    return service


def update(tx, caller: Caller, service_id: str, data: dict) -> Service:
    service = get(tx.session, service_id)
    require_manage(caller, service.organization, "service")
    _apply(service, data)
    mark_changed(tx.session, service)
    tx.session.flush()
    tx.emit("service_updated", _event(service))
    return service


def withdraw(tx, caller: Caller, service_id: str) -> Service:
    service = get(tx.session, service_id)
    require_manage(caller, service.organization, "service")
    service.status = WITHDRAWN
    mark_changed(tx.session, service)
    tx.session.flush()
    tx.emit("service_withdrawn", _event(service))
    return service


def _apply(service: Service, data: dict):
    for field, value in data.items():
        if field not in NESTED:
            setattr(service, field, value)
    if "location" in data:
        service.location = _location(data["location"]) if data["location"] else None
    if "schedules" in data:
        service.schedules = [Schedule(**slot) for slot in data["schedules"]]
    if "closed_dates" in data:
        service.closed_dates = [ClosedDate(**day) for day in data["closed_dates"]]
    if "phones" in data:
        service.phones = [Phone(**phone) for phone in data["phones"]]


def _location(data: dict) -> Location:
    return Location(**data, zone_key=fold(data.get("zone")) or None)


def _event(service: Service) -> dict:
    return {"service_id": service.id, "organization_id": service.organization_id,
            "municipio": service.location.municipio if service.location else None,
            "category": service.category, "dimension": service.dimension}
