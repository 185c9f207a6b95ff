"""The directory as HSDS 3.0 (Open Referral's Human Services Data Specification) API bodies:
services, services at locations, organizations and the paged envelope of the list endpoints
(the taxonomies are in hsds_taxonomies.py, what each list holds in hsds_lists.py). A full
service also carries its known capacity as HSDS 3.1's `capacities` (`service_capacity`,
counted in places).

Plain functions over the models: no nameko, no I/O. Keys whose value would be None are left
out (no HSDS field allows null). Every id is a UUID: a row's own id where there is a row, else
one derived with uuid5 from the parent's id and a label, so the same data always gives the same
output.

Times: a slot's "HH:MM" is Milan time; HSDS wants "HH:MM" with the UTC offset
("10:00+01:00") and `timezone` as that offset in hours. Europe/Rome's offset depends on the
date (CET +1, CEST +2), so each slot takes the offset of its next occurrence from `today`
(within its validity), and the description says the times are Milan's.
"""
import math
import uuid
from datetime import date, datetime, time, timedelta

from services.common.schemas import ROME, local_time
from services.directory.capacity import is_known
from services.directory.contract.catalogue import ACTIVE
from services.directory.hsds_taxonomies import NAMESPACE, TAXONOMIES, term

PLACE_UNIT = {"id": str(uuid.uuid5(NAMESPACE, "unit:place")), "name": "posto",
              "identifier": "place"}  # a place for one child or family in the service
BYDAY = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
WEEKDAY_NAMES = ("lunedì", "martedì", "mercoledì", "giovedì", "venerdì", "sabato", "domenica")
LANGUAGE_NAMES = {
    "it": "Italiano", "en": "Inglese", "fr": "Francese", "es": "Spagnolo", "de": "Tedesco",
    "pt": "Portoghese", "ar": "Arabo", "zh": "Cinese", "ro": "Rumeno", "sq": "Albanese",
    "uk": "Ucraino", "ru": "Russo", "tl": "Filippino", "bn": "Bengalese", "ur": "Urdu",
    "hi": "Hindi", "pa": "Punjabi", "ta": "Tamil", "si": "Singalese", "am": "Amarico",
    "ti": "Tigrino", "so": "Somalo", "wo": "Wolof", "pl": "Polacco", "tr": "Turco",
    "fa": "Persiano", "el": "Greco",
}


def service_to_hsds(service, *, full: bool = True, today: date | None = None,
                    capacity=None) -> dict:
    """An HSDS `service` for a `Service` row.

    `full` gives the fully nested service (`GET /services/{id}`, validating against
    `service.json`); `full=False` only the one-to-one fields and the organization, as the list
    endpoint's `service_list.json` wants. `today` (default: today in Milan) picks each slot's
    UTC offset and which closed dates are still ahead. `capacity`, the service's last
    statement of its places, is published while it is known (capacity.py).
    """
    if not service.id:
        raise ValueError("The service has no id yet: flush the session first.")
    today = today or datetime.now(ROME).date()
    body = _drop_none({
        "id": service.id,
        "organization_id": service.organization_id or (
            service.organization.id if service.organization is not None else None),
        "name": service.name,
        "description": service.description,
        "url": service.url,
        "email": service.email,
        "status": _status(service),
        "fees_description": _fees(service),
        "eligibility_description": service.eligibility,
        "minimum_age": service.min_age,
        "maximum_age": service.max_age,
        "last_modified": _timestamp(_last_modified(service)),
    })
    if service.organization is not None:
        body["organization"] = organization_to_hsds(service.organization, full=full)
    if not full:
        return body
    body["phones"] = [_phone(phone, index, service.id)
                      for index, phone in enumerate(_in_order(service.phones, lambda p: ()))]
    body["schedules"] = [_schedule(slot, index, service, today)
                         for index, slot in enumerate(_in_order(service.schedules, lambda s: (
                             s.weekday, s.opens_at, s.closes_at, s.valid_from or date.min)))]
    body["languages"] = _languages(service)
    body["service_at_locations"] = ([_service_at_location(service)]
                                    if service.location is not None else [])
    body["attributes"] = [_attribute(service.id, kind, getattr(service, kind))
                          for kind in TAXONOMIES if getattr(service, kind)]
    body["capacities"] = [_capacity(service.id, capacity)] if is_known(capacity) else []
    return body


def minimal_service(service_id: str, *changed) -> dict:
    """A service as `GET /services?minimal=true` lists it: its id and when it last changed (the
    latest of `changed`: its own moments and its organisation's)."""
    return _drop_none({"id": service_id, "last_modified": _timestamp(_latest(changed))})


