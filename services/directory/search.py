"""Finding services: free text (case and accents do not matter), municipio, zone, category,
age, open at a moment, near a point; ordered by relevance, or by distance with `near`.

The search runs over an index: every listed service (active, of an active organisation), kept
in memory in name order with its answer already dumped, as a dict and as JSON, and filed by
what a search asks (filing.py); a search intersects the sets it needs (the smallest first) and
checks what sets cannot say (the exact hours, the distance) only on what is left, and takes
from the result only its page.

Each replica of the directory keeps its own index, and keeps it current by itself: every
change to a service (written, withdrawn, its location moved, its organisation renamed or
deactivated) gives it the next catalogue revision in the same transaction (listing.py). Before
each search the index reads that one counter (a pooled connection, no unit of work); when it
has moved, it reads only the rows of a newer revision (an indexed column) and refiles those
alone. So a search sees every edit committed before it, made by this replica or another,
without waiting for a message: the bus's events go to one replica of a shared queue, and would
arrive after the editor's answer. The whole index is built once, when the process starts.
"""
import heapq
import itertools
import math

from eventlet.semaphore import Semaphore
from nameko.extensions import DependencyProvider
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from services.common.database import Store
from services.common.memory import collector_paused, freeze_what_is_loaded
from services.common.schemas import local_time
from services.directory.filing import TEXTS, Entry, Filing, cell_of
from services.directory.listing import listed
from services.directory import places
from services.directory.models import Base, CatalogRevision, Network, Organization, Service
from services.directory.text import fold, terms

EMPTY = frozenset()
EARTH_RADIUS_KM = 6371.0088
KM_PER_DEGREE = 111.32
# how much a word of the query counts for the order of the results, by where it is found
WEIGHTS = dict(zip(TEXTS, (3, 2, 1, 0)))
CURRENT_REVISION = select(CatalogRevision.value)
NETWORK_ZONES = select(Network.zones)


class ServiceIndex:
    def __init__(self, store: Store):
        self.store = store
        self.filing = Filing(())
        self.revision = -1
        self._lock = Semaphore(1)

    @property
    def ready(self) -> bool:
        return self.revision >= 0

    def refresh(self):
        """Brings the index up to the database's catalogue revision (read first, on its own:
        most of the time it is the one the index has)."""
        current = self.store.scalar(CURRENT_REVISION) or 0
        if current <= self.revision:
            return
        with self._lock, collector_paused():
            if current <= self.revision:
                return
            changed = self._read_since(self.revision)
            if self.revision < 0:
                self.filing = Filing(entry for entry in changed.values() if entry)
            else:
                for service_id, entry in changed.items():
                    if entry is None:
                        self.filing.remove(service_id)
                    else:
                        self.filing.put(entry)
            self.revision = current

    def _read_since(self, revision: int) -> dict:
        """{id: the entry of each service changed since `revision`, None if it is no longer
        listed}, all read before the index changes (no search sees it half refiled). The few
        an edit changed come in one statement with their slots, closed days and phones; all of
        them, when the index is built, in batches, each batch's children in one statement."""
        statement = select(Service).where(Service.revision > revision).options(
            joinedload(Service.organization).noload(Organization.memberships))
        with self.store.transaction() as tx:
            if revision < 0:
                changed = tx.session.execute(
                    statement.execution_options(yield_per=500)).scalars()
            else:
                children = (Service.schedules, Service.closed_dates, Service.phones)
                changed = tx.session.execute(statement.options(
                    *map(joinedload, children))).unique().scalars()
            return {service.id: Entry.of(service) if listed(service) else None
                    for service in changed}

    def search(self, args: dict, as_json: bool = False, added=None) -> dict:
        """A page of the services that match `args`. With `as_json` its items are the services'
        JSON as the index keeps it, for an answer that goes on the bus; else dicts. `added`,
        given the page's ids, says what else each item carries ({id: {field: value}}): what
        changes without a new revision (a capacity grows stale), read for the page alone."""
        self.refresh()
        origin = self._origin(args)
        if origin is not None:
            args = dict(args, near=(origin["latitude"], origin["longitude"]))
        word_hits = self._word_hits(terms(args.get("q")))
        positions = self._matches(args, word_hits)
        page, per_page = args["page"], args["per_page"]
        start, stop = (page - 1) * per_page, page * per_page
        near = args.get("near")
        if near is not None:
            ranked = sorted(self._within(near, args["radius_km"], positions))
            total = len(ranked)
            chosen = [(self.filing.at[p], {"distance_km": round(distance, 3)})
                      for distance, p in ranked[start:stop]]
        else:
            total = len(positions)
            if word_hits:
                entries = [self.filing.at[p] for p in by_relevance(positions, word_hits,
                                                                   start, stop)]
            elif positions is self.filing.everything:  # all of them: already in name order
                entries = self.filing.sequence[start:stop]
            else:
                entries = [self.filing.at[p] for p in sorted(positions)[start:stop]]
            chosen = [(entry, {}) for entry in entries]
        more = added([entry.id for entry, _ in chosen]) if added else {}
        items = [entry.answer({**extra, **more.get(entry.id, {})}, as_json)
                 for entry, extra in chosen]
        found = {"items": items, "page": page, "per_page": per_page, "total": total}
        return found if origin is None else dict(found, origin=origin)

    def ids_with_words(self, text: str) -> set:
        """The ids of the listed services that have every word of `text`, as a search finds
        them (case and accents do not matter)."""
        self.refresh()
        return {self.filing.at[position].id
                for position in self._matches({}, self._word_hits(terms(text)))}

    def _origin(self, args) -> dict | None:
        """Where distances are measured from: the point given (`near`), or the place typed."""
        if args.get("place"):
            with self.store.transaction() as tx:
                zones = {fold(zone): zone for listed_zones in tx.session.scalars(NETWORK_ZONES)
                         for zone in listed_zones}
            return places.origin(self.filing, zones, args["place"])
        if args.get("near") is not None:
            latitude, longitude = args["near"]
            return {"latitude": latitude, "longitude": longitude, "kind": "point", "label": None}
        return None

    def _matches(self, args, word_hits) -> set:
        """The positions that match: the filters first, smallest first, each narrowing what the
        ones before found (a word matches in any of its texts: narrowed text by text, never
        joined whole); then what only an entry can tell (the exact hours, validity and closed
        dates)."""
        groups = [[self.filing.filed[name].get(value, EMPTY)] for name, value in (
            ("municipio", args.get("municipio")), ("zone", fold(args.get("zone")) or None),
            ("organization_id", args.get("organization_id")), ("kind", args.get("category")))
            if value is not None]
        if args.get("age") is not None:
            groups.append([self.filing.of_age(args["age"])])
        if args.get("open_at") is not None:
            local = local_time(args["open_at"])
            groups.append([self.filing.filed["hour"].get((local.isoweekday(), local.hour),
                                                         EMPTY)])
        if args.get("near") is not None:
            groups.append([self._around(args["near"], args["radius_km"])])
        groups += [list(hits.values()) for hits in word_hits.values()]
        if not groups:
            return self.filing.everything
        smallest, *others = sorted(groups, key=lambda group: sum(map(len, group)))
        found = set().union(*smallest)
        for group in others:
            found = set().union(*(found & positions for positions in group))
        if args.get("open_at") is not None:
            moment = (local.isoweekday(), local.strftime("%H:%M"), local.date())
            found = {p for p in found if self.filing.at[p].open_at(*moment)}
        return found

    def _within(self, near, radius_km, positions):
        """(distance, position) of those within the radius; the cheap bounding box first."""
        (low_lat, high_lat), (low_lon, high_lon) = bounding_box(near, radius_km)
        for position in positions:
            point = self.filing.at[position].point
            if low_lat <= point[0] <= high_lat and low_lon <= point[1] <= high_lon:
                distance = great_circle_km(near, point)
                if distance <= radius_km:
                    yield distance, position

    def _around(self, near, radius_km) -> set:
        """Positions in the cells that the circle's bounding box touches."""
        (low_lat, high_lat), (low_lon, high_lon) = bounding_box(near, radius_km)
        (first_row, first_column), (last_row, last_column) = (cell_of((low_lat, low_lon)),
                                                              cell_of((high_lat, high_lon)))
        rows, columns = range(first_row, last_row + 1), range(first_column, last_column + 1)
        cells = self.filing.filed["cell"]
        if len(rows) * len(columns) > len(cells):  # a wide circle: fewer cells filed than in it
            touched = (positions for (row, column), positions in cells.items()
                       if row in rows and column in columns)
        else:
            touched = (cells.get((row, column), EMPTY) for row in rows for column in columns)
        return set().union(*touched)

    def _word_hits(self, words) -> dict:
        """For each word of the query, the positions that have it, text by text."""
        return {word: {name: vocabulary.containing(word)
                       for name, vocabulary in self.filing.vocabularies.items()} for word in words}


