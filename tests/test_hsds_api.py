"""The HSDS 3.0 API as Open Referral's official definition describes it: every path and every
parameter of `openapi.json` answers through the gateway, and each body validates against the
official schemas (strictly: services/directory/tests/hsds_validators.py). The directory's HSDS
entrypoints answer the gateway's calls on a real database, without the broker; CORS lets any
page read what anyone may read, and nothing else."""
import json
import re
from datetime import datetime, timezone
from types import SimpleNamespace

import pytest
from sqlalchemy import select, update

from gateway.cors import is_public_read
from gateway.tests.support import make_app
from services.common import serialization
from services.common.context import Caller
from services.common.database import Store
from services.directory import catalog, organizations
from services.directory.contract import hsds_schemas
from services.directory.demo import load_demo
from services.directory.hsds_entrypoints import HsdsEntrypoints
from services.directory.hsds_taxonomies import taxonomy_id, term_id
from services.directory.models import Base, Organization, Service
from services.directory.search import ServiceIndex
from services.directory.tests import hsds_validators as hsds
from tests.test_access_matrix import ACCESS, PUBLIC

OFFICIAL = hsds_schemas.official("openapi.json")
CITY = Caller(user_id="c", roles=["city"])
API_DETAILS = hsds.validator({
    **OFFICIAL["paths"]["/"]["get"]["responses"]["200"]["content"]["application/json"]["schema"],
    "required": ["version", "profile", "openapi_url"], "additionalProperties": False})
NEVER = "00000000-0000-4000-8000-000000000000"


class DirectoryAtHand:
    """The gateway's RPC pool, answered by the directory's HSDS entrypoints at once."""
    on_call = None

    def __init__(self, store):
        self.directory = type("Directory", (HsdsEntrypoints,), {})()
        self.directory.db, self.directory.index = store, ServiceIndex(store)

    def call(self, service, method, *args, context_data=None, as_json=False, **kwargs):
        assert service == "directory" and method.startswith("hsds_")
        result = getattr(self.directory, method)(*args, **kwargs)
        return serialization.dumps(result) if as_json else result


@pytest.fixture
def data(databases):
    """The demo's directory, a service a few hundred metres from the demo's workshop with
    another postcode, and a withdrawn one."""
    store = Store(databases["directory"], Base.metadata)
    with store.transaction() as tx:
        load_demo(tx.session, "pw")
        workshop = tx.session.scalars(select(Service).where(
            Service.name.startswith("Laboratori"))).one()
        neighbour = catalog.create(tx, CITY, {
            "organization_id": workshop.organization_id, "name": "Doposcuola Gorla",
            "category": "proximity", "dimension": "educational",
            "location": {"name": "Oratorio", "address": "Via Monte Rotondo 2",
                         "postal_code": "20127", "municipio": 2,
                         "latitude": 45.5190, "longitude": 9.2290}})
        withdrawn = catalog.create(tx, CITY, {"organization_id": workshop.organization_id,
                                              "name": "Ludoteca chiusa"})
        catalog.withdraw(tx, CITY, withdrawn.id)
        ids = SimpleNamespace(workshop=workshop.id, neighbour=neighbour.id,
                              withdrawn=withdrawn.id, organization=workshop.organization_id,
                              organizations=tx.session.scalars(select(Organization.id)).all())
    yield ids
    store.dispose()


@pytest.fixture
def client(databases, data):
    store = Store(databases["directory"], Base.metadata)
    yield make_app(rpc=DirectoryAtHand(store)).test_client()
    store.dispose()


def get(client, path, **query):
    answer = client.get(f"/api/v1/hsds{path}", query_string=query)
    assert answer.status_code == 200, (path, query, answer.get_data(as_text=True))
    return answer


def body_validator(path: str, query: dict):
    """The official schema of the answer to `path` (the definition's own path) with `query`."""
    whole = query.get("full") == "true" or query.get("full_service") == "true"
    return {
        "/": API_DETAILS,
        "/services": (hsds.MINIMAL_SERVICE_PAGE if query.get("minimal") == "true" else
                      hsds.FULL_SERVICE_PAGE if whole else hsds.SERVICE_PAGE),
        "/services/{id}": hsds.SERVICE_COMPILED,
        "/service_at_locations": (hsds.FULL_SERVICE_AT_LOCATION_PAGE if whole
                                  else hsds.SERVICE_AT_LOCATION_PAGE),
        "/service_at_locations/{id}": hsds.SERVICE_AT_LOCATION,
        "/organizations": hsds.FULL_ORGANIZATION_PAGE if whole else hsds.ORGANIZATION_PAGE,
        "/organizations/{id}": hsds.ORGANIZATION,
        "/taxonomies": hsds.TAXONOMY_PAGE,
        "/taxonomies/{id}": hsds.TAXONOMY,
        "/taxonomy_terms": hsds.TAXONOMY_TERM_PAGE,
        "/taxonomy_terms/{id}": hsds.TAXONOMY_TERM,
    }[path]