def organization_to_hsds(organization, *, full: bool = True, services=None) -> dict:
    """An HSDS `organization`; `full=False` leaves out the arrays (`organization_list.json`).
    `services`, the bodies of its services, are its `services` array (HSDS 3.0's compiled
    organization), each without the organisation it is in.

    HSDS requires a description: an organisation without one gets an empty string.
    """
    body = _drop_none({
        "id": organization.id,
        "name": organization.name,
        "description": organization.description or "",
        "email": organization.email,
        "website": organization.website,
        "tax_id": organization.tax_code,
        "legal_status": organization.legal_form,
    })
    if full:
        body["phones"] = ([{"id": _derived(organization.id, "phone"),
                            "organization_id": organization.id,
                            "number": organization.phone}]
                          if organization.phone else [])
    if services is not None:
        body["services"] = [{key: value for key, value in service.items()
                             if key != "organization"} for service in services]
    return body


def hsds_page(contents, total_items: int, page: int, per_page: int) -> dict:
    """The HSDS paged envelope (openapi.json's `Page`) around one page of `contents`."""
    if page < 1 or per_page < 1 or total_items < 0:
        raise ValueError("page and per_page start at 1; total_items is not negative.")
    contents = list(contents)
    total_pages = math.ceil(total_items / per_page)
    return {
        "total_items": total_items,
        "total_pages": total_pages,
        "page_number": page,
        "size": len(contents),
        "first_page": page == 1,
        "last_page": page >= total_pages,
        "empty": not contents,
        "contents": contents,
    }


def _fees(service) -> str | None:
    if service.cost_note:
        return service.cost_note
    if service.free is False:
        return "A pagamento"
    return "Gratuito"


def _phone(phone, index: int, service_id: str) -> dict:
    return _drop_none({
        "id": phone.id or _derived(service_id, f"phone:{index}"),
        "service_id": service_id,
        "number": phone.number,
        "description": phone.description,
    })


def _languages(service) -> list:
    codes = []
    for code in service.languages or []:
        code = str(code).strip().lower()
        if code and code not in codes:
            codes.append(code)
    return [_drop_none({"id": _derived(service.id, f"language:{code}"), "service_id": service.id,
                        "name": LANGUAGE_NAMES.get(code), "code": code})
            for code in codes]


def _schedule(slot, index: int, service, today: date) -> dict:
    day = _next_occurrence(slot, today)
    opens = _hhmm(slot.opens_at)
    offset = datetime.combine(day, opens, tzinfo=ROME).utcoffset()
    hours = offset.total_seconds() / 3600
    suffix = _offset_suffix(offset)
    closed = sorted(c.day for c in service.closed_dates or []
                    if c.day >= today and c.day.isoweekday() == slot.weekday
                    and (slot.valid_from is None or c.day >= slot.valid_from)
                    and (slot.valid_to is None or c.day <= slot.valid_to))
    reasons = {c.day: c.reason for c in service.closed_dates or [] if c.reason}
    return _drop_none({
        "id": slot.id or _derived(service.id, f"schedule:{index}"),
        "service_id": service.id,
        "valid_from": slot.valid_from.isoformat() if slot.valid_from else None,
        "valid_to": slot.valid_to.isoformat() if slot.valid_to else None,
        "timezone": int(hours) if hours.is_integer() else hours,
        "freq": "WEEKLY",
        "byday": BYDAY[slot.weekday - 1],
        "opens_at": f"{slot.opens_at}{suffix}",
        "closes_at": f"{slot.closes_at}{suffix}",
        "description": f"Ogni {WEEKDAY_NAMES[slot.weekday - 1]}, "
                       f"{slot.opens_at}-{slot.closes_at} (ora di Milano)",
        "notes": ("Chiuso il " + ", ".join(
            d.strftime("%d/%m/%Y") + (f" ({reasons[d]})" if d in reasons else "")
            for d in closed) + ".") if closed else None,
    })


def _next_occurrence(slot, today: date) -> date:
    """The day the slot next opens from `today`, kept within its validity."""
    start = max(today, slot.valid_from) if slot.valid_from else today
    day = start + timedelta(days=(slot.weekday - start.isoweekday()) % 7)
    if slot.valid_to and day > slot.valid_to:  # a past (or too short) validity: its last day
        day = slot.valid_to - timedelta(days=(slot.valid_to.isoweekday() - slot.weekday) % 7)
    return day


