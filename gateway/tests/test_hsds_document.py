"""The HSDS operations answer, in the OpenAPI document, Open Referral's own schemas (read at run
time from the directory's contract): each definition once in the components, with what
constrains it, its references the document's."""
import json

import pytest

from gateway.tests.support import make_app
from services.directory.contract import hsds_schemas

HSDS = "/api/v1/hsds"
ANSWERS = {"/services": "HsdsServicePage", "/services/{service_id}": "HsdsService",
           "/organizations": "HsdsOrganizationPage",
           "/organizations/{organization_id}": "HsdsOrganizationWithServices",
           "/service_at_locations": "HsdsServiceAtLocationPage",
           "/service_at_locations/{service_at_location_id}": "HsdsServiceAtLocationWithService",
           "/taxonomies": "HsdsTaxonomyPage", "/taxonomies/{taxonomy_id}": "HsdsTaxonomy",
           "/taxonomy_terms": "HsdsTaxonomyTermPage",
           "/taxonomy_terms/{taxonomy_term_id}": "HsdsTaxonomyTerm"}
CONSTRAINING = ("type", "format", "enum", "const", "pattern", "minimum", "maximum",
                "minLength", "maxLength", "minItems", "required", "additionalProperties")
OFFICIAL = {"HsdsOrganization": "organization.json", "HsdsTaxonomy": "taxonomy.json",
            "HsdsTaxonomyTerm": "taxonomy_term.json", "HsdsLocation": "location.json",
            "HsdsServiceAtLocation": "service_at_location.json", "HsdsPhone": "phone.json",
            "HsdsSchedule": "schedule.json", "HsdsServiceListItem": "service_list.json",
            "HsdsOrganizationListItem": "organization_list.json",
            "HsdsServiceAtLocationListItem": "service_at_location_list.json",
            "HsdsServiceCapacity": "service_capacity.json"}


@pytest.fixture(scope="module")
def schemas():
    document = make_app().test_client().get("/api/v1/openapi.json").json
    for path, component in ANSWERS.items():
        content = document["paths"][HSDS + path]["get"]["responses"]["200"]["content"]
        assert content["application/json"]["schema"] == {
            "$ref": f"#/components/schemas/{component}"}, path
    return document["components"]["schemas"]


def test_a_service_is_answered_as_open_referrals_service(schemas):
    official = hsds_schemas.official("service_with_definitions.json")
    service = schemas["HsdsService"]
    assert service["required"] == official["required"]
    assert set(service["properties"]) == set(official["properties"]) | {"capacities"}
    assert service["properties"]["capacities"]["items"] == {
        "$ref": "#/components/schemas/HsdsServiceCapacity"}
    assert service["properties"]["phones"]["items"] == {"$ref": "#/components/schemas/HsdsPhone"}
    assert service["properties"]["status"]["enum"] == official["properties"]["status"]["enum"]
    assert service["properties"]["assured_date"]["format"] == "date"


@pytest.mark.parametrize("component", OFFICIAL)
def test_each_object_is_answered_as_its_official_schema(schemas, component):
    official, schema = hsds_schemas.official(OFFICIAL[component]), schemas[component]
    assert schema.get("required") == official.get("required")
    assert set(schema["properties"]) == set(official["properties"])
    assert _constraints(schema) == _constraints(official)


def test_the_pages_are_open_referrals_page_with_contents(schemas):
    page = hsds_schemas.official("openapi.json")["components"]["schemas"]["Page"]
    assert {key: value for key, value in schemas["HsdsPage"].items()
            if not key.startswith("x-")} == page
    taxonomies = schemas["HsdsTaxonomyPage"]["allOf"]
    assert taxonomies[0] == {"$ref": "#/components/schemas/HsdsPage"}
    assert taxonomies[1]["properties"]["contents"]["items"] == {
        "$ref": "#/components/schemas/HsdsTaxonomy"}


def test_every_reference_is_the_documents_and_nothing_of_hsds_tabular_form_is_left(schemas):
    text = json.dumps({name: schema for name, schema in schemas.items()
                       if name.startswith("Hsds")})
    references = {reference for reference in _references(json.loads(text))}
    assert references and all(reference.startswith("#/components/schemas/Hsds")
                              and reference.split("/")[-1] in schemas
                              for reference in references)
    for keyword in ("datapackage_metadata", "tabular_required", "constraints",
                    "datapackage_type", "#/definitions/"):
        assert keyword not in text


def _constraints(schema: dict) -> dict:
    """What a schema checks (not where its references lead: checked above), nested objects'
    and items' included, JSON Schema's own keywords only (and HSDS's type of a date as the
    format the document gives it)."""
    said = {key: schema[key] for key in CONSTRAINING if key in schema}
    if schema.get("datapackage_type") == "date":
        said.setdefault("format", "date")
    said.update({key: _constraints(schema[key]) for key in ("items",) if key in schema})
    if "properties" in schema:
        said["properties"] = {field: _constraints(subschema)
                              for field, subschema in schema["properties"].items()}
    return said


def _references(node):
    if isinstance(node, dict):
        if isinstance(node.get("$ref"), str):
            yield node["$ref"]
        for value in node.values():
            yield from _references(value)
    elif isinstance(node, list):
        for value in node:
            yield from _references(value)
