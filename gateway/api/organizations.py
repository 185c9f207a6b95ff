"""Organisations of the networks (ETS)."""
from flask import Response, request
from marshmallow import Schema, fields

from gateway.api import Blueprint
from gateway.api.common import (BEARER, OPTIONAL_LOGIN, answer, answers, call, page_schema,
                                require_ability, require_login)
from gateway.problems import ProblemSchema
from services.common import checks
from services.common.errors import Invalid
from services.directory.contract.catalogue import (MUNICIPIO, OrganizationCreateSchema,
                                                   OrganizationQuerySchema, OrganizationSchema,
                                                   OrganizationUpdateSchema)

blp = Blueprint("organizations", __name__, url_prefix="/api/v1",
                description="Organisations of the networks")
OrganizationPage = page_schema(OrganizationSchema, "OrganizationPage")


class CsvExportQuerySchema(Schema):
    municipio = fields.Integer(validate=MUNICIPIO)


@blp.route("/organizations")
@blp.arguments(OrganizationQuerySchema(), location="query")
@answers(blp, 200, OrganizationPage)
@blp.doc(security=OPTIONAL_LOGIN)
def list_organizations(_query):
    """Organisations, filtered by municipio, level and text."""
    return answer("directory", "list_organizations", request.args.to_dict())


@blp.route("/organizations", methods=["POST"])
@blp.arguments(OrganizationCreateSchema())
@answers(blp, 201, OrganizationSchema)
@blp.alt_response(401, schema=ProblemSchema)
@blp.alt_response(403, schema=ProblemSchema)
@blp.alt_response(422, schema=ProblemSchema)
@blp.doc(security=BEARER)
def register_organization(_data):
    """Register an organisation in one or more networks (coordinator of those municipi, city)."""
    require_ability("register_organizations")
    return answer("directory", "register_organization", request.get_json()), 201


@blp.route("/organizations/<organization_id>")
@answers(blp, 200, OrganizationSchema)
@blp.alt_response(404, schema=ProblemSchema)
@blp.doc(security=OPTIONAL_LOGIN)
def get_organization(organization_id):
    """One organisation."""
    return answer("directory", "get_organization", organization_id)


@blp.route("/organizations/<organization_id>", methods=["PATCH"])
@blp.arguments(OrganizationUpdateSchema())
@answers(blp, 200, OrganizationSchema)
@blp.alt_response(401, schema=ProblemSchema)
@blp.alt_response(403, schema=ProblemSchema)
@blp.alt_response(404, schema=ProblemSchema)
@blp.alt_response(422, schema=ProblemSchema)
@blp.doc(security=BEARER)
def update_organization(_data, organization_id):
    """Change an organisation (its partner, its municipio's coordinator, the city)."""
    require_login()
    return answer("directory", "update_organization", organization_id, request.get_json())


CSV_BODY = {"required": True, "content": {"text/csv": {"schema": {"type": "string"}, "example": (
    "organization_name,municipi,level,service_name,category,dimension,zone,municipio,schedules\n"
    "Ludoteca QT8,8,1,Spazio gioco 0-6,proximity,educational,QT8,8,2 09:30-12:00\n")}}}


@blp.route("/organizations/import", methods=["POST"])
@blp.doc(security=BEARER, requestBody=CSV_BODY)
@answers(blp, 200, description="What was created and what was already there")
@blp.alt_response(401, schema=ProblemSchema)
@blp.alt_response(403, schema=ProblemSchema)
@blp.alt_response(422, schema=ProblemSchema,
                  description="Some lines are not valid (errors by line): nothing was imported")
def import_organizations():
    """Onboard organisations and their services from a CSV (columns in docs/onboarding.md).
    Every line is checked first; one bad line and nothing is imported."""
    require_ability("register_organizations")
    text = request.get_data(as_text=True)
    if not text.strip():
        raise Invalid({"body": [checks.reason(
            "csv_body", "Send the CSV file as the request body (Content-Type: text/csv).")]})
    return answer("directory", "import_organizations_csv", text)


@blp.route("/organizations/export.csv")
@blp.arguments(CsvExportQuerySchema(), location="query")
@blp.doc(security=BEARER, responses={200: {"description": "The onboarding CSV",
                                           "content": {"text/csv": {"schema": {"type": "string"}}}}})
@blp.alt_response(401, schema=ProblemSchema)
@blp.alt_response(403, schema=ProblemSchema)
def export_organizations(query):
    """The organisations and services of a municipio (or all) as the onboarding CSV."""
    require_ability("register_organizations")
    text = call("directory", "export_organizations_csv", query.get("municipio"))
    # the BOM lets spreadsheet programs read the accents as UTF-8
    return Response("\ufeff" + text, mimetype="text/csv", headers={
        "Content-Disposition": "attachment; filename=organizzazioni.csv"})