def _hhmm(text: str) -> time:
    hours, minutes = text.split(":")
    return time(int(hours), int(minutes))


def _offset_suffix(offset: timedelta) -> str:
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def service_at_location_to_hsds(service, *, full: bool = True, today: date | None = None,
                                capacity=None) -> dict:
    """The HSDS `service_at_location` of a service that has a place: with `full`, its location
    and its service whole (as Open Referral's service_at_location_full example); else the list
    form (`service_at_location_list.json`): its location and its service with their one-to-one
    fields only."""
    body = _service_at_location(service)
    if full:
        nested = service_to_hsds(service, today=today, capacity=capacity)
        body["service"] = {key: value for key, value in nested.items()
                           if key != "service_at_locations"}
    else:
        body["location"] = {key: value for key, value in body["location"].items()
                            if not isinstance(value, list)}
        body["service"] = service_to_hsds(service, full=False)
    return body


def service_at_location_id(service_id: str, location_id: str) -> str:
    return _derived(service_id, f"service_at_location:{location_id}")


def _service_at_location(service) -> dict:
    location_id = service.location.id or _derived(service.id, "location")
    return {
        "id": service_at_location_id(service.id, location_id),
        "service_id": service.id,
        "location_id": location_id,
        "location": _location(service.location, location_id),
    }


def _location(location, location_id: str) -> dict:
    where = ", ".join(part for part in (
        f"Municipio {location.municipio}" if location.municipio else None,
        location.zone) if part)
    body = _drop_none({
        "id": location_id,
        "location_type": "physical",
        "name": location.name,
        "description": where or None,
    })
    if location.latitude is not None and location.longitude is not None:
        body["latitude"] = location.latitude
        body["longitude"] = location.longitude
    if location.address and location.postal_code:
        body["addresses"] = [{
            "id": _derived(location_id, "address"),
            "location_id": location_id,
            "address_1": location.address,
            "city": location.city or "Milano",
            "state_province": "MI",
            "postal_code": location.postal_code,
            "country": "IT",
            "address_type": "physical",
        }]
    if location.accessibility:
        body["accessibility"] = [{
            "id": _derived(location_id, "accessibility"),
            "location_id": location_id,
            "description": location.accessibility,
        }]
    return body


def _capacity(service_id: str, stated) -> dict:
    """HSDS 3.1's `service_capacity`: the places free; the families waiting, which HSDS has no
    field for, and the organisation's note in its description."""
    waiting = ("nessuna famiglia in attesa" if not stated.waiting_list else
               "1 famiglia in attesa" if stated.waiting_list == 1 else
               f"{stated.waiting_list} famiglie in attesa")
    return {
        "id": _derived(service_id, "capacity"),
        "service_id": service_id,
        "unit": PLACE_UNIT,
        "available": stated.available,
        "description": f"Posti liberi; {waiting}." + (f" {stated.note}" if stated.note else ""),
        "updated": _timestamp(stated.updated_at),
    }


def _attribute(service_id: str, kind: str, code: str) -> dict:
    body = term(kind, code)
    return {"id": _derived(service_id, f"attribute:{kind}"), "link_id": service_id,
            "link_entity": "service", "taxonomy_term_id": body["id"], "taxonomy_term": body}


def _status(service) -> str:
    """Active while the directory lists it: withdrawn, or of an organisation no longer active,
    it is inactive."""
    withdrawn = (service.status or ACTIVE) != ACTIVE
    ended = service.organization is not None and service.organization.active is False
    return "inactive" if withdrawn or ended else "active"


def _last_modified(service) -> datetime | None:
    """When the service or its organisation, which its body carries, last changed."""
    organization = service.organization
    return _latest((service.updated_at, service.created_at,
                    organization.updated_at if organization is not None else None))


def _latest(moments) -> datetime | None:
    return max((moment for moment in moments if moment), default=None)


def _timestamp(moment: datetime | None) -> str | None:
    return local_time(moment).isoformat(timespec="milliseconds") if moment else None


def _in_order(rows, key) -> list:
    """Rows in an order that does not depend on the database's: by `key`, then by id (rows
    not saved yet keep their list order)."""
    return [row for _, row in sorted(enumerate(rows or []),
                                     key=lambda pair: (key(pair[1]), pair[1].id or "", pair[0]))]


def _derived(parent_id: str, label: str) -> str:
    return str(uuid.uuid5(uuid.UUID(str(parent_id)), label))


def _drop_none(body: dict) -> dict:
    return {key: value for key, value in body.items() if value is not None}
