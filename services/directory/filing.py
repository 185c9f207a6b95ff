"""How the search index files the services, so that one changed service is refiled alone.

Each active service is an `Entry` with a position: an integer, in the services' name order,
with room between neighbours (`GAP`). For every municipio, zone, organisation, category, hour of
each weekday, map cell and word of the texts, the `Filing` keeps the set of positions that have
it. A changed service is taken out of every set it was in and put in those it is in now; when
its name moves it, it gets a position between its new neighbours (and when there is no room
left between them, the few around it are spread out again), so the positions of the others stay
and sorting a set of positions is sorting by name.
"""
import math
import re
from bisect import bisect_left, bisect_right
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

import orjson
from orjson import Fragment

from services.common.serialization import encoded
from services.directory.contract.catalogue import ServiceSchema
from services.directory.models import Service
from services.directory.text import fold

DUMP = ServiceSchema().dump
CELL_DEGREES = 0.005  # services are filed by cells of the map this big (about 500 m)
TEXTS = ("name", "organization", "description", "zone")  # where words of a query are looked for
FILED = ("municipio", "zone", "organization_id", "kind", "hour", "cell")
# between neighbours' positions when the filing is made; odd, so that positions differ in their
# lowest bits, which place them in a set (multiples of a power of two would all collide there)
GAP = (1 << 32) + 1
ROOM = 1 << 16  # at least this much between neighbours after the positions are spread out


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
    address: str | None  # its place's name and address, folded: where a typed place is found
    slots: list
    closed: set
    encoded: bytes = field(repr=False)  # its answer, as JSON
    position: int = 0

    @classmethod
    def of(cls, service: Service) -> "Entry":
        location = service.location
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
            address=fold(f"{location.name or ''} {location.address or ''}") if location else None,
            slots=[(s.weekday, s.opens_at, s.closes_at, s.valid_from, s.valid_to)
                   for s in service.schedules],
            closed={c.day for c in service.closed_dates}, encoded=kept(DUMP(service)))

    def answer(self, extra: dict, as_json: bool):
        """The service as a search answers it, with the `extra` fields of this answer (its
        distance, its capacity): its JSON made once, completed (`as_json`), or a dict read from
        that JSON (not kept as a dict too: 50,000 services' dicts held 150 MB)."""
        if not as_json:
            return {**orjson.loads(self.encoded), **extra}
        if not extra:
            return Fragment(self.encoded)
        return Fragment(b"%s,%s" % (self.encoded[:-1], encoded(extra)[1:]))

    @property
    def place_label(self) -> str:
        """Its place as people read it: the address, else the place's name."""
        location = orjson.loads(self.encoded)["location"]
        return location["address"] or location["name"]

    def open_at(self, weekday: int, hhmm: str, day: date) -> bool:
        if day in self.closed:
            return False
        return any(w == weekday and opens <= hhmm < closes
                   and (valid_from is None or valid_from <= day)
                   and (valid_to is None or valid_to >= day)
                   for w, opens, closes, valid_from, valid_to in self.slots)

    def of_age(self, age: int) -> bool:
        return ((self.min_age is None or self.min_age <= age)
                and (self.max_age is None or self.max_age >= age))

    def filings(self):
        """(name, key) of every set of the filing the entry is in."""
        yield "municipio", self.municipio
        yield "zone", self.zone_key
        yield "organization_id", self.organization_id
        for kind in self.kinds:
            yield "kind", kind
        for weekday, opens, closes, *_ in self.slots:
            for hour in hours_touched(opens, closes):
                yield "hour", (weekday, hour)
        if self.point is not None:
            yield "cell", cell_of(self.point)

    def words(self):
        """(text, word) of every word of its texts."""
        for name, text in self.texts.items():
            for word in text.split():
                yield name, word


