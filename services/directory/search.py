"""Finding services: free text (case and accents do not matter), municipio, zone, category,
age, open at a moment, near a point; ordered by relevance, or by distance with `near`.

The search runs over an index: every active service, kept in memory in name order with its
answer already dumped, so a search is a filter over 10,000 small records instead of a query.
Each process keeps its own and, before a search, reads only the services whose revision is
newer than the one it has seen (see `CatalogRevision`).
"""
import math
from dataclasses import dataclass, field
from datetime import date

from eventlet.semaphore import Semaphore
from nameko.extensions import DependencyProvider
from sqlalchemy import select

from services.common.database import Store, next_in_sequence
from services.common.schemas import local_time
from services.directory.models import Base, CatalogRevision, Service
from services.directory.schemas import ServiceSchema
from services.directory.text import fold, terms

DUMP = ServiceSchema().dump
EARTH_RADIUS_KM = 6371.0088
KM_PER_DEGREE = 111.32


def mark_changed(session, *services):
    """Give changed services the next catalogue revision (in the caller's transaction)."""
    revision = next_in_sequence(session, CatalogRevision, id=1)
    for service in services:
        service.revision = revision


@dataclass(slots=True)
class Entry:
    id: str
    sort_key: tuple
    name: str
    organization: str
    description: str
    text: str
    organization_id: str
    zone_key: str | None
    municipio: int | None
    kinds: tuple
    min_age: int | None
    max_age: int | None
    point: tuple | None
    slots: list
    closed: set
    item: dict = field(repr=False)

    @classmethod
    def of(cls, service: Service) -> "Entry":
        location = service.location
        point = None
        if location and location.latitude is not None and location.longitude is not None:
            point = (location.latitude, location.longitude)
        return cls(
            id=service.id, sort_key=(fold(service.name), service.id), name=fold(service.name),
            organization=fold(service.organization.name), description=fold(service.description),
            text=service.search_text, organization_id=service.organization_id,
            zone_key=location.zone_key if location else None,
            municipio=location.municipio if location else None,
            kinds=(service.category, service.dimension), min_age=service.min_age,
            max_age=service.max_age, point=point,
            slots=[(s.weekday, s.opens_at, s.closes_at, s.valid_from, s.valid_to)
                   for s in service.schedules],
            closed={c.day for c in service.closed_dates}, item=DUMP(service))

    def open_at(self, weekday: int, hhmm: str, day: date) -> bool:
        if day in self.closed:
            return False
        return any(w == weekday and opens <= hhmm < closes
                   and (valid_from is None or valid_from <= day)
                   and (valid_to is None or valid_to >= day)
                   for w, opens, closes, valid_from, valid_to in self.slots)

    def relevance(self, words) -> int:
        """A word in the service's name counts most, then the organisation's, then the rest."""
        return sum(3 * (w in self.name) + 2 * (w in self.organization) + (w in self.description)
                   for w in words)


class ServiceIndex:
    def __init__(self):
        self.entries = {}
        self.ordered = []
        self.revision = -1
        self._lock = Semaphore(1)

    def refresh(self, session):
        current = session.execute(select(CatalogRevision.value)).scalar() or 0
        if current == self.revision:
            return
        with self._lock:
            if current == self.revision:
                return
            changed = session.execute(select(Service).where(Service.revision > self.revision)
                                      .execution_options(yield_per=500)).scalars()
            for service in changed:
                if service.status == "active":
                    self.entries[service.id] = Entry.of(service)
                else:
                    self.entries.pop(service.id, None)
            self.ordered = sorted(self.entries.values(), key=lambda entry: entry.sort_key)
            self.revision = current

    def search(self, session, args: dict) -> dict:
        self.refresh(session)
        matches = self._matches(args)
        words, near = terms(args.get("q")), args.get("near")
        if near is not None:
            radius = args["radius_km"]
            ranked = []
            for entry in matches:
                distance = great_circle_km(near, entry.point)
                if distance <= radius:
                    ranked.append((distance, entry))
            ranked.sort(key=lambda pair: pair[0])
            hits = [dict(entry.item, distance_km=round(distance, 3)) for distance, entry in ranked]
        elif words:
            hits = [entry.item for entry in sorted(matches, key=lambda e: -e.relevance(words))]
        else:
            hits = [entry.item for entry in matches]
        page, per_page = args["page"], args["per_page"]
        start = (page - 1) * per_page
        return {"items": hits[start:start + per_page], "page": page, "per_page": per_page,
                "total": len(hits)}

    def _matches(self, args) -> list:
        """Each filter narrows the list left by the one before, cheapest first."""
        found = self.ordered
        if args.get("municipio") is not None:
            found = [e for e in found if e.municipio == args["municipio"]]
        if args.get("organization_id"):
            found = [e for e in found if e.organization_id == args["organization_id"]]
        if args.get("zone"):
            zone = fold(args["zone"])
            found = [e for e in found if e.zone_key == zone]
        if args.get("category"):
            found = [e for e in found if args["category"] in e.kinds]
        if args.get("age") is not None:
            age = args["age"]
            found = [e for e in found if (e.min_age is None or e.min_age <= age)
                     and (e.max_age is None or e.max_age >= age)]
        for word in terms(args.get("q")):
            found = [e for e in found if word in e.text]
        if args.get("near") is not None:
            (low_lat, high_lat), (low_lon, high_lon) = bounding_box(args["near"], args["radius_km"])
            found = [e for e in found if e.point is not None and low_lat <= e.point[0] <= high_lat
                     and low_lon <= e.point[1] <= high_lon]
        if args.get("open_at") is not None:
            local = local_time(args["open_at"])
            moment = (local.isoweekday(), local.strftime("%H:%M"), local.date())
            found = [e for e in found if e.open_at(*moment)]
        return found


class SearchIndex(DependencyProvider):
    """One index per directory process, built when the process starts."""

    def setup(self):
        self.index = ServiceIndex()
        self.store = Store(self.container.config["DATABASES"][self.container.service_name],
                           Base.metadata)

    def start(self):
        self.container.spawn_managed_thread(self._warm_up)

    def _warm_up(self):
        with self.store.sessions() as session:
            self.index.refresh(session)

    def stop(self):
        self.store.dispose()

    def get_dependency(self, worker_ctx):
        return self.index


def bounding_box(near, radius_km):
    """The latitude and longitude ranges that hold the circle around `near`."""
    latitude, longitude = near
    d_lat = radius_km / KM_PER_DEGREE
    d_lon = radius_km / (KM_PER_DEGREE * max(math.cos(math.radians(latitude)), 0.01))
    return (latitude - d_lat, latitude + d_lat), (longitude - d_lon, longitude + d_lon)


def great_circle_km(a, b) -> float:
    """Haversine distance between two (latitude, longitude) points."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (math.sin((lat2 - lat1) / 2) ** 2
         + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2)
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))