class SearchIndex(DependencyProvider):
    """One index per directory process, built when the process starts."""

    def setup(self):
        self.index = ServiceIndex(Store(
            self.container.config["DATABASES"][self.container.service_name], Base.metadata))

    def start(self):
        self.container.spawn_managed_thread(self._warm_up)

    def _warm_up(self):
        """Builds the index, then moves what it holds out of the cycle collector's sight, as
        what is loaded at start is (memory.py): a full collection would walk its half a million
        objects (50,000 services) for most of a second, in the middle of a request."""
        self.index.refresh()
        freeze_what_is_loaded()

    def stop(self):
        self.index.store.dispose()

    def get_dependency(self, worker_ctx):
        return self.index


def by_relevance(positions: set, word_hits: dict, start: int, stop: int) -> list:
    """The positions from `start` to `stop` in the order of relevance: a word in the service's
    name counts most, then in the organisation's, then in the rest; equals in name order.

    The positions are split by score, set by set (a word's hits in one text add that text's
    weight to the positions they hold), so no position is scored one by one. The parts are
    split best first, and a part is split further (or taken out of the one it came from) only
    when its best reachable score is the best still left: a page of the best matches splits only
    those that have the words in their names, not the many that have them in a description."""
    weighed = sorted(((WEIGHTS[name], hit) for hits in word_hits.values()
                      for name, hit in hits.items() if WEIGHTS[name] and hit),
                     key=lambda pair: -pair[0])
    rest = [sum(weight for weight, _ in weighed[step:]) for step in range(len(weighed) + 1)]
    order = itertools.count()
    # (-best reachable score, order, score, next split, part, or what to take out of the part)
    parts = [(-rest[0], next(order), 0, 0, positions, None)]
    chosen, offset = [], 0
    while parts and offset < stop:
        best, level = parts[0][0], []
        while parts and parts[0][0] == best:
            _, _, score, step, part, taken = heapq.heappop(parts)
            if taken is not None:
                part = part - taken
            if step == len(weighed):
                level.append(part)
                continue
            weight, hit = weighed[step]
            inside = part & hit
            if inside:
                heapq.heappush(parts, (-(score + weight + rest[step + 1]), next(order),
                                       score + weight, step + 1, inside, None))
            if len(inside) < len(part):
                heapq.heappush(parts, (-(score + rest[step + 1]), next(order), score, step + 1,
                                       part, inside))
        size = sum(map(len, level))
        if level and offset + size > start:
            chosen += sorted(itertools.chain(*level))[max(start - offset, 0):stop - offset]
        offset += size
    return chosen


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
