"""Services of the networks' organisations (help desks, workshops, spaces...)."""
from flask import request
from marshmallow import fields

from gateway.api import Blueprint
from gateway.api.common import (BEARER, OPTIONAL_LOGIN, answer, answers, call, page_schema,
                                problems, require_ability, require_login)
from gateway.problems import ProblemSchema
from services.common.schemas import SOMETIMES_ABSENT
from services.directory.contract.catalogue import (CapacitySchema, CapacityUpdateSchema,
                                                   OriginSchema, ServiceCreateSchema,
                                                   ServiceQuerySchema, ServiceSchema,
                                                   ServiceUpdateSchema)

blp = Blueprint("services", __name__, url_prefix="/api/v1", description="Services")


class ServicePage(page_schema(ServiceSchema, "ServicePageBase")):
    origin = fields.Nested(OriginSchema, metadata={
        "description": "With `near` or `place`: where the distances are measured from",
        SOMETIMES_ABSENT: True})


@blp.route("/services")
@blp.arguments(ServiceQuerySchema(), location="query")
@answers(blp, 200, ServicePage)
@blp.alt_response(422, schema=ProblemSchema)
@blp.doc(security=OPTIONAL_LOGIN)
def search_services(_query):
    """Find services: text, municipio, zone, category, age, open at a moment, near a point or a
    place (a zone, a municipio, an address of a listed service), nearest first."""
    return answer("directory", "search_services", request.args.to_dict())


@blp.route("/services", methods=["POST"])
@blp.arguments(ServiceCreateSchema())
@answers(blp, 201, ServiceSchema)
@blp.alt_response(401, schema=ProblemSchema)
@blp.alt_response(403, schema=ProblemSchema)
@blp.alt_response(404, schema=ProblemSchema)
@blp.alt_response(422, schema=ProblemSchema)
@blp.doc(security=BEARER)
def create_service(_data):
    """Publish a service of an organisation (its partner, its coordinator, the city)."""
    require_ability("manage_services")
    return answer("directory", "create_service", request.get_json()), 201


@blp.route("/services/<service_id>")
@answers(blp, 200, ServiceSchema)
@blp.alt_response(404, schema=ProblemSchema)
@blp.doc(security=OPTIONAL_LOGIN)
def get_service(service_id):
    """One service, with its place, hours and phones."""
    return answer("directory", "get_service", service_id)


@blp.route("/services/<service_id>", methods=["PATCH"])
@blp.arguments(ServiceUpdateSchema())
@answers(blp, 200, ServiceSchema)
@blp.alt_response(401, schema=ProblemSchema)
@blp.alt_response(403, schema=ProblemSchema)
@blp.alt_response(404, schema=ProblemSchema)
@blp.alt_response(422, schema=ProblemSchema)
@blp.doc(security=BEARER)
def update_service(_data, service_id):
    """Change a service (its organisation's partner, its coordinator, the city)."""
    require_ability("manage_services")
    return answer("directory", "update_service", service_id, request.get_json())


@blp.route("/services/<service_id>", methods=["DELETE"])
@answers(blp, 204)
@blp.alt_response(401, schema=ProblemSchema)
@blp.alt_response(403, schema=ProblemSchema)
@blp.alt_response(404, schema=ProblemSchema)
@blp.doc(security=BEARER)
def withdraw_service(service_id):
    """Withdraw a service: it is no longer listed; its record stays."""
    require_ability("manage_services")
    call("directory", "withdraw_service", service_id)
    return "", 204


@blp.route("/services/<service_id>/capacity", methods=["PUT"])
@blp.arguments(CapacityUpdateSchema())
@answers(blp, 200, CapacitySchema)
@problems(blp, 401, 403, 404, 422)
@blp.doc(security=BEARER)
def update_capacity(_data, service_id):
    """Say the service's places free and families waiting (its own organisation's partners
    alone). Said again with the same numbers, it is dated anew; after 14 days without, the
    service's answers say `stale` and give no numbers."""
    require_login()
    return answer("directory", "update_capacity", service_id, request.get_json())
