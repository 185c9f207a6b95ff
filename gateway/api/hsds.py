"""The directory as an HSDS 3.0 API (Open Referral), for systems that speak it."""
from flask import request

from gateway.api import Blueprint
from gateway.api.common import answer, answers
from gateway.problems import ProblemSchema
from services.directory.contract.catalogue import HsdsQuerySchema

blp = Blueprint("hsds", __name__, url_prefix="/api/v1/hsds",
                description="HSDS 3.0: the directory in Open Referral's format")
HSDS_DOCS = "https://docs.openreferral.org/en/latest/hsds/schema_reference.html"


@blp.route("/services")
@blp.arguments(HsdsQuerySchema(), location="query")
@answers(blp, 200, description=f"An HSDS Page of services ({HSDS_DOCS})")
@blp.alt_response(422, schema=ProblemSchema)
def hsds_services(_query):
    """Services as an HSDS page."""
    return answer("directory", "hsds_services", request.args.to_dict())


@blp.route("/services/<service_id>")
@answers(blp, 200, description="An HSDS service, every nested object included, and its "
         "capacity while known as HSDS 3.1's `capacities` (service_capacity)")
@blp.alt_response(404, schema=ProblemSchema)
def hsds_service(service_id):
    """One service in HSDS."""
    return answer("directory", "hsds_service", service_id)


@blp.route("/organizations")
@blp.arguments(HsdsQuerySchema(), location="query")
@answers(blp, 200, description="An HSDS Page of organizations")
@blp.alt_response(422, schema=ProblemSchema)
def hsds_organizations(_query):
    """Organisations as an HSDS page."""
    return answer("directory", "hsds_organizations", request.args.to_dict())


@blp.route("/organizations/<organization_id>")
@answers(blp, 200, description="An HSDS organization")
@blp.alt_response(404, schema=ProblemSchema)
def hsds_organization(organization_id):
    """One organisation in HSDS."""
    return answer("directory", "hsds_organization", organization_id)
