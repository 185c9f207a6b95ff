"""People: an organisation's staff for its administrator, a municipio's people for its
coordination, everyone for the city; invitations, a person's access and history. The
directory decides whose accounts the caller reaches and what each may do (`actions`)."""
from flask import abort, redirect, request, url_for

from gateway.web import bp
from gateway.web.common import call, organization_name, pages_of, render, require_login
from gateway.web.forms import Form
from gateway.web.i18n import code
from services.common.context import ROLES
from services.common.errors import Forbidden, Invalid

MANAGERS = ("city", "coordinator", "partner_admin")
MUNICIPAL_ROLES = ("coordinator", "social_worker")
ORGANISATION_ROLES = ("partner", "partner_admin")


def require_manager():
    caller = require_login()
    if not caller.has_role(*MANAGERS):
        abort(403)
    return caller


@bp.route("/people")
def people():
    caller = require_manager()
    filters = {key: request.args.get(key) for key in ("organization_id", "municipio", "role",
                                                      "active") if request.args.get(key)}
    try:
        page = max(1, int(request.args.get("page", 1)))
    except ValueError:
        page = 1
    found = call("directory", "list_users", {**filters, "page": page, "per_page": 30})
    invitations = call("directory", "list_invitations", {"per_page": 100})["items"]
    options = call("directory", "grant_options")
    names = {o["id"]: o["name"] for o in options["organizations"]}
    return render("people.html", people=found["items"], pages=pages_of(found),
                  invitations=invitations, organizations=names, filters=filters,
                  form=Form(filters), municipi=_municipi_of(caller),
                  roles=[(role, code("role", role)) for role in ROLES])


@bp.route("/people/invite", methods=["GET", "POST"])
def invite():
    caller = require_manager()
    options = call("directory", "grant_options")
    values = {"role": options["roles"][-1] if options["roles"] else None,
              "organization_id": caller.organization_id}
    form = Form(values)
    if request.method == "POST":
        values = {name: request.form.get(name, "").strip() or None
                  for name in ("email", "display_name", "role", "organization_id")}
        values["municipi"] = request.form.getlist("municipi")
        body = {**values, "municipi": [int(m) for m in values["municipi"] if m.isdigit()]}
        if body["role"] not in ORGANISATION_ROLES:
            body["organization_id"] = None
        if body["role"] not in MUNICIPAL_ROLES:
            body["municipi"] = []
        try:
            call("directory", "invite", body)
            return redirect(url_for("web.people", done="invited"), 303)
        except Invalid as invalid:
            return _invite_form(options, Form(values, invalid.errors), 422)
        except Forbidden as refused:
            form = Form(values)
            form.add_error("role", refused.detail)
            return _invite_form(options, form, 403)
    return _invite_form(options, form)


def _invite_form(options, form, status=200):
    return render("invite.html", status, form=form, roles=options["roles"],
                  organizations=options["organizations"],
                  needs_organization=any(r in ORGANISATION_ROLES for r in options["roles"]),
                  needs_municipi=any(r in MUNICIPAL_ROLES for r in options["roles"]))


@bp.route("/people/invitations/<invitation_id>/revoke", methods=["POST"])
def revoke_invitation(invitation_id):
    require_manager()
    call("directory", "revoke_invitation", invitation_id)
    return redirect(url_for("web.people", done="invitation_revoked"), 303)


@bp.route("/people/<user_id>")
def person(user_id):
    require_manager()
    found = call("directory", "get_user", user_id)
    history = call("directory", "user_history", user_id)["items"]
    options = call("directory", "grant_options") if "change_access" in found["actions"] else None
    form = Form({"role": "partner_admin" if "partner_admin" in found["roles"]
                 else found["roles"][0], "organization_id": found["organization_id"],
                 "municipi": [str(m) for m in found["municipi"]]})
    return render("person.html", person=found, history=history, options=options, form=form,
                  organization=organization_name(found["organization_id"]))


@bp.route("/people/<user_id>/access", methods=["POST"])
def change_access(user_id):
    require_manager()
    role = request.form.get("role") or None
    body = {"role": role}
    if role in ORGANISATION_ROLES:
        body["organization_id"] = request.form.get("organization_id") or None
    if role in MUNICIPAL_ROLES:
        body["municipi"] = [int(m) for m in request.form.getlist("municipi") if m.isdigit()]
    try:
        call("directory", "update_user", user_id, body)
    except Invalid as invalid:
        found = call("directory", "get_user", user_id)
        return render("person.html", 422, person=found,
                      history=call("directory", "user_history", user_id)["items"],
                      options=call("directory", "grant_options"),
                      organization=organization_name(found["organization_id"]),
                      form=Form({**body, "municipi": request.form.getlist("municipi")},
                                invalid.errors))
    return redirect(url_for("web.person", user_id=user_id, done="access_changed"), 303)


@bp.route("/people/<user_id>/active", methods=["POST"])
def set_active(user_id):
    require_manager()
    active = request.form.get("active") == "true"
    call("directory", "update_user", user_id, {"active": active})
    return redirect(url_for("web.person", user_id=user_id,
                            done="reactivated" if active else "deactivated"), 303)


@bp.route("/people/<user_id>/two-factor/reset", methods=["POST"])
def reset_two_factor(user_id):
    require_manager()
    call("directory", "reset_user_two_factor", user_id)
    return redirect(url_for("web.person", user_id=user_id, done="two_factor_reset"), 303)


def _municipi_of(caller) -> list:
    return list(range(1, 10)) if caller.has_role("city") else list(caller.municipi)
