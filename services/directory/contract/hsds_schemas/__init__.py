"""Open Referral's HSDS schemas, unchanged (README.md says which and under what licence), and
what the directory's HSDS answers add to them, as HSDS itself does elsewhere: a service's
`capacities` as HSDS 3.1's service.json declares them, an organization's `services` (HSDS 3.0's
compiled organization) and a service_at_location's `service` (Open Referral's
service_at_location_full example). References name the files (`"$ref": "unit.json"`)."""
import json
from functools import cache
from pathlib import Path

FOLDER = Path(__file__).parent
FOLDERS = ("schema", "compiled", "3.1")
CAPACITIES = {"name": "capacities", "type": "array", "title": "Capacities",
              "items": {"$ref": "service_capacity.json"}}
# the schema a property is added to: (the property's name, its schema)
ADDED = {"service.json": ("capacities", CAPACITIES),
         "service_with_definitions.json": ("capacities", CAPACITIES),
         "organization.json": ("services", {"type": "array", "items": {"$ref": "service.json"}}),
         "service_at_location.json": ("service", {"$ref": "service.json"})}


@cache
def _read(name: str) -> str:
    (path,) = [FOLDER / folder / name for folder in FOLDERS if (FOLDER / folder / name).exists()]
    return path.read_text()


def official(name: str) -> dict:
    """The schema in the file `name` (e.g. "service_list.json"), as Open Referral wrote it."""
    return json.loads(_read(name))


def names() -> list[str]:
    """The file name of every schema, all folders together."""
    return sorted(path.name for folder in FOLDERS for path in (FOLDER / folder).glob("*.json"))


def answered(name: str) -> dict:
    """The schema in the file `name`, with the property the directory's answers add to it."""
    schema = official(name)
    if name in ADDED:
        field, added = ADDED[name]
        schema["properties"][field] = added
    return schema
