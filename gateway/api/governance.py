"""The programme's governance bodies."""
from flask import request
from marshmallow import Schema, fields

from gateway.api import Blueprint
from gateway.api.common import OPTIONAL_LOGIN, answer, answers
from services.directory.contract.catalogue import GovernanceBodySchema, GovernanceQuerySchema

blp = Blueprint("governance", __name__, url_prefix="/api/v1", description="Governance")


class GovernanceList(Schema):
    items = fields.List(fields.Nested(GovernanceBodySchema))


@blp.route("/governance")
@blp.arguments(GovernanceQuerySchema(), location="query")
@answers(blp, 200, GovernanceList)
@blp.doc(security=OPTIONAL_LOGIN)
def governance_bodies(_query):
    """The cabina di regia, the coordinamenti municipali and the gruppi di progetto."""
    return answer("directory", "governance_bodies", request.args.to_dict())