def samples(ids) -> dict:
    """Values of every parameter the definition names, each as a harvester would send it."""
    return {
        "search": ["laboratori", "qubi gallaratese", "nessuna parola così"],
        "page": ["1", "2"], "per_page": ["1", "200"],
        "format": ["json", "ndjson"],
        "taxonomy_term_id": [term_id("category", "proximity"), NEVER],
        "taxonomy_id": [taxonomy_id("dimension"), NEVER],
        "organization_id": [ids.organization],
        "modified_after": ["2000-01-01T00:00:00Z", "2099-01-01"],
        "minimal": ["true", "false"], "full": ["true", "false"],
        "full_service": ["true", "false"],
        "postcode": ["20126", "20100"], "proximity": ["1000"],
        "top_only": ["true"], "parent_id": [term_id("category", "proximity")],
    }


def resolved(parameter: dict) -> dict:
    if "$ref" in parameter:
        return OFFICIAL["components"]["parameters"][parameter["$ref"].rsplit("/", 1)[1]]
    return parameter


def one_of_each(client, path: str) -> str:
    """The id of one object of the path's kind, as the lists give them."""
    listed = path.rsplit("/", 1)[0]
    return get(client, listed).get_json()["contents"][0]["id"]


def test_every_path_and_parameter_of_the_official_definition_answers_valid_hsds(client, data):
    asked = set()
    values = samples(data)
    for path, item in OFFICIAL["paths"].items():
        operation = item["get"]
        url = path.replace("{id}", one_of_each(client, path)) if "{id}" in path else path
        queries = [{}] + [
            {parameter["name"]: value,
             **({"postcode": "20126"} if parameter["name"] == "proximity" else {})}
            for parameter in map(resolved, operation.get("parameters", []))
            for value in values[parameter["name"]]]
        for query in queries:
            asked |= {(path, name) for name in query}
            answer = get(client, url, **query)
            if query.get("format") == "ndjson":
                assert answer.mimetype == "application/x-ndjson"
                contents = [json.loads(line)
                            for line in answer.get_data(as_text=True).splitlines()]
                assert contents == get(client, url, per_page="200").get_json()["contents"]
                body = {"total_items": len(contents), "total_pages": 1, "page_number": 1,
                        "size": len(contents), "first_page": True, "last_page": True,
                        "empty": not contents, "contents": contents}
            else:
                body = answer.get_json()
            hsds.assert_valid(body_validator(path, query), body)
    named = {(path, resolved(p)["name"]) for path, item in OFFICIAL["paths"].items()
             for p in item["get"].get("parameters", [])}
    assert named <= asked and len(OFFICIAL["paths"]) == 11


def test_the_parameters_narrow_what_the_lists_hold(client, data):
    def names(path, **query):
        return sorted(item.get("name") or item["service"]["name"]
                      for item in get(client, path, **query).get_json()["contents"])

    desks = [f"Sportello QuBì {zone}" for zone in ("Gallaratese", "Quarto Oggiaro",
                                                   "Villapizzone")]
    assert names("/services", taxonomy_term_id=term_id("category", "proximity")) == sorted(
        desks + ["Doposcuola Gorla"])
    assert len(names("/services", taxonomy_id=taxonomy_id("dimension"))) == 5
    assert names("/services", taxonomy_term_id=NEVER) == []
    assert names("/services", search="QUBI gallaratese") == [desks[0]]  # as /services?q= finds
    assert names("/services", organization_id=data.organization) == [
        "Doposcuola Gorla", names("/services", search="laboratori")[0]]
    # an incremental harvest learns of the withdrawn service; a plain list does not hold it
    changed = get(client, "/services", modified_after="2020-01-01").get_json()["contents"]
    assert {"Ludoteca chiusa": "inactive"}.items() <= {s["name"]: s["status"]
                                                        for s in changed}.items()
    assert "Ludoteca chiusa" not in names("/services")
    assert names("/services", modified_after="2099-01-01") == []
    minimal = get(client, "/services", minimal="true").get_json()
    assert minimal["size"] == 5 and all(set(s) == {"id", "last_modified"}
                                        for s in minimal["contents"])
    # the workshop's postcode; within 1 km of its centre also the neighbour, not within 100 m
    assert names("/service_at_locations", postcode="20126") == names("/services",
                                                                     search="laboratori")
    assert len(names("/service_at_locations", postcode="20126", proximity="1000")) == 2
    assert len(names("/service_at_locations", postcode="20126", proximity="100")) == 1
    assert names("/service_at_locations", postcode="20126", proximity="1000",
                 taxonomy_term_id=term_id("category", "proximity")) == ["Doposcuola Gorla"]
    assert names("/taxonomy_terms", parent_id=term_id("category", "proximity")) == []
    assert len(names("/taxonomy_terms", taxonomy_id=taxonomy_id("category"))) == 3


