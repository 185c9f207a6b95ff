"""Finding services: free text (case and accents do not matter), municipio, zone, category,
age, open at a moment, near a point; ordered by relevance, or by distance with `near`.

The search runs over an index: every active service, kept in memory in name order with its
answer already dumped, as a dict and as JSON. Each service has a position in that order, and the index keeps, for
every municipio, zone, organisation, category, hour of each weekday, map cell and word of the
texts, the set of positions that have it; a search intersects the sets it needs (the smallest
first) and checks what sets cannot say (the exact hours, the distance) only on what is left,
and takes from the result only its page. Each process keeps its
own index and, before a search, reads only the services whose revision is newer than the one it
has seen (see `CatalogRevision`).
"""
import math
import re
from bisect import bisect_left, bisect_right
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from eventlet.semaphore import Semaphore
from orjson import Fragment
from nameko.extensions import DependencyProvider
from sqlalchemy import select

from services.common.database import Store, next_in_sequence
from services.common.memory import collector_paused
from services.common.schemas import local_time
from services.common.serialization import encoded
from services.directory.contract.catalogue import ServiceSchema
from services.directory.models import Base, CatalogRevision, Service
from services.directory.text import fold, terms

DUMP = ServiceSchema().dump
EMPTY = frozenset()
EARTH_RADIUS_KM = 6371.0088
KM_PER_DEGREE = 111.32
CELL_DEGREES = 0.005  # services are filed by cells of the map this big (about 500 m)
# where a word of the query counts, and how much for the order of the results
WEIGHTS = {"name": 3, "organization": 2, "description": 1, "zone": 0}
CURRENT_REVISION = select(CatalogRevision.value)


def mark_changed(session, *services):
    """Give changed services the next catalogue revision (in the caller's transaction)."""
    revision = next_in_sequence(session, CatalogRevision, id=1)
    for service in services:
        service.revision = revision


@dataclass(slots=True)
class Entry:
    id: str
    sort_key: tuple
    texts: dict
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
    encoded: bytes = field(repr=False)
    position: int = -1

    @classmethod
    def of(cls, service: Service) -> "Entry":
        location, item = service.location, DUMP(service)
        point = None
        if location and location.latitude is not None and location.longitude is not None:
            point = (location.latitude, location.longitude)
        return cls(
            id=service.id, sort_key=(fold(service.name), service.id),
            texts={"name": fold(service.name), "organization": fold(service.organization.name),
                   "description": fold(service.description),
                   "zone": fold(location.zone if location else None)},
            organization_id=service.organization_id,
            zone_key=location.zone_key if location else None,
            municipio=location.municipio if location else None,
            kinds=(service.category, service.dimension), min_age=service.min_age,
            max_age=service.max_age, point=point,
            slots=[(s.weekday, s.opens_at, s.closes_at, s.valid_from, s.valid_to)
                   for s in service.schedules],
            closed={c.day for c in service.closed_dates}, item=item, encoded=encoded(item))

    def answer(self, distance_km: float | None, as_json: bool):
        """The service as a search answers it: a dict, or its JSON made once (`as_json`)."""
        if not as_json:
            return self.item if distance_km is None else dict(self.item, distance_km=distance_km)
        if distance_km is None:
            return Fragment(self.encoded)
        return Fragment(b"%s,\"distance_km\":%r}" % (self.encoded[:-1], distance_km))

    def open_at(self, weekday: int, hhmm: str, day: date) -> bool:
        if day in self.closed:
            return False
        return any(w == weekday and opens <= hhmm < closes
                   and (valid_from is None or valid_from <= day)
                   and (valid_to is None or valid_to >= day)
                   for w, opens, closes, valid_from, valid_to in self.slots)


class Vocabulary:
    """The words of one text of every entry, each with the positions that have it. A word of
    a query is looked for inside them ("attiv" finds "attivita") in one pass over
    all the words joined, not word by word."""

    def __init__(self, positions_of: dict):
        self.words = sorted(positions_of)
        self.positions = [positions_of[word] for word in self.words]
        self.joined = "\n".join(self.words)
        self.starts, offset = [], 0
        for word in self.words:
            self.starts.append(offset)
            offset += len(word) + 1

    def containing(self, fragment: str) -> set:
        found, seen = set(), set()
        for match in re.finditer(re.escape(fragment), self.joined):
            number = bisect_right(self.starts, match.start()) - 1
            if number not in seen:
                seen.add(number)
                found |= self.positions[number]
        return found


