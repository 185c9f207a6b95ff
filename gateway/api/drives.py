"""Donation drives such as "Zaino sospeso": what is needed, where to bring it, and how far
the neighbourhood has got."""
from flask import request

from gateway.api import Blueprint
from gateway.api.common import (BEARER, OPTIONAL_LOGIN, answer, answers, page_schema, problems,
                                require_ability, require_login)
from gateway.problems import ProblemSchema
from services.events.contract import (DeliveryCreateSchema, DeliverySchema, DriveCreateSchema,
                                      DriveQuerySchema, DriveSchema, PledgeCreateSchema,
                                      PledgeQuerySchema, PledgeSchema)

blp = Blueprint("drives", __name__, url_prefix="/api/v1", description="Donation drives")
DrivePage = page_schema(DriveSchema, "DrivePage")
PledgePage = page_schema(PledgeSchema, "PledgePage")


@blp.route("/drives")
@blp.arguments(DriveQuerySchema(), location="query")
@answers(blp, 200, DrivePage)
@blp.alt_response(422, schema=ProblemSchema)
@blp.doc(security=OPTIONAL_LOGIN)
def list_drives(_query):
    """Drives with their progress, the latest first."""
    return answer("events", "list_drives", request.args.to_dict())


@blp.route("/drives", methods=["POST"])
@blp.arguments(DriveCreateSchema())
@answers(blp, 201, DriveSchema)
@blp.alt_response(401, schema=ProblemSchema)
@blp.alt_response(403, schema=ProblemSchema)
@blp.alt_response(422, schema=ProblemSchema)
@blp.doc(security=BEARER)
def create_drive(_data):
    """Open a drive (a partner for its organisation, a coordinator for its municipio)."""
    require_ability("organize")
    return answer("events", "create_drive", request.get_json()), 201


@blp.route("/drives/<drive_id>")
@answers(blp, 200, DriveSchema)
@blp.alt_response(404, schema=ProblemSchema)
@blp.doc(security=OPTIONAL_LOGIN)
def get_drive(drive_id):
    """One drive: items needed, pledged and delivered, drop-off points and their hours."""
    return answer("events", "get_drive", drive_id)


@blp.route("/drives/<drive_id>/close", methods=["POST"])
@answers(blp, 200, DriveSchema)
@problems(blp, 401, 403, 404)
@blp.doc(security=BEARER)
def close_drive(drive_id):
    """Close the drive before its window ends: no more pledges, deliveries are still recorded;
    closing twice changes nothing (its organisers, the municipio's coordinator, the city)."""
    require_login()
    return answer("events", "close_drive", drive_id)


@blp.route("/drives/<drive_id>/pledges", methods=["POST"])
@blp.arguments(PledgeCreateSchema())
@answers(blp, 201, PledgeSchema)
@blp.alt_response(404, schema=ProblemSchema)
@blp.alt_response(409, schema=ProblemSchema, description="The drive is closed")
@blp.alt_response(422, schema=ProblemSchema, description=(
    "An item not on the list or already covered, or more than it still needs (the reason "
    "says how many)"))
@blp.doc(security=OPTIONAL_LOGIN)
def pledge(_data, drive_id):
    """Promise to bring some of an item, up to what it still needs."""
    return answer("events", "pledge", drive_id, request.get_json()), 201


@blp.route("/drives/<drive_id>/pledges")
@blp.arguments(PledgeQuerySchema(), location="query")
@answers(blp, 200, PledgePage)
@problems(blp, 401, 403, 404, 422)
@blp.doc(security=BEARER)
def list_pledges(_query, drive_id):
    """The drive's pledges, the latest first, each with the donor's name if given (its
    organisers, its municipio's coordinator, the city)."""
    require_login()
    return answer("events", "list_pledges", drive_id, request.args.to_dict())


@blp.route("/drives/<drive_id>/pledges/<pledge_id>/cancel", methods=["POST"])
@answers(blp, 200, PledgeSchema)
@problems(blp, 401, 403, 404)
@blp.doc(security=BEARER)
def cancel_pledge(drive_id, pledge_id):
    """Cancel a pledge that will not come: its quantity is needed again (its organisers)."""
    require_login()
    return answer("events", "cancel_pledge", drive_id, pledge_id)


@blp.route("/drives/<drive_id>/deliveries", methods=["POST"])
@blp.arguments(DeliveryCreateSchema())
@answers(blp, 201, DeliverySchema)
@blp.alt_response(401, schema=ProblemSchema)
@blp.alt_response(403, schema=ProblemSchema)
@blp.alt_response(404, schema=ProblemSchema)
@blp.alt_response(422, schema=ProblemSchema)
@blp.doc(security=BEARER)
def record_delivery(_data, drive_id):
    """Record what was received at a drop-off point (its organisers)."""
    require_login()
    return answer("events", "record_delivery", drive_id, request.get_json()), 201