class Vocabulary:
    """The words of one text of every entry, each with the positions that have it. A word of
    a query is looked for inside them ("attiv" finds "attivita") in one pass over all the
    words joined, not word by word. A new word is joined at the end; a word no entry has any
    more keeps an empty set until the filing is made again."""

    def __init__(self, positions_of: dict):
        self.numbers = {word: number for number, word in enumerate(positions_of)}
        self.positions = list(positions_of.values())
        self.starts, offset = [], 0
        for word in positions_of:
            self.starts.append(offset)
            offset += len(word) + 1
        self.joined = "".join(f"{word}\n" for word in positions_of)

    def add(self, word: str, position: int):
        number = self.numbers.get(word)
        if number is None:
            number = self.numbers[word] = len(self.positions)
            self.positions.append(set())
            self.starts.append(len(self.joined))
            self.joined += f"{word}\n"
        self.positions[number].add(position)

    def discard(self, word: str, position: int):
        self.positions[self.numbers[word]].discard(position)

    def containing(self, fragment: str) -> set:
        """The positions of the words that contain `fragment` (the vocabulary's own set when
        one word does: read it, never change it)."""
        numbers = {bisect_right(self.starts, match.start()) - 1
                   for match in re.finditer(re.escape(fragment), self.joined)}
        if len(numbers) == 1:
            return self.positions[numbers.pop()]
        return set().union(*(self.positions[number] for number in numbers))


class Bounds:
    """The positions in order of one bound of their age range, for those at most or at least
    an age by bisection."""

    def __init__(self, pairs):
        ordered = sorted(pairs)
        self.keys = [key for key, _ in ordered]
        self.positions = [position for _, position in ordered]

    def add(self, key, position: int):
        at = bisect_right(self.keys, key)
        self.keys.insert(at, key)
        self.positions.insert(at, position)

    def discard(self, key, position: int):
        at = self.positions.index(position, bisect_left(self.keys, key),
                                  bisect_right(self.keys, key))
        del self.keys[at], self.positions[at]

    def up_to(self, key) -> list:
        return self.positions[:bisect_right(self.keys, key)]

    def from_(self, key) -> list:
        return self.positions[bisect_left(self.keys, key):]


def lowest(entry: Entry):
    return -math.inf if entry.min_age is None else entry.min_age


def highest(entry: Entry):
    return math.inf if entry.max_age is None else entry.max_age


