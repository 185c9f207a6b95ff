"""Strict validators for HSDS 3.0 bodies, from the copies of Open Referral's schemas in the
directory's contract (services/directory/contract/hsds_schemas, see its README for the
licence), with what the directory's answers add to them as the contract says (a service's
`capacities` as HSDS 3.1's `service_capacity`, an organization's `services`, a
service_at_location's `service`).

The schemas allow any extra key and leave dates and times to descriptions, so these validate
strictly: every object refuses keys the schema does not declare, the declared formats (uuid,
email, uri, date-time) are checked, and the fields HSDS types as dates and times are checked as
the schema describes them (YYYY-MM-DD; HH:MM with the UTC offset).
"""
import re
from urllib.parse import urlsplit

from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from services.directory.contract import hsds_schemas

SLOT_TIME = re.compile(r"^([01][0-9]|2[0-3]):[0-5][0-9][+-][0-9]{2}:[0-9]{2}$")

# ---------------------------------------------------------------------------------------------
# Strict validators over the copied schemas


def _strict(node):
    """A copy where objects refuse undeclared keys and typed dates and times carry a format."""
    if isinstance(node, list):
        return [_strict(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: _strict(value) for key, value in node.items()}
    properties = node.get("properties")
    if isinstance(properties, dict) and node.get("type") == "object":
        node.setdefault("additionalProperties", False)
        for field in properties.values():
            kind = field.get("datapackage_type")
            if field.get("type") == "string" and kind in ("date", "time", "datetime"):
                field.setdefault("format", {"date": "date", "time": "hsds-time",
                                            "datetime": "date-time"}[kind])
    return node


def _format_checker() -> FormatChecker:
    checker = FormatChecker()

    @checker.checks("hsds-time")
    def hsds_time(value):  # "HH:MM", optional seconds, then Z or an offset, as schedule.json says
        return not isinstance(value, str) or bool(re.fullmatch(
            r"([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?(Z|[+-][0-9]{2}:[0-9]{2})", value))

    if "uri" not in checker.checkers:  # jsonschema checks uri only with rfc3987 installed
        @checker.checks("uri")
        def uri(value):
            if not isinstance(value, str):
                return True
            parts = urlsplit(value)
            return (bool(re.fullmatch(r"[A-Za-z][A-Za-z0-9+.-]*", parts.scheme))
                    and not re.search(r"\s", value)
                    and (parts.scheme not in ("http", "https") or bool(parts.netloc)))
    for name in ("uuid", "email", "date", "date-time", "uri"):
        assert name in checker.checkers, f"no format check for {name}"
    return checker


def _registry() -> Registry:
    resources = []
    for name in hsds_schemas.names():
        contents = hsds_schemas.answered(name)
        if name != "openapi.json":  # its Page is extended with `contents` below
            contents = _strict(contents)
        resources.append((name, Resource.from_contents(
            contents, default_specification=DRAFT202012)))
    return Registry().with_resources(resources)


REGISTRY = _registry()
FORMATS = _format_checker()
PAGE_FIELDS = list(hsds_schemas.official("openapi.json")
                   ["components"]["schemas"]["Page"]["properties"])


def validator(schema) -> Draft202012Validator:
    return Draft202012Validator(schema, registry=REGISTRY, format_checker=FORMATS)


def page_validator(item_schema) -> Draft202012Validator:
    """openapi.json's list response: the `Page` fields (all of them given) and the items (a
    schema's file name, or a schema)."""
    items = {"$ref": item_schema} if isinstance(item_schema, str) else item_schema
    return validator({
        "allOf": [{"$ref": "openapi.json#/components/schemas/Page"}],
        "required": PAGE_FIELDS + ["contents"],
        "properties": {"contents": {"type": "array", "items": items}},
        "unevaluatedProperties": False,
    })


MINIMAL_SERVICE = {"type": "object", "required": ["id", "last_modified"],
                   "additionalProperties": False,
                   "properties": {"id": {"$ref": "service.json#/properties/id"},
                                  "last_modified": {
                                      "$ref": "service.json#/properties/last_modified"}}}
SERVICE = validator({"$ref": "service.json"})
SERVICE_COMPILED = validator({"$ref": "service_with_definitions.json"})
SERVICE_LIST_ITEM = validator({"$ref": "service_list.json"})
ORGANIZATION = validator({"$ref": "organization.json"})
ORGANIZATION_LIST_ITEM = validator({"$ref": "organization_list.json"})
SERVICE_PAGE = page_validator("service_list.json")
FULL_SERVICE_PAGE = page_validator("service_with_definitions.json")
MINIMAL_SERVICE_PAGE = page_validator(MINIMAL_SERVICE)
ORGANIZATION_PAGE = page_validator("organization_list.json")
FULL_ORGANIZATION_PAGE = page_validator("organization.json")
TAXONOMY = validator({"$ref": "taxonomy.json"})
TAXONOMY_PAGE = page_validator("taxonomy.json")
TAXONOMY_TERM = validator({"$ref": "taxonomy_term.json"})
TAXONOMY_TERM_PAGE = page_validator("taxonomy_term.json")
SERVICE_AT_LOCATION = validator({"$ref": "service_at_location.json"})
SERVICE_AT_LOCATION_PAGE = page_validator("service_at_location_list.json")
FULL_SERVICE_AT_LOCATION_PAGE = page_validator("service_at_location.json")


def assert_valid(checker: Draft202012Validator, body: dict):
    errors = sorted(checker.iter_errors(body), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(
        f"{'/'.join(map(str, e.absolute_path)) or '<root>'}: {e.message}" for e in errors[:10])


def assert_service_valid(body: dict):
    assert_valid(SERVICE, body)
    assert_valid(SERVICE_COMPILED, body)