class ServiceIndex:
    def __init__(self, store: Store):
        self.store = store
        self.entries = {}
        self.revision = -1
        self._lock = Semaphore(1)
        self._arrange()

    def refresh(self):
        """Brings the index up to the database's catalogue revision (read first, on its own:
        most of the time it is the one the index has)."""
        current = self.store.scalar(CURRENT_REVISION) or 0
        if current == self.revision:
            return
        with self._lock, collector_paused():
            if current == self.revision:
                return
            with self.store.transaction() as tx:
                changed = tx.session.execute(select(Service).where(
                    Service.revision > self.revision).execution_options(yield_per=500)).scalars()
                for service in changed:
                    if service.status == "active":
                        self.entries[service.id] = Entry.of(service)
                    else:
                        self.entries.pop(service.id, None)
            self._arrange()
            self.revision = current

    def _arrange(self):
        """Puts the entries in name order and files each position under what it has."""
        ordered = sorted(self.entries.values(), key=lambda entry: entry.sort_key)
        filed = {name: defaultdict(set) for name in ("municipio", "zone", "organization_id",
                                                     "kind", "hour", "cell")}
        words = {name: defaultdict(set) for name in WEIGHTS}
        for position, entry in enumerate(ordered):
            entry.position = position
            filed["municipio"][entry.municipio].add(position)
            filed["zone"][entry.zone_key].add(position)
            filed["organization_id"][entry.organization_id].add(position)
            for kind in entry.kinds:
                filed["kind"][kind].add(position)
            for weekday, opens, closes, *_ in entry.slots:
                for hour in hours_touched(opens, closes):
                    filed["hour"][weekday, hour].add(position)
            if entry.point is not None:
                filed["cell"][cell_of(entry.point)].add(position)
            for name, text in entry.texts.items():
                for word in text.split():
                    words[name][word].add(position)
        self.ordered, self.filed = ordered, filed
        self.vocabularies = {name: Vocabulary(words[name]) for name in WEIGHTS}
        self.min_ages, self.by_min_age = in_order_of(
            (-math.inf if e.min_age is None else e.min_age, e.position) for e in ordered)
        self.max_ages, self.by_max_age = in_order_of(
            (math.inf if e.max_age is None else e.max_age, e.position) for e in ordered)
        self.ages = {}

    def search(self, args: dict, as_json: bool = False) -> dict:
        """A page of the services that match `args`. With `as_json` its items are the services'
        JSON as the index keeps it, for an answer that goes on the bus; else dicts."""
        self.refresh()
        word_hits = self._word_hits(terms(args.get("q")))
        positions = self._matches(args, word_hits)
        page, per_page = args["page"], args["per_page"]
        start, stop = (page - 1) * per_page, page * per_page
        near = args.get("near")
        if near is not None:
            ranked = sorted(self._within(near, args["radius_km"], positions))
            total = len(ranked)
            items = [self.ordered[p].answer(round(distance, 3), as_json)
                     for distance, p in ranked[start:stop]]
        else:
            total = len(positions)
            chosen = (by_relevance(positions, word_hits, start, stop) if word_hits
                      else sorted(positions)[start:stop])
            items = [self.ordered[p].answer(None, as_json) for p in chosen]
        return {"items": items, "page": page, "per_page": per_page, "total": total}

    def _matches(self, args, word_hits) -> set:
        """The positions that match: the sets first, smallest first; then what only an entry
        can tell (the exact hours, validity and closed dates)."""
        sets = [self.filed[name].get(value, EMPTY) for name, value in (
            ("municipio", args.get("municipio")), ("zone", fold(args.get("zone")) or None),
            ("organization_id", args.get("organization_id")), ("kind", args.get("category")))
            if value is not None]
        if args.get("age") is not None:
            sets.append(self._of_age(args["age"]))
        if args.get("open_at") is not None:
            local = local_time(args["open_at"])
            sets.append(self.filed["hour"].get((local.isoweekday(), local.hour), EMPTY))
        if args.get("near") is not None:
            sets.append(self._around(args["near"], args["radius_km"]))
        for hits in word_hits.values():
            sets.append(set().union(*hits.values()))
        if not sets:
            return set(range(len(self.ordered)))
        smallest, *others = sorted(sets, key=len)
        found = smallest.intersection(*others)
        if args.get("open_at") is not None:
            moment = (local.isoweekday(), local.strftime("%H:%M"), local.date())
            found = {p for p in found if self.ordered[p].open_at(*moment)}
        return found

    def _within(self, near, radius_km, positions):
        """(distance, position) of those within the radius; the cheap bounding box first."""
        (low_lat, high_lat), (low_lon, high_lon) = bounding_box(near, radius_km)
        for position in positions:
            point = self.ordered[position].point
            if low_lat <= point[0] <= high_lat and low_lon <= point[1] <= high_lon:
                distance = great_circle_km(near, point)
                if distance <= radius_km:
                    yield distance, position

    def _of_age(self, age: int) -> set:
        """Positions whose age range holds `age`, from the positions in order of their lowest
        and of their highest age (kept for each age asked, until the index changes)."""
        if age not in self.ages:
            low_enough = self.by_min_age[:bisect_right(self.min_ages, age)]
            high_enough = self.by_max_age[bisect_left(self.max_ages, age):]
            self.ages[age] = set(low_enough).intersection(high_enough)
        return self.ages[age]

    def _around(self, near, radius_km) -> set:
        """Positions in the cells that the circle's bounding box touches."""
        (low_lat, high_lat), (low_lon, high_lon) = bounding_box(near, radius_km)
        (first_row, first_column), (last_row, last_column) = (cell_of((low_lat, low_lon)),
                                                              cell_of((high_lat, high_lon)))
        rows, columns = range(first_row, last_row + 1), range(first_column, last_column + 1)
        cells = self.filed["cell"]
        if len(rows) * len(columns) > len(cells):  # a wide circle: fewer cells filed than in it
            touched = (positions for (row, column), positions in cells.items()
                       if row in rows and column in columns)
        else:
            touched = (cells.get((row, column), EMPTY) for row in rows for column in columns)
        return set().union(*touched)

    def _word_hits(self, words) -> dict:
        """For each word of the query, the positions that have it, text by text."""
        return {word: {name: vocabulary.containing(word)
                       for name, vocabulary in self.vocabularies.items()} for word in words}


