"""The directory as the HSDS 3.0 API (Open Referral), for systems that speak it: every path and
parameter of the official definition, answered by the directory; `format=ndjson` streamed here
from its pages."""
import orjson
from flask import current_app, request, stream_with_context, url_for
from marshmallow import Schema, fields

from gateway.api import Blueprint, hsds_components
from gateway.api.common import answer, answers, call
from gateway.problems import ProblemSchema
from services.directory.contract.hsds import (MINIMAL_PER_PAGE, PER_PAGE,
                                              HsdsOrganizationItemQuerySchema,
                                              HsdsOrganizationQuerySchema, HsdsPageQuerySchema,
                                              HsdsServiceAtLocationQuerySchema,
                                              HsdsServiceQuerySchema,
                                              HsdsTaxonomyTermQuerySchema)

HSDS_VERSION = "3.0"
HSDS_PROFILE = "https://github.com/openreferral/specification/tree/3.0"
NDJSON = "application/x-ndjson"


class HsdsBlueprint(Blueprint):
    """Its answers are Open Referral's schemas, put into the document's components with it."""

    def register_views_in_doc(self, api, app, spec, **kwargs):
        for name, schema in hsds_components.components().items():
            spec.components.schema(name, schema)
        super().register_views_in_doc(api, app, spec, **kwargs)


blp = HsdsBlueprint("hsds", __name__, url_prefix="/api/v1/hsds",
                    description="HSDS 3.0: the directory in Open Referral's format. Bodies are "
                                "described by Open Referral's schemas (https://github.com/"
                                "openreferral/specification/tree/3.0/schema), the `Hsds` "
                                "components; lists are its `Page`, with `contents`")


class ApiDetailsSchema(Schema):
    version = fields.String(metadata={"description": "The HSDS version the API speaks"})
    profile = fields.Url(metadata={"description": "The HSDS profile: HSDS itself, no other"})
    openapi_url = fields.Url(metadata={"description": "The OpenAPI document of this API"})


def lists(page: str, description: str):
    """Documents a list's answers: a page (the component `page`) as JSON, every object a line
    as NDJSON, or 422."""
    def decorate(function):
        function = blp.alt_response(422, schema=ProblemSchema)(function)
        return blp.doc(responses={"200": {"description": description, "content": {
            "application/json": {"schema": hsds_components.ref(page)},
            NDJSON: {"schema": {"type": "string", "description": (
                "With format=ndjson: every page's `contents`, an object a line")}}}}})(function)

    return decorate


@blp.route("/")
@answers(blp, 200, ApiDetailsSchema)
def hsds_api_details():
    """What this API is (HSDS's `GET /`, which harvesters ask first)."""
    public_url = current_app.config["QUBI_SETTINGS"].public_url
    return {"version": HSDS_VERSION, "profile": HSDS_PROFILE,
            "openapi_url": public_url + url_for("api-docs.openapi_json")}


@blp.route("/services")
@blp.arguments(HsdsServiceQuerySchema(), location="query")
@lists("HsdsServicePage", "An HSDS Page of services: the list form (service_list), whole "
       "with `full`, `id` and `last_modified` alone with `minimal`")
def hsds_services(query):
    """Services (those listed, in name order; `modified_after` adds those withdrawn since)."""
    return _listed("hsds_services", query)


@blp.route("/services/<service_id>")
@answers(blp, 200, hsds_components.ref("HsdsService"), description="An HSDS service, every "
         "nested object included, and its capacity while known as HSDS 3.1's `capacities` "
         "(service_capacity)")
@blp.alt_response(404, schema=ProblemSchema)
def hsds_service(service_id):
    """One service in HSDS."""
    return answer("directory", "hsds_service", service_id)


@blp.route("/service_at_locations")
@blp.arguments(HsdsServiceAtLocationQuerySchema(), location="query")
@lists("HsdsServiceAtLocationPage", "An HSDS Page of service_at_location: the list form "
       "(service_at_location_list), whole with `full`")
def hsds_service_at_locations(query):
    """Each listed service that has a place, at its place (a service has one place at most)."""
    return _listed("hsds_service_at_locations", query)


