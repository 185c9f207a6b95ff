"""Bulk onboarding: a municipal coordinator fills a spreadsheet of organisations and their
services and imports it as CSV; the same CSV comes out of `export_csv`.

One row per service. An organisation with several services repeats its organisation columns,
the same, on each of its rows; an organisation without services has one row with the service
columns empty. The columns are `COLUMNS`, documented in docs/onboarding.md.

The import is all or nothing: every row is checked (the directory's schemas and the rules of
`organizations.register`) and, when any is not valid, `Invalid` names the first 100 bad lines
of the file (the header is line 1, as in a spreadsheet) with their reasons, and says how many
there are, before anything is written. A file of more than `onboarding_file.MAX_ROWS` rows is
refused before any row is checked.
Otherwise the organisations and services are created through `organizations.register` and
`catalog.create`, so the usual events are emitted. An organisation already in the directory
(same exact name, or same tax code) with the same data, and a service of it with the same name
and data, are left as they are: importing a file twice changes nothing. The import only adds:
one that would change an existing organisation or service is refused for that line.
"""
import io
from dataclasses import dataclass, field

import eventlet
from sqlalchemy import func, or_, select

from services.common import csv_cells
from services.common.context import CITY, Caller
from services.common.errors import Forbidden, Invalid
from services.common.schemas import load
from services.directory import catalog, onboarding_cells as sheet, onboarding_file, organizations
from services.directory.contract.catalogue import (CATEGORIES, DIMENSIONS, REGISTRARS,
                                                   OrganizationCreateSchema, ServiceCreateSchema)
from services.directory.models import Membership, Network, Organization, Service
from services.directory.text import fold

MAX_LISTED_LINES = 100  # an answer of every bad line of a big file outgrew what the bus carries
ROWS_BETWEEN_YIELDS = 100


def import_csv(tx, caller: Caller, text) -> dict:
    """Imports the CSV `text` in the caller's transaction; returns
    `{"organizations_created", "services_created", "unchanged"}` (unchanged: organisations and
    services already in the directory with the same data). Raises `Invalid` with
    `{"line N": [reasons]}` before writing anything when any row is not valid."""
    caller.require_role(*REGISTRARS)
    rows, errors = onboarding_file.read(text)
    batch = _Batch(tx.session, caller, errors)
    for count, (line, cells) in enumerate(rows, start=1):
        batch.add_row(line, cells)
        if count % ROWS_BETWEEN_YIELDS == 0:
            eventlet.sleep(0)  # checking is CPU work: the service's other calls run meanwhile
    batch.match_directory()
    if batch.errors:
        raise _not_valid(batch.errors)
    return batch.write(tx)


def _not_valid(errors: dict) -> Invalid:
    """The first `MAX_LISTED_LINES` bad lines with their reasons, and how many there are."""
    lines = sorted(errors, key=lambda key: int(key.split()[1]))
    listed = lines[:MAX_LISTED_LINES]
    which = f"the first {len(listed)} are listed; " if len(listed) < len(lines) else ""
    return Invalid({key: errors[key] for key in listed},
                   f"{len(lines):,} line(s) of the file are not valid: {which}"
                   "nothing was imported.")


def export_csv(session, municipio=None, delimiter=",") -> str:
    """The directory as an onboarding CSV: one row per active service of each active
    organisation (one row with empty service columns for an organisation without any), sorted by
    organisation then service name. With `municipio`, the organisations of that network."""
    organizations_query = select(Organization).where(Organization.active.is_(True))
    if municipio is not None:
        members = select(Membership.organization_id).join(Network).where(
            Network.municipio == municipio)
        organizations_query = organizations_query.where(Organization.id.in_(members))
    found = session.execute(organizations_query).scalars().all()
    services = {}
    for service in session.execute(select(Service).where(
            Service.status == catalog.ACTIVE,
            Service.organization_id.in_(organizations_query.with_only_columns(Organization.id))
    )).scalars():
        services.setdefault(service.organization_id, []).append(service)
    out = io.StringIO()
    writer = csv_cells.Writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(sheet.COLUMNS)
    for organization in sorted(found, key=lambda o: (fold(o.name), o.name, o.tax_code or "", o.id)):
        organization_cells = sheet.organization_cells(sheet.organization_record(organization))
        offered = sorted(services.get(organization.id, []),
                         key=lambda s: (fold(s.name), s.name, s.id))
        for service in offered or [None]:
            cells = dict(organization_cells, **sheet.service_cells(
                sheet.service_record(service) if service else None))
            writer.writerow([cells[column] for column in sheet.COLUMNS])
    return out.getvalue()


# --- checking the rows -------------------------------------------------------------------------

@dataclass
class _NewService:
    line: int
    name: str
    data: dict
    cells: dict
    existing: Service | None = None