class SearchIndex(DependencyProvider):
    """One index per directory process, built when the process starts."""

    def setup(self):
        self.index = ServiceIndex(Store(
            self.container.config["DATABASES"][self.container.service_name], Base.metadata))

    def start(self):
        self.container.spawn_managed_thread(self._warm_up)

    def _warm_up(self):
        self.index.refresh()

    def stop(self):
        self.index.store.dispose()

    def get_dependency(self, worker_ctx):
        return self.index


def in_order_of(pairs) -> tuple:
    """([key, ...], [position, ...]) of (key, position) pairs, in order of key."""
    ordered = sorted(pairs)
    return [key for key, _ in ordered], [position for _, position in ordered]


def by_relevance(positions: set, word_hits: dict, start: int, stop: int) -> list:
    """The positions from `start` to `stop` in the order of relevance: a word in the service's
    name counts most, then in the organisation's, then in the rest; equals in name order.

    The positions are split by score, set by set (a word's hits in one text add that text's
    weight to the positions they hold), so no position is scored one by one; only the parts
    that the page reaches are sorted."""
    parts = {0: positions}
    for hits in word_hits.values():
        for name, hit in hits.items():
            weight = WEIGHTS[name]
            if not weight or not hit:
                continue
            refined = defaultdict(set)
            for score, part in parts.items():
                inside = part & hit
                refined[score + weight] |= inside
                refined[score] |= part - inside
            parts = {score: part for score, part in refined.items() if part}
    chosen, offset = [], 0
    for score in sorted(parts, reverse=True):
        part = parts[score]
        if offset + len(part) > start:
            chosen += sorted(part)[max(start - offset, 0):stop - offset]
        offset += len(part)
        if offset >= stop:
            break
    return chosen


def bounding_box(near, radius_km):
    """The latitude and longitude ranges that hold the circle around `near`."""
    latitude, longitude = near
    d_lat = radius_km / KM_PER_DEGREE
    d_lon = radius_km / (KM_PER_DEGREE * max(math.cos(math.radians(latitude)), 0.01))
    return (latitude - d_lat, latitude + d_lat), (longitude - d_lon, longitude + d_lon)


def hours_touched(opens: str, closes: str) -> range:
    """The hours of the day a slot from `opens` to `closes` ("HH:MM") is open in, at least in
    part: 08:30-11:00 touches 8, 9 and 10."""
    last = int(closes[:2]) - (closes[3:] == "00")
    return range(int(opens[:2]), last + 1)


def cell_of(point) -> tuple:
    return (math.floor(point[0] / CELL_DEGREES), math.floor(point[1] / CELL_DEGREES))


def great_circle_km(a, b) -> float:
    """Haversine distance between two (latitude, longitude) points."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (math.sin((lat2 - lat1) / 2) ** 2
         + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2)
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))