@blp.route("/service_at_locations/<service_at_location_id>")
@answers(blp, 200, hsds_components.ref("HsdsServiceAtLocationWithService"),
         description="An HSDS service_at_location with its location and its service whole "
         "(as Open Referral's service_at_location_full example; the official definition names "
         "the service's schema here)")
@blp.alt_response(404, schema=ProblemSchema)
def hsds_service_at_location(service_at_location_id):
    """One service at its place."""
    return answer("directory", "hsds_service_at_location", service_at_location_id)


@blp.route("/organizations")
@blp.arguments(HsdsOrganizationQuerySchema(), location="query")
@lists("HsdsOrganizationPage", "An HSDS Page of organizations: the list form "
       "(organization_list); with `full` or `full_service`, whole with their `services`")
def hsds_organizations(query):
    """Organisations as an HSDS page."""
    return _listed("hsds_organizations", query)


@blp.route("/organizations/<organization_id>")
@blp.arguments(HsdsOrganizationItemQuerySchema(), location="query")
@answers(blp, 200, hsds_components.ref("HsdsOrganizationWithServices"),
         description="An HSDS organization, whole, with its listed `services` (HSDS 3.0's "
         "compiled organization) in the list form, or whole with `full_service`")
@blp.alt_response(404, schema=ProblemSchema)
@blp.alt_response(422, schema=ProblemSchema)
def hsds_organization(_query, organization_id):
    """One organisation in HSDS."""
    return answer("directory", "hsds_organization", organization_id, request.args.to_dict())


@blp.route("/taxonomies")
@blp.arguments(HsdsPageQuerySchema(), location="query")
@lists("HsdsTaxonomyPage", "An HSDS Page of taxonomy: the directory's two, the kinds of "
       "action (a service's category) and the dimensions")
def hsds_taxonomies(query):
    """The taxonomies that classify services."""
    return _listed("hsds_taxonomies", query)


@blp.route("/taxonomies/<taxonomy_id>")
@answers(blp, 200, hsds_components.ref("HsdsTaxonomy"), description="An HSDS taxonomy")
@blp.alt_response(404, schema=ProblemSchema)
def hsds_taxonomy(taxonomy_id):
    """One taxonomy."""
    return answer("directory", "hsds_taxonomy", taxonomy_id)


@blp.route("/taxonomy_terms")
@blp.arguments(HsdsTaxonomyTermQuerySchema(), location="query")
@lists("HsdsTaxonomyTermPage", "An HSDS Page of taxonomy_term, each with its taxonomy")
def hsds_taxonomy_terms(query):
    """The terms that classify services (none has a parent)."""
    return _listed("hsds_taxonomy_terms", query)


@blp.route("/taxonomy_terms/<taxonomy_term_id>")
@answers(blp, 200, hsds_components.ref("HsdsTaxonomyTerm"),
         description="An HSDS taxonomy_term, with its taxonomy")
@blp.alt_response(404, schema=ProblemSchema)
def hsds_taxonomy_term(taxonomy_term_id):
    """One taxonomy term."""
    return answer("directory", "hsds_taxonomy_term", taxonomy_term_id)


def _listed(method: str, query: dict):
    """A page as the directory answers it; with `format=ndjson`, every page's contents, an
    object a line, asked of the directory a page at a time while the answer streams (the first
    before it starts: a query the directory refuses is a 422, not a broken stream)."""
    if query["format"] != "ndjson":
        return answer("directory", method, request.args.to_dict())
    args = {**request.args.to_dict(), "format": "json",
            "per_page": MINIMAL_PER_PAGE if query.get("minimal") else PER_PAGE}
    first = call("directory", method, {**args, "page": 1})

    def lines():
        body, page = first, 1
        while True:
            yield b"".join(orjson.dumps(item) + b"\n" for item in body["contents"])
            if body["last_page"]:
                return
            page += 1
            body = call("directory", method, {**args, "page": page})

    return current_app.response_class(stream_with_context(lines()), mimetype=NDJSON)
