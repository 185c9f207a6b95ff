"""What the governance bodies decide and give out to do: decisions, recorded by a meeting's chair
with links to what they authorise (a fund request, a drive, an event, an action), and actions
assigned to a person or an organisation with a due date. The governance service holds every
rule: it answers 404 for what the caller may not see and 403 for what it sees but may not do;
a tier that sees only a decision's title and links gets its `text` as null."""
from flask import request

from gateway.api import Blueprint
from gateway.api.common import (BEARER, answer, answers, page_schema, problems, require_ability,
                                require_login)
from services.governance.contract import (ActionCreateSchema, ActionQuerySchema, ActionSchema,
                                          ActionUpdateSchema, DecisionCreateSchema,
                                          DecisionQuerySchema, DecisionSchema)

blp = Blueprint("decisions", __name__, url_prefix="/api/v1",
                description="Decisions and actions of the governance bodies")
DecisionPage = page_schema(DecisionSchema, "DecisionPage")
ActionPage = page_schema(ActionSchema, "ActionPage")


# --- decisions ---------------------------------------------------------------------------------

@blp.route("/decisions")
@blp.arguments(DecisionQuerySchema(), location="query")
@answers(blp, 200, DecisionPage)
@problems(blp, 401, 422)
@blp.doc(security=BEARER)
def list_decisions(_query):
    """The decisions the caller may see, newest first: whole for the members of their bodies;
    title and links only (`text` null) of the coordinamenti for the city tier and of the cabina
    di regia for the municipal tier. `link_kind` and `link_id` find those linking one thing."""
    require_login()
    return answer("governance", "list_decisions", request.args.to_dict())


@blp.route("/decisions", methods=["POST"])
@blp.arguments(DecisionCreateSchema())
@answers(blp, 201, DecisionSchema)
@problems(blp, 401, 403, 404, 422)
@blp.doc(security=BEARER)
def record_decision(_data):
    """Record a meeting's decision (its chair), with links to what it authorises, each one the
    chair sees (422 naming the link otherwise); a linked fund request then shows it among its
    `governance_decisions`."""
    require_ability("convene_meetings")
    return answer("governance", "record_decision", request.get_json()), 201


@blp.route("/decisions/<decision_id>")
@answers(blp, 200, DecisionSchema)
@problems(blp, 401, 404)
@blp.doc(security=BEARER)
def get_decision(decision_id):
    """One decision, as the caller's tier sees it."""
    require_login()
    return answer("governance", "get_decision", decision_id)


# --- actions -----------------------------------------------------------------------------------

@blp.route("/actions")
@blp.arguments(ActionQuerySchema(), location="query")
@answers(blp, 200, ActionPage)
@problems(blp, 401, 422)
@blp.doc(security=BEARER)
def list_actions(_query):
    """The actions of the caller's bodies; `mine=true` those assigned to the caller or its
    organisation, the open ones first by due date."""
    require_login()
    return answer("governance", "list_actions", request.args.to_dict())


@blp.route("/actions", methods=["POST"])
@blp.arguments(ActionCreateSchema())
@answers(blp, 201, ActionSchema)
@problems(blp, 401, 403, 404, 422)
@blp.doc(security=BEARER)
def assign_action(_data):
    """Give out an action at a meeting (its chair), to one of those invited to it: a person or
    an organisation, with a due date. The assignee is told, reminded before it is due and when
    it is overdue."""
    require_ability("convene_meetings")
    return answer("governance", "assign_action", request.get_json()), 201


@blp.route("/actions/<action_id>")
@answers(blp, 200, ActionSchema)
@problems(blp, 401, 404)
@blp.doc(security=BEARER)
def get_action(action_id):
    """One action, and what the caller may do with it (`actions`)."""
    require_login()
    return answer("governance", "get_action", action_id)


@blp.route("/actions/<action_id>", methods=["PATCH"])
@blp.arguments(ActionUpdateSchema())
@answers(blp, 200, ActionSchema)
@problems(blp, 401, 403, 404, 409, 422)
@blp.doc(security=BEARER)
def update_action(_data, action_id):
    """Close an action with a note on how it was done, or reopen it (its assignee or the
    chair); change its title or due date (the chair)."""
    require_login()
    return answer("governance", "update_action", action_id, request.get_json())