@dataclass
class _NewOrganization:
    line: int
    name: str
    tax_code: str | None
    data: dict  # for organizations.register, with municipi and level
    cells: dict
    existing: Organization | None = None
    services: dict = field(default_factory=dict)  # name -> _NewService


class _Batch:
    def __init__(self, session, caller: Caller, errors: dict):
        self.session = session
        self.caller = caller
        self.errors = errors
        self.by_name = {}
        self.by_tax_code = {}
        self.networks = set(session.execute(select(Network.municipio)).scalars())
        self.organization_schema = OrganizationCreateSchema()
        self.service_schema = ServiceCreateSchema()

    def problem(self, line: int, reason: str):
        reasons = self.errors.setdefault(f"line {line}", [])
        if reason not in reasons:
            reasons.append(reason)

    def add_row(self, line: int, cells: dict):
        cells = {column: csv_cells.as_typed(text) for column, text in cells.items()}
        organization = self._organization(line, cells)
        service = self._service(line, cells)
        if organization is None:
            return
        entry = self._entry(line, organization)
        if entry is None or service is None:
            return
        earlier = entry.services.get(service.name)
        if earlier is not None:
            self.problem(line, f"service_name: {service.name!r} of {entry.name!r} is already on "
                               f"line {earlier.line}.")
            return
        entry.services[service.name] = service

    def _organization(self, line, cells) -> dict | None:
        raw = {name: cells[column] for column, name in sheet.ORGANIZATION_FIELDS.items()
               if cells[column]}
        if "tax_code" in raw:
            raw["tax_code"] = raw["tax_code"].replace(" ", "").upper()
        if "website" in raw and "://" not in raw["website"] and " " not in raw["website"]:
            raw["website"] = f"https://{raw['website']}"
        tokens = sheet.split(cells["municipi"], r"[;,\s]+")
        if tokens:
            raw["municipi"] = tokens
        if cells["level"]:
            raw["level"] = cells["level"]
        try:
            data = load(self.organization_schema, raw)
        except Invalid as error:
            for path, reasons in error.errors.items():
                for reason in reasons:
                    self.problem(line, sheet.organization_reason(path, reason, tokens))
            return None
        municipi = sorted(set(data.pop("municipi", None) or (
            [] if self.caller.has_role(CITY) else self.caller.municipi)))
        level = data.pop("level")
        try:
            self.caller.require_municipi(municipi)
        except Forbidden as error:
            self.problem(line, f"municipi: {error.detail}")
            return None
        missing = [m for m in municipi if m not in self.networks]
        if missing:
            self.problem(line, "municipi: No network for municipio "
                               f"{', '.join(map(str, missing))}.")
            return None
        return dict(data, municipi=municipi, level=level)

    def _service(self, line, cells) -> _NewService | None:
        if not any(cells[column] for column in sheet.SERVICE_COLUMNS):
            return None
        raw = {name: cells[column] for column, name in sheet.SERVICE_FIELDS.items()
               if cells[column]}
        ok = True
        if not cells["service_name"]:
            self.problem(line, "service_name: A row with service columns names its service.")
            ok = False
        for column, codes, words in (("category", CATEGORIES, sheet.CATEGORY_WORDS),
                                     ("dimension", DIMENSIONS, sheet.DIMENSION_WORDS)):
            if column in raw:
                raw[column] = sheet.code_of(raw[column], codes, words)
        languages = sheet.split(cells["languages"].lower(), r"[;,\s]+")
        if languages:
            raw["languages"] = languages
        if cells["free"]:
            answer = fold(cells["free"])
            if answer in sheet.YES | sheet.NO:
                raw["free"] = answer in sheet.YES
            else:
                self.problem(line, "free: Write sì or no.")
                ok = False
        location = {name: cells[column] for column, name in sheet.LOCATION_FIELDS.items()
                    if cells[column]}
        for coordinate in ("latitude", "longitude"):
            if coordinate in location:
                location[coordinate] = location[coordinate].replace(",", ".")
        if location:
            raw["location"] = location
        slots, slot_texts = [], []
        for text in sheet.split(cells["schedules"], r"[;,]"):
            parsed = sheet.slots(text)
            if parsed is None:
                self.problem(line, f"schedules {text!r}: Write a weekday (1 = Monday ... 7 = "
                                   "Sunday) then the hours, e.g. 2 10:00-13:00.")
                ok = False
            for slot in parsed or []:
                slots.append(slot)
                slot_texts.append(text)
        if cells["schedules"]:
            raw["schedules"] = slots
        phone_texts = sheet.split(cells["phones"], r";(?![^()]*\))")
        if phone_texts:
            raw["phones"] = [sheet.phone(text) for text in phone_texts]
        try:
            data = load(self.service_schema, raw, partial=("organization_id",))
        except Invalid as error:
            for path, reasons in error.errors.items():
                if path == "name" and not cells["service_name"]:
                    continue  # said above
                for reason in reasons:
                    self.problem(line, sheet.service_reason(path, reason, languages, slot_texts,
                                                       phone_texts))
            return None
        if not ok:
            return None
        return _NewService(line, data["name"], data,
                           sheet.service_cells(sheet.service_data_record(data)))

    def _entry(self, line, organization: dict) -> _NewOrganization | None:
        name, tax_code = organization["name"], organization.get("tax_code")
        cells = sheet.organization_cells(sheet.organization_data_record(organization))
        entry = self.by_name.get(name)
        if entry is None and tax_code and tax_code in self.by_tax_code:
            other = self.by_tax_code[tax_code]
            self.problem(line, f"tax_code: {tax_code} is the tax code of {other.name!r} on line "
                               f"{other.line}.")
            return None
        if entry is None:
            entry = _NewOrganization(line, name, tax_code, organization, cells)
            self.by_name[name] = entry
            if tax_code:
                self.by_tax_code[tax_code] = entry
            return entry
        different = sheet.differences(entry.cells, cells)
        if different:
            self.problem(line, f"The organisation columns differ from line {entry.line} "
                               f"({', '.join(different)}): they are the same on every row of "
                               "an organisation.")
            return None
        return entry

    def match_directory(self):
        """Which organisations and services of the file the directory already has."""
        entries = list(self.by_name.values())
        found = {}
        names = [entry.name for entry in entries]
        tax_codes = [entry.tax_code for entry in entries if entry.tax_code]
        for start in range(0, max(len(names), len(tax_codes)), sheet.CHUNK):
            conditions = []
            if names[start:start + sheet.CHUNK]:
                conditions.append(Organization.name.in_(names[start:start + sheet.CHUNK]))
            if tax_codes[start:start + sheet.CHUNK]:
                conditions.append(func.upper(Organization.tax_code).in_(
                    tax_codes[start:start + sheet.CHUNK]))
            for organization in self.session.execute(
                    select(Organization).where(or_(*conditions))).scalars():
                found[organization.id] = organization
        by_name, by_tax_code = {}, {}
        for organization in found.values():
            by_name.setdefault(organization.name, []).append(organization)
            if organization.tax_code:
                by_tax_code.setdefault(organization.tax_code.upper(), []).append(organization)
        for entry in entries:
            candidates = {o.id: o for o in by_name.get(entry.name, []) + by_tax_code.get(
                entry.tax_code, [])}
            if len(candidates) > 1:
                names = ", ".join(sorted(o.name for o in candidates.values()))
                self.problem(entry.line, f"{entry.name!r} matches several organisations of the "
                                         f"directory by name or tax code: {names}.")
            elif candidates:
                existing = next(iter(candidates.values()))
                different = sheet.differences(
                    sheet.organization_cells(sheet.organization_record(existing)), entry.cells)
                if different:
                    self.problem(entry.line, f"{existing.name!r} is already in the directory "
                                             f"with a different {', '.join(different)}: change "
                                             "it there, the import only adds.")
                else:
                    entry.existing = existing
        self._match_services([entry for entry in entries if entry.existing is not None])

    def _match_services(self, entries):
        offered = {}
        ids = [entry.existing.id for entry in entries]
        for start in range(0, len(ids), sheet.CHUNK):
            for service in self.session.execute(select(Service).where(
                    Service.organization_id.in_(ids[start:start + sheet.CHUNK]),
                    Service.status == catalog.ACTIVE)).scalars():
                offered.setdefault((service.organization_id, service.name), []).append(service)
        for entry in entries:
            for new in entry.services.values():
                existing = offered.get((entry.existing.id, new.name), [])
                same = [s for s in existing
                        if not sheet.differences(sheet.service_cells(sheet.service_record(s)),
                                                 new.cells)]
                if same:
                    new.existing = same[0]
                elif existing:
                    different = sheet.differences(
                        sheet.service_cells(sheet.service_record(existing[0])), new.cells)
                    self.problem(new.line, f"The service {new.name!r} of {entry.name!r} is "
                                           f"already in the directory with a different "
                                           f"{', '.join(different)}: change it there, the "
                                           "import only adds.")

    def write(self, tx) -> dict:
        counts = {"organizations_created": 0, "services_created": 0, "unchanged": 0}
        for entry in self.by_name.values():
            if entry.existing is not None:
                organization = entry.existing
                counts["unchanged"] += 1
            else:
                organization = organizations.register(tx, self.caller, dict(entry.data))
                counts["organizations_created"] += 1
            for new in entry.services.values():
                if new.existing is not None:
                    counts["unchanged"] += 1
                    continue
                catalog.create(tx, self.caller, dict(new.data, organization_id=organization.id))
                counts["services_created"] += 1
        return counts
