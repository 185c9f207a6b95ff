"""The gateway without services: tokens, problems and the OpenAPI document."""
import re
import time

import jwt
import pytest
from openapi_spec_validator import validate

from gateway.tests.support import COORDINATOR, PARTNER, SECRET, bearer, make_app
from services.common.errors import Unavailable


@pytest.fixture
def client():
    return make_app().test_client()


def test_me_answers_who_the_token_says(client):
    response = client.get("/api/v1/me", headers=bearer(COORDINATOR))
    assert response.status_code == 200
    assert response.json == {"user_id": "u-8", "username": "coord8", "organization_id": None,
                             "roles": ["coordinator"], "municipi": [8], "tier": "municipal",
                             "mfa": False}


@pytest.mark.parametrize("headers", [
    {},
    {"Authorization": "Basic Y2l0dGE6cXViaQ=="},
    {"Authorization": "Bearer not-a-token"},
])
def test_no_or_bad_credentials_are_401_problems(client, headers):
    response = client.get("/api/v1/me", headers=headers)
    assert response.status_code == 401
    assert response.content_type == "application/problem+json"
    assert response.json["status"] == 401 and response.json["title"] == "Not authenticated"


def test_a_tampered_token_is_401(client):
    token = bearer(COORDINATOR)["Authorization"][7:]
    claims = jwt.decode(token, options={"verify_signature": False})
    claims["roles"] = ["city"]
    forged = jwt.encode(claims, "another-secret-of-sufficient-length-123", algorithm="HS256")
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {forged}"}).status_code == 401


def test_an_expired_token_is_401(client):
    token = jwt.encode({"sub": "u-8", "sid": "s-8", "iat": int(time.time()) - 120,
                        "exp": int(time.time()) - 60},
                       SECRET, algorithm="HS256")
    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401
    assert "expired" in response.json["detail"]


def test_registering_an_organisation_needs_a_token_and_the_right_role(client):
    body = {"name": "Nuova APS", "municipi": [8]}
    assert client.post("/api/v1/organizations", json=body).status_code == 401
    response = client.post("/api/v1/organizations", json=body, headers=bearer(PARTNER))
    assert response.status_code == 403
    assert response.content_type == "application/problem+json"


def test_invalid_fields_are_422_naming_each_field(client):
    response = client.post("/api/v1/organizations", json={"municipi": [12], "level": "uno"},
                           headers=bearer(COORDINATOR))
    assert response.status_code == 422
    assert response.content_type == "application/problem+json"
    assert set(response.json["errors"]) == {"name", "municipi.0", "level"}


def test_malformed_json_is_400_not_500(client):
    response = client.post("/api/v1/organizations", data='{"name": ',
                           content_type="application/json", headers=bearer(COORDINATOR))
    assert response.status_code == 400
    assert response.json["title"] == "Malformed request"


def test_every_response_carries_a_request_id(client):
    assert client.get("/healthz").headers["X-Request-ID"]
    echoed = client.get("/healthz", headers={"X-Request-ID": "abc-123"})
    assert echoed.headers["X-Request-ID"] == "abc-123"


def test_a_service_that_cannot_be_reached_is_503_with_retry_after(client):
    response = client.get("/api/v1/networks")
    assert response.status_code == 503
    assert response.headers["Retry-After"]
    assert response.content_type == "application/problem+json"


def test_the_openapi_document_is_valid_and_lists_the_contract(client):
    document = client.get("/api/v1/openapi.json").json
    validate(document)
    for path in ("/api/v1/networks", "/api/v1/organizations", "/api/v1/organizations/{organization_id}",
                 "/api/v1/auth/token", "/api/v1/me", "/api/v1/notifications"):
        assert path in document["paths"], path
    assert "bearerAuth" in document["components"]["securitySchemes"]


class ServicesDown:
    """The RPC pool of a gateway whose services are all down: every call is a 503 at once."""
    config = {"AMQP_URI": "amqp://guest:guest@127.0.0.1:1/"}

    def call(self, service, method, *args, **kwargs):
        raise Unavailable(f"The {service} service is not answering right now.")


def test_the_interactive_docs_load_swagger_ui_from_the_gateway_itself(client):
    page = client.get("/api/v1/docs").get_data(as_text=True)
    sources = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert sources and all(source.startswith("/api/v1/docs/assets/") for source in sources)
    for source in sources:
        asset = client.get(source)
        assert asset.status_code == 200 and asset.data, source
    assert "/api/v1/openapi.json" in page


def test_every_route_of_the_openapi_document_is_served():
    """Each documented operation reaches a view: no routing 404 or 405 (a 503 here only says
    that the services behind are not running in this test)."""
    client = make_app(rpc=ServicesDown()).test_client()
    document = client.get("/api/v1/openapi.json").json
    unserved = []
    for path, methods in document["paths"].items():
        concrete = path
        for parameter in ("municipio",):
            concrete = concrete.replace("{" + parameter + "}", "8")
        concrete = re.sub(r"\{[^}]+\}", "00000000-0000-0000-0000-000000000000", concrete)
        for method in methods:
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            answer = client.open(concrete, method=method.upper(), json={}, headers=bearer(COORDINATOR))
            routing_miss = answer.status_code == 405 or (
                answer.status_code == 404 and "requested URL was not found" in answer.get_data(as_text=True))
            if routing_miss:
                unserved.append(f"{method.upper()} {path}")
    assert unserved == []
