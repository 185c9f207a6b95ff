"""Organisations of the networks (ETS)."""
from flask import request
from flask_smorest import Blueprint

from gateway.api.common import BEARER, call, page_schema, require_login, require_role
from gateway.problems import ProblemSchema
from services.common.context import CITY, COORDINATOR
from services.directory.schemas import (OrganizationCreateSchema, OrganizationQuerySchema,
                                        OrganizationSchema, OrganizationUpdateSchema)

blp = Blueprint("organizations", __name__, url_prefix="/api/v1",
                description="Organisations of the networks")
OrganizationPage = page_schema(OrganizationSchema, "OrganizationPage")


@blp.route("/organizations")
@blp.arguments(OrganizationQuerySchema, location="query")
@blp.response(200, OrganizationPage)
def list_organizations(_query):
    """Organisations, filtered by municipio, level and text."""
    return call("directory", "list_organizations", request.args.to_dict())


@blp.route("/organizations", methods=["POST"])
@blp.arguments(OrganizationCreateSchema)
@blp.response(201, OrganizationSchema)
@blp.alt_response(401, schema=ProblemSchema)
@blp.alt_response(403, schema=ProblemSchema)
@blp.alt_response(422, schema=ProblemSchema)
@blp.doc(security=BEARER)
def register_organization(_data):
    """Register an organisation in one or more networks (coordinator of those municipi, city)."""
    require_role(COORDINATOR, CITY)
    return call("directory", "register_organization", request.get_json())


@blp.route("/organizations/<organization_id>")
@blp.response(200, OrganizationSchema)
@blp.alt_response(404, schema=ProblemSchema)
def get_organization(organization_id):
    """One organisation."""
    return call("directory", "get_organization", organization_id)


@blp.route("/organizations/<organization_id>", methods=["PATCH"])
@blp.arguments(OrganizationUpdateSchema)
@blp.response(200, OrganizationSchema)
@blp.alt_response(401, schema=ProblemSchema)
@blp.alt_response(403, schema=ProblemSchema)
@blp.alt_response(404, schema=ProblemSchema)
@blp.alt_response(422, schema=ProblemSchema)
@blp.doc(security=BEARER)
def update_organization(_data, organization_id):
    """Change an organisation (its partner, its municipio's coordinator, the city)."""
    require_login()
    return call("directory", "update_organization", organization_id, request.get_json())
