"""The OpenAPI document as a generated client can trust it, for every route, present and future:
each operation has its operationId (its endpoint's name) and says its security (public unless
it says otherwise); a check a field's validator makes is stated when the validator says how
(services.common.checks.stated), a rule across fields in its schema's description
(checks.across_fields); a 405 says which methods the path allows (`Allow`). Each schema
only answered (never read from a request) requires every field it has, but those marked
SOMETIMES_ABSENT (in their metadata), and none when its Meta says SOMETIMES_ABSENT_META (an
answer shaped by who asks): the services dump every field they know of, null when it has no
value."""
import copy

from apispec import BasePlugin
from apispec.ext.marshmallow import MarshmallowPlugin
from marshmallow.decorators import VALIDATES_SCHEMA

from services.common.schemas import SOMETIMES_ABSENT, SOMETIMES_ABSENT_META

PUBLIC = []
METHOD_NOT_ALLOWED = {
    "description": "The path does not take this method: `Allow` says those it takes",
    "headers": {"Allow": {"description": "The methods the path takes", "schema": {
        "type": "string", "example": "GET, HEAD, OPTIONS"}}},
    "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}},
}
REFERENCE = "#/components/schemas/"


class TrustedDocument(BasePlugin):
    def init_spec(self, spec):
        super().init_spec(spec)
        for plugin in spec.plugins:
            if isinstance(plugin, MarshmallowPlugin):
                plugin.converter.add_attribute_function(stated_checks)
        spec.components.response("MethodNotAllowed", METHOD_NOT_ALLOWED)
        to_dict = spec.to_dict
        # what only the whole document tells (which schemas are only answered) is added to it
        # each time it is made
        spec.to_dict = lambda: with_required_answers(to_dict())

    def operation_helper(self, path=None, operations=None, rule=None, **kwargs):
        for method, operation in (operations or {}).items():
            operation.setdefault("operationId", operation_id(rule, method))
            operation.setdefault("security", PUBLIC)

    def schema_helper(self, name, definition, schema=None, **kwargs):
        said = {}
        rules = _rules_across_fields(schema)
        if rules:
            said["description"] = "\n\n".join(filter(None, [definition.get("description"),
                                                          *rules]))
        if getattr(getattr(schema, "Meta", None), SOMETIMES_ABSENT_META, False):
            said[SOMETIMES_ABSENT] = True
        return said


def operation_id(rule, method: str) -> str:
    """Flask's endpoint name, unique and stable: "services.search_services" ->
    "services_search_services" (and its method too on a view with more than one)."""
    name = rule.endpoint.replace(".", "_")
    if len(rule.methods - {"HEAD", "OPTIONS"}) > 1:
        name += f"_{method}"
    return name


def stated_checks(converter, field, ret) -> dict:
    """What the field and its validators say of their checks (an `openapi` dict, as
    checks.stated gives one): descriptions are added to the field's own."""
    stated, descriptions = {}, [ret.get("description")]
    for check in (field, *field.validators):
        said = dict(getattr(check, "openapi", None) or {})
        descriptions.append(said.pop("description", None))
        stated.update(said)
    if any(descriptions[1:]):
        stated["description"] = " ".join(text if text.endswith((".", ":", ")")) else f"{text}."
                                         for text in filter(None, descriptions))
    return stated


def _rules_across_fields(schema) -> list:
    """What the schema's `validates_schema` checks say of themselves (checks.across_fields)."""
    hooks = getattr(schema, "_hooks", {}).get(VALIDATES_SCHEMA, [])
    return [rule for rule in (getattr(getattr(schema, name), "openapi_rule", None)
                              for name, *_ in hooks) if rule]


def with_required_answers(document: dict) -> dict:
    document = copy.deepcopy(document)
    schemas = document.get("components", {}).get("schemas", {})
    read, answered = set(), set()
    for methods in document.get("paths", {}).values():
        for operation in methods.values():
            if not isinstance(operation, dict):
                continue
            _collect(operation.get("requestBody"), schemas, read)
            _collect(operation.get("parameters"), schemas, read)
            _collect(operation.get("responses"), schemas, answered)
    _collect(document.get("components", {}).get("responses"), schemas, answered)
    for name in answered - read:
        if schemas[name].pop(SOMETIMES_ABSENT, False):
            continue
        properties = schemas[name].get("properties", {})
        required = [field for field, prop in properties.items()
                    if not prop.pop(SOMETIMES_ABSENT, False)]
        if required:
            schemas[name]["required"] = required
    for schema in schemas.values():
        schema.pop(SOMETIMES_ABSENT, None)
        for prop in schema.get("properties", {}).values():
            prop.pop(SOMETIMES_ABSENT, None)
    return document


def _collect(node, schemas: dict, found: set):
    """The names of the schemas `node` refers to, and those they refer to, into `found`."""
    if isinstance(node, dict):
        reference = node.get("$ref", "")
        if reference.startswith(REFERENCE):
            name = reference[len(REFERENCE):]
            if name not in found and name in schemas:
                found.add(name)
                _collect(schemas[name], schemas, found)
        for value in node.values():
            _collect(value, schemas, found)
    elif isinstance(node, list):
        for value in node:
            _collect(value, schemas, found)