def test_an_incremental_harvest_gets_the_services_whose_organisation_changed(client, data,
                                                                             databases):
    store = Store(databases["directory"], Base.metadata)
    with store.transaction() as tx:
        for model in (Service, Organization):
            tx.session.execute(update(model).values(updated_at=datetime(2024, 1, 1,
                                                                        tzinfo=timezone.utc)))
    since = "2025-01-01T00:00:00Z"
    assert get(client, "/services", modified_after=since).get_json()["empty"]
    with store.transaction() as tx:
        organizations.update(tx, CITY, data.organization, {"description": "Doposcuola e giochi"})
    store.dispose()
    changed = get(client, "/services", modified_after=since).get_json()["contents"]
    assert sorted(s["id"] for s in changed) == sorted([data.workshop, data.neighbour,
                                                       data.withdrawn])
    assert all(s["last_modified"] > "2025" for s in changed)


def test_every_id_a_body_carries_answers_at_its_own_path(client, data):
    service = get(client, f"/services/{data.workshop}").get_json()
    [at] = service["service_at_locations"]
    whole = get(client, f"/service_at_locations/{at['id']}").get_json()
    assert (whole["service"]["id"], whole["location"]) == (data.workshop, at["location"])
    for attribute in service["attributes"]:
        term = attribute["taxonomy_term"]
        assert get(client, f"/taxonomy_terms/{term['id']}").get_json() == term
        assert get(client, f"/taxonomies/{term['taxonomy_id']}").get_json() == term[
            "taxonomy_detail"]
    organization = get(client, f"/organizations/{data.organization}").get_json()
    assert [s["id"] for s in organization["services"]] == [data.neighbour, data.workshop]
    assert "phones" not in organization["services"][0]  # the list form, unless full_service
    full = get(client, f"/organizations/{data.organization}", full_service="true").get_json()
    assert full["services"][1]["service_at_locations"] == service["service_at_locations"]
    for path in ("services", "service_at_locations", "organizations", "taxonomies",
                 "taxonomy_terms"):
        missing = client.get(f"/api/v1/hsds/{path}/{NEVER}")
        assert (missing.status_code, missing.mimetype) == (404, "application/problem+json")
    assert client.get(f"/api/v1/hsds/services/{data.withdrawn}").status_code == 404
    details = get(client, "/").get_json()
    assert details["version"] == "3.0" and details["openapi_url"].endswith("/api/v1/openapi.json")


def test_an_invalid_parameter_is_refused_naming_it(client):
    for query in ({"modified_after": "ieri"}, {"per_page": "201"}, {"format": "xml"},
                  {"proximity": "lontano"}, {"minimal": "forse"}):
        answer = client.get("/api/v1/hsds/service_at_locations"
                            if "proximity" in query else "/api/v1/hsds/services",
                            query_string=query)
        assert answer.status_code == 422, query
        assert set(answer.get_json()["errors"]) == set(query)
    assert get(client, "/services", minimal="true", per_page="5000").get_json()["size"] == 5
    # refused before an NDJSON stream starts, as a problem, not as a stream cut short
    answer = client.get("/api/v1/hsds/organizations",
                        query_string={"format": "ndjson", "colour": "blu"})
    assert answer.status_code == 422 and set(answer.get_json()["errors"]) == {"colour"}


# ---------------------------------------------------------------------------------------------
# CORS

ORIGIN = {"Origin": "https://partner.example.org"}


def test_public_reads_alone_are_readable_from_any_origin(client):
    hsds_list = client.get("/api/v1/hsds/taxonomies", headers=ORIGIN)
    assert hsds_list.headers["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in hsds_list.headers
    missing = client.get(f"/api/v1/hsds/taxonomies/{NEVER}", headers=ORIGIN)
    assert missing.headers["Access-Control-Allow-Origin"] == "*"  # its problem is readable too
    preflight = client.options("/api/v1/hsds/services", headers={
        **ORIGIN, "Access-Control-Request-Method": "GET",
        "Access-Control-Request-Headers": "x-request-id"})
    assert (preflight.headers["Access-Control-Allow-Origin"],
            preflight.headers["Access-Control-Allow-Methods"]) == ("*", "GET, HEAD")
    assert "authorization" not in preflight.headers["Access-Control-Allow-Headers"].lower()
    # the same path's write, and what needs a login: nothing
    write_preflight = client.options("/api/v1/services", headers={
        **ORIGIN, "Access-Control-Request-Method": "POST"})
    for answer in (write_preflight, client.post("/api/v1/services", json={}, headers=ORIGIN),
                   client.get("/api/v1/me", headers=ORIGIN),
                   client.options("/api/v1/me", headers={
                       **ORIGIN, "Access-Control-Request-Method": "GET"})):
        assert "Access-Control-Allow-Origin" not in answer.headers
    assert client.options("/api/v1/services", headers={
        **ORIGIN, "Access-Control-Request-Method": "GET"}).headers[
            "Access-Control-Allow-Origin"] == "*"


def test_the_public_reads_are_the_access_matrixs_public_gets():
    app = make_app()
    for rule in app.url_map.iter_rules():
        path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule)
        if "GET" in rule.methods and path.startswith("/api/v1/") and path != "/api/v1/openapi.json":
            assert is_public_read(rule.endpoint) == (ACCESS.get(f"GET {path}") == PUBLIC), path
