"""What a generated client trusts in the OpenAPI document, said by gateway/openapi.py for every
route: operationIds, security, required fields, problems as they are sent, the checks the
services make."""
import pytest

from gateway.tests.support import make_app

OPTIONAL_LOGIN = [{}, {"bearerAuth": []}]


@pytest.fixture(scope="module")
def document():
    return make_app().test_client().get("/api/v1/openapi.json").json


def operations(document):
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            if method != "parameters":
                yield f"{method.upper()} {path}", operation


def test_every_operation_has_its_own_id_and_says_its_security(document):
    ids = [operation["operationId"] for _, operation in operations(document)]
    assert len(ids) == len(set(ids))
    security = {name: operation["security"] for name, operation in operations(document)}
    assert security["GET /api/v1/services"] == OPTIONAL_LOGIN
    assert security["GET /api/v1/networks"] == []
    assert security["GET /api/v1/me"] == [{"bearerAuth": []}]
    assert dict(operations(document))["GET /api/v1/services"]["operationId"] == \
        "services_search_services"
    assert document["servers"] and document["servers"][0]["url"]


def test_problems_are_documented_as_they_are_sent(document):
    problem = document["components"]["schemas"]["Problem"]
    assert problem["required"] == ["type", "title", "status", "detail"]
    assert {"errors", "codes", "code", "params", "request_id"} <= set(problem["properties"])
    for name, operation in operations(document):
        for status, response in operation["responses"].items():
            if status[0] in "45" and "content" in response:
                assert list(response["content"]) == ["application/problem+json"], (name, status)


def test_a_405_says_the_methods_allowed_as_the_document_does(document):
    response = make_app().test_client().delete("/api/v1/networks")
    assert response.status_code == 405
    assert response.content_type == "application/problem+json"
    assert set(response.headers["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS"}
    assert "Allow" in document["components"]["responses"]["MethodNotAllowed"]["headers"]


def test_answers_require_what_the_services_always_send(document):
    schemas = document["components"]["schemas"]
    assert "access_token" in schemas["Token"]["required"]
    service = schemas["Service"]
    assert {"id", "name", "location"} <= set(service["required"])
    assert "distance_km" not in service["required"]  # only with `near`
    assert service["properties"]["location"] == {
        "anyOf": [{"$ref": "#/components/schemas/Location"}, {"type": "null"}]}
    assert "required" not in schemas["Referral"]  # shaped by who asks
    assert "x-sometimes-absent" not in str(document)


def test_the_services_checks_are_in_the_document(document):
    schemas = document["components"]["schemas"]
    assert schemas["BudgetCreate"]["properties"]["period"]["pattern"]
    assert "`ends_at` comes after `starts_at`" in schemas["EventCreate"]["description"]
    assert "euros" in schemas["FundRequestCreate"]["properties"]["amount"]["description"]