class Filing:
    """The entries in name order (`sequence`, by `position`), and the sets they are filed in."""

    def __init__(self, entries):
        self.sequence = sorted(entries, key=lambda entry: entry.sort_key)
        self.keys = [entry.sort_key for entry in self.sequence]
        self.by_id, self.at = {}, {}
        self.filed = {name: defaultdict(set) for name in FILED}
        words = {name: defaultdict(set) for name in TEXTS}
        for number, entry in enumerate(self.sequence):
            entry.position = number * GAP
            self.by_id[entry.id] = self.at[entry.position] = entry
            for name, key in entry.filings():
                self.filed[name][key].add(entry.position)
            for name, word in entry.words():
                words[name][word].add(entry.position)
        self.everything = set(self.at)
        self.vocabularies = {name: Vocabulary(words[name]) for name in TEXTS}
        self.lowest = Bounds((lowest(e), e.position) for e in self.sequence)
        self.highest = Bounds((highest(e), e.position) for e in self.sequence)
        self.ages = {}

    def put(self, entry: Entry):
        """Files a new or changed entry: in the place of the one it replaces when its name
        has not changed, else between its new neighbours."""
        old = self.by_id.get(entry.id)
        if old is not None and old.sort_key == entry.sort_key:
            self._unfile(old)
            entry.position = old.position
            self.sequence[bisect_left(self.keys, entry.sort_key)] = entry
        else:
            if old is not None:
                self.remove(entry.id)
            self._place(entry)
        self._file(entry)

    def remove(self, service_id: str):
        old = self.by_id.get(service_id)
        if old is not None:
            self._unfile(old)
            at = bisect_left(self.keys, old.sort_key)
            del self.keys[at], self.sequence[at]

    def of_age(self, age: int) -> set:
        """Positions whose age range holds `age` (kept for each age asked, and kept current)."""
        if age not in self.ages:
            self.ages[age] = set(self.lowest.up_to(age)).intersection(self.highest.from_(age))
        return self.ages[age]

    def _place(self, entry: Entry):
        """Puts the entry in name order with a position between its neighbours'."""
        at = bisect_left(self.keys, entry.sort_key)
        self.keys.insert(at, entry.sort_key)
        self.sequence.insert(at, entry)
        before, after = self._around(at)
        if before is None or after is None or after - before > 1:
            entry.position = _between(before, after)
        else:
            self._spread(at)

    def _around(self, at: int) -> tuple:
        before = self.sequence[at - 1].position if at > 0 else None
        after = self.sequence[at + 1].position if at + 1 < len(self.sequence) else None
        return before, after

    def _spread(self, at: int):
        """Gives the entries around `at` (the one just placed among them) positions evenly
        spread between those of the entries outside them, widening until there is `ROOM`."""
        reach = 1
        while True:
            first, last = max(at - reach, 0), min(at + reach, len(self.sequence) - 1)
            low = self.sequence[first - 1].position if first > 0 else None
            high = self.sequence[last + 1].position if last + 1 < len(self.sequence) else None
            count = last - first + 1
            if low is None:
                low = (high if high is not None else 0) - (count + 1) * GAP
            if high is None:
                high = low + (count + 1) * GAP
            step = (high - low) // (count + 1)
            if step >= ROOM:
                break
            reach *= 2
        window = self.sequence[first:last + 1]
        moved = [neighbour for neighbour in window if neighbour is not self.sequence[at]]
        for neighbour in moved:  # all out first: a new position may be another's old one
            self._unfile(neighbour)
        for number, neighbour in enumerate(window, start=1):
            neighbour.position = low + number * step
        for neighbour in moved:
            self._file(neighbour)

    def _file(self, entry: Entry):
        position = entry.position
        self.by_id[entry.id] = self.at[position] = entry
        self.everything.add(position)
        for name, key in entry.filings():
            self.filed[name][key].add(position)
        for name, word in entry.words():
            self.vocabularies[name].add(word, position)
        self.lowest.add(lowest(entry), position)
        self.highest.add(highest(entry), position)
        for age, positions in self.ages.items():
            if entry.of_age(age):
                positions.add(position)

    def _unfile(self, entry: Entry):
        position = entry.position
        del self.by_id[entry.id], self.at[position]
        self.everything.discard(position)
        for name, key in entry.filings():
            positions = self.filed[name][key]
            positions.discard(position)
            if not positions:
                del self.filed[name][key]
        for name, word in entry.words():
            self.vocabularies[name].discard(word, position)
        self.lowest.discard(lowest(entry), position)
        self.highest.discard(highest(entry), position)
        for positions in self.ages.values():
            positions.discard(position)


def kept(data) -> bytes:
    """`data` as JSON (serialization.encoded) in bytes of their own size, to keep: the bytes
    orjson answers hold the whole buffer it wrote them in (8 KB for a service's 1 KB)."""
    return bytes(memoryview(encoded(data)))


def _between(before: int | None, after: int | None) -> int:
    if before is None and after is None:
        return 0
    if before is None:
        return after - GAP
    if after is None:
        return before + GAP
    return (before + after) // 2


def hours_touched(opens: str, closes: str) -> range:
    """The hours of the day a slot from `opens` to `closes` ("HH:MM") is open in, at least in
    part: 08:30-11:00 touches 8, 9 and 10."""
    last = int(closes[:2]) - (closes[3:] == "00")
    return range(int(opens[:2]), last + 1)


def cell_of(point) -> tuple:
    return (math.floor(point[0] / CELL_DEGREES), math.floor(point[1] / CELL_DEGREES))
