"""What the bodies decide and give out: the decision register (each tier sees what the
governance service shows it: a title and its links only, where the text is not for it), a
decision recorded at its meeting with its links to what it authorises, and the actions assigned
to the invited, closed with a note by whoever has them; the caller's open actions in a box on
the pages people land on after logging in."""
import logging

from flask import g, redirect, request, url_for
from nameko.exceptions import RemoteError

from gateway import abilities
from gateway.web import bp
from gateway.web.common import call, page_args, pages_of, render, require_login
from gateway.web.forms import Form, nest, rows_given, text_or_none
from gateway.web.governance import done_notice, errors_of, filled, meeting_move
from gateway.web.i18n import said
from services.common.errors import Conflict, DomainError, Forbidden, Invalid
from services.governance.contract import DONE, FUND_REQUEST, OPEN, ORGANIZATION, PERSON

log = logging.getLogger(__name__)

TODO_SHOWN = 5
FUND_REQUEST_ROW = "links.0"  # the fund request chosen in a list; the rows after it: any link


# --- decisions ----------------------------------------------------------------------------------

@bp.route("/governance/decisions")
def governance_decisions():
    require_login()
    found = call("governance", "list_decisions", page_args(20))
    return render("governance_decisions.html", decisions=found["items"], total=found["total"],
                  pages=pages_of(found))


@bp.route("/governance/decisions/<decision_id>")
def governance_decision(decision_id):
    require_login()
    return render("governance_decision.html",
                  decision=call("governance", "get_decision", decision_id))


def decision_links(values) -> tuple[list, dict]:
    """The links of a decision from its form: the fund request chosen first, then each row of a
    kind and an id; the rows left empty dropped (and where the rows after them came from)."""
    chosen = text_or_none(values.get(f"{FUND_REQUEST_ROW}.id"))
    pairs = [(f"{FUND_REQUEST_ROW}.kind", FUND_REQUEST if chosen else None),
             (f"{FUND_REQUEST_ROW}.id", chosen)]
    for index in rows_given(values, "links."):
        if index:
            pairs += [(f"links.{index}.{name}", text_or_none(values.get(f"links.{index}.{name}")))
                      for name in ("kind", "id")]
    body, moved = nest(pairs)
    return body.get("links", []), moved


@bp.route("/governance/meetings/<meeting_id>/decisions", methods=["POST"])
def governance_decision_record(meeting_id):
    values = request.form
    links, moved = decision_links(values)
    body = filled(meeting_id=meeting_id, title=text_or_none(values.get("decision_title")),
                  text=text_or_none(values.get("decision_text")),
                  decided_on=text_or_none(values.get("decided_on")), links=links)
    return meeting_move(meeting_id, "record_decision", (body,), "decision", "decision_recorded",
                        "#decisions", moved=moved,
                        aliases={"title": "decision_title", "text": "decision_text"})


# --- actions ------------------------------------------------------------------------------------

def assignee_fields(chosen: str) -> dict:
    """"person:<id>" or "organization:<id>", as the invited are offered, as the service's
    two fields."""
    kind, _, assignee = (chosen or "").partition(":")
    return {"assignee_user_id": assignee if kind == PERSON and assignee else None,
            "assignee_organization_id": assignee if kind == ORGANIZATION and assignee else None}


@bp.route("/governance/meetings/<meeting_id>/actions", methods=["POST"])
def governance_action_assign(meeting_id):
    values = request.form
    body = filled(meeting_id=meeting_id, title=text_or_none(values.get("action_title")),
                  description=text_or_none(values.get("description")),
                  decision_id=text_or_none(values.get("decision_id")),
                  due_on=text_or_none(values.get("due_on")),
                  **assignee_fields(values.get("assignee")))
    return meeting_move(meeting_id, "assign_action", (body,), "action", "action_assigned",
                        "#actions", aliases={"title": "action_title",
                                             "assignee_user_id": "assignee",
                                             "assignee_organization_id": "assignee"})


def action_page(action_id, status=200, problem=None, form=None, edit_form=None):
    """The action; `form` is the closing note's form given again, `edit_form` the chair's
    change of it."""
    action = call("governance", "get_action", action_id)
    edit_form = edit_form or Form({"title": action["title"], "due_on": action["due_on"]})
    return render("governance_action.html", status, action=action, form=form or Form(),
                  edit_form=edit_form, problem=problem, notice=done_notice())


@bp.route("/governance/actions/<action_id>")
def governance_action(action_id):
    require_login()
    return action_page(action_id)


def _change_action(action_id, body, done, form_name="form"):
    require_login()
    try:
        call("governance", "update_action", action_id, body)
    except Invalid as invalid:
        return action_page(action_id, 422, **{
            form_name: Form(request.form.to_dict(), errors_of(invalid))})
    except (Conflict, Forbidden) as refused:
        return action_page(action_id, refused.status, problem=said(refused),
                           **{form_name: Form(request.form.to_dict())})
    return redirect(url_for("web.governance_action", action_id=action_id, done=done), 303)


@bp.route("/governance/actions/<action_id>/close", methods=["POST"])
def governance_action_close(action_id):
    return _change_action(action_id, filled(status=DONE,
                                            note=text_or_none(request.form.get("note"))),
                          "action_closed")


@bp.route("/governance/actions/<action_id>/reopen", methods=["POST"])
def governance_action_reopen(action_id):
    return _change_action(action_id, {"status": OPEN}, "action_reopened")


@bp.route("/governance/actions/<action_id>/edit", methods=["POST"])
def governance_action_edit(action_id):
    return _change_action(action_id, filled(title=text_or_none(request.form.get("title")),
                                            due_on=text_or_none(request.form.get("due_on"))),
                          "action_changed", "edit_form")


@bp.app_template_global()
def decisions_linking(kind: str, record_id: str) -> list:
    """The decisions that authorise a drive or an event, for the people of the tiers that see
    them (the governance service says which); none for the public, or when it does not answer."""
    caller = g.get("caller")
    if caller is None or "take_part_in_governance" not in abilities.of(caller):
        return []
    try:
        return call("governance", "list_decisions", {"link_kind": kind, "link_id": record_id,
                                                     "per_page": TODO_SHOWN})["items"]
    except (DomainError, RemoteError) as failed:
        log.warning("the decisions were left out of a page: %s", type(failed).__name__)
        return []


@bp.app_template_global()
def my_open_actions() -> dict:
    """The caller's open actions, for the box on the pages people land on: nothing when the
    caller takes no part in governance, or when the service does not answer (the page is
    shown without the box)."""
    caller = g.get("caller")
    if caller is None or "take_part_in_governance" not in abilities.of(caller):
        return {"items": [], "total": 0}
    try:
        return call("governance", "list_actions", {"mine": True, "status": OPEN,
                                                   "per_page": TODO_SHOWN})
    except (DomainError, RemoteError) as failed:
        log.warning("the open actions were left out of a page: %s", type(failed).__name__)
        return {"items": [], "total": 0}
