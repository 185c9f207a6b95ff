"""Open Referral's HSDS schemas, which the directory's contract keeps as Open Referral wrote
them, as the OpenAPI document's components: each definition once, named `Hsds` and its name in
CamelCase (`service_at_location` -> `HsdsServiceAtLocation`), its references (`#/definitions/x`,
`x.json`) made the document's, HSDS's keywords about its tabular form left out (not JSON
Schema, they constrain nothing in JSON: a column's uniqueness, whether it is core) but a
date's type, said as JSON Schema's format; everything else kept. The answers' own shapes are
built from them here: the list forms, the whole forms with what the directory adds (as
hsds_schemas.ADDED says), the pages."""
import json
import re

from services.common.schemas import SOMETIMES_ABSENT
from services.directory.contract import hsds_schemas

REFERENCE = "#/components/schemas/"
# HSDS's Table Schema and data package keywords, not JSON Schema's
TABULAR = {"name", "path", "datapackage_metadata", "tabular_required", "definitions",
           "constraints", "core", "datapackage_type"}
# HSDS's type of a string as JSON Schema's format ("time" has none: HSDS's "HH:MM" and offset)
FORMATS = {"date": "date", "datetime": "date-time"}
SUBSCHEMAS = ("items", "not", "additionalProperties")
SUBSCHEMA_LISTS = ("allOf", "anyOf", "oneOf")
FROM_FILES = {"HsdsServiceListItem": "service_list.json",
              "HsdsOrganizationListItem": "organization_list.json",
              "HsdsServiceAtLocationListItem": "service_at_location_list.json",
              "HsdsServiceCapacity": "service_capacity.json", "HsdsUnit": "unit.json"}


def component_name(reference: str) -> str:
    """"#/definitions/service_at_location" or "service_at_location.json" ->
    "HsdsServiceAtLocation"."""
    name = re.sub(r"^#/definitions/|\.json$", "", reference)
    return "Hsds" + "".join(word.capitalize() for word in name.split("_"))


def ref(name: str) -> dict:
    return {"$ref": REFERENCE + name}


def as_component(schema: dict) -> dict:
    """An HSDS schema as an OpenAPI 3.1 schema of this document."""
    said = {}
    if schema.get("datapackage_type") in FORMATS and "format" not in schema:
        said["format"] = FORMATS[schema["datapackage_type"]]
    for keyword, value in schema.items():
        if keyword in TABULAR:
            continue
        if keyword == "$ref":
            value = REFERENCE + component_name(value)
        elif keyword == "properties":
            value = {field: as_component(subschema) for field, subschema in value.items()}
        elif keyword in SUBSCHEMAS and isinstance(value, dict):
            value = as_component(value)
        elif keyword in SUBSCHEMA_LISTS:
            value = [as_component(subschema) for subschema in value]
        said[keyword] = value
    return said


def _with(name: str, added: str, description: str) -> dict:
    """The component `name` with the property the directory's answers add to its file."""
    field, schema = hsds_schemas.ADDED[added]
    return {"description": description, "allOf": [ref(name), {
        "type": "object", "properties": {field: as_component(schema)}}]}


def _page(items: dict, description: str) -> dict:
    """openapi.json's list answer: its `Page`, the objects in `contents`."""
    return {"description": description, "allOf": [ref("HsdsPage"), {
        "type": "object", "properties": {"contents": {"type": "array", "items": items}}}]}


def components() -> dict:
    """Every HSDS schema the HSDS operations answer, by its component's name."""
    service = hsds_schemas.answered("service_with_definitions.json")
    referred = json.dumps(service)  # meta_table_description, for one, is defined, never used
    found = {"HsdsService": as_component(service)}
    found.update({component_name(name): as_component(definition)
                  for name, definition in service["definitions"].items()
                  if f'"#/definitions/{name}"' in referred})
    found.update({name: as_component(hsds_schemas.answered(file))
                  for name, file in FROM_FILES.items()})
    found["HsdsPage"] = hsds_schemas.official("openapi.json")["components"]["schemas"]["Page"]
    found["HsdsMinimalService"] = {
        "type": "object", "description": "A service with `minimal`: its id and when it changed",
        "required": ["id", "last_modified"],
        "properties": {field: found["HsdsService"]["properties"][field]
                       for field in ("id", "last_modified")}}
    found["HsdsOrganizationWithServices"] = _with(
        "HsdsOrganization", "organization.json", "An organization with its `services` (HSDS "
        "3.0's compiled organization)")
    found["HsdsServiceAtLocationWithService"] = _with(
        "HsdsServiceAtLocation", "service_at_location.json", "A service_at_location with its "
        "`service` whole (Open Referral's service_at_location_full example)")
    # the whole form first: a client that tries each in turn gets every nested object typed
    found.update({
        "HsdsServicePage": _page({"anyOf": [ref("HsdsService"), ref("HsdsServiceListItem"),
                                            ref("HsdsMinimalService")]}, "Services: the list "
                                 "form, whole with `full`, id and last change with `minimal`"),
        "HsdsOrganizationPage": _page({"anyOf": [ref("HsdsOrganizationWithServices"),
                                                 ref("HsdsOrganizationListItem")]},
                                      "Organizations: the list form, whole with `full`"),
        "HsdsServiceAtLocationPage": _page(
            {"anyOf": [ref("HsdsServiceAtLocationWithService"),
                       ref("HsdsServiceAtLocationListItem")]},
            "Services at their locations: the list form, whole with `full`"),
        "HsdsTaxonomyPage": _page(ref("HsdsTaxonomy"), "Taxonomies"),
        "HsdsTaxonomyTermPage": _page(ref("HsdsTaxonomyTerm"), "Taxonomy terms"),
    })
    # the plugin's rule for answers (gateway/openapi.py) is not theirs: their `required` stands
    return {name: {**schema, SOMETIMES_ABSENT: True} for name, schema in found.items()}
