"""People: an organisation's staff for its administrator, a municipio's people for its
coordination, everyone for the city; invitations, a person's access and history. The
directory decides whose accounts the caller reaches, what it may grant and how each role is
scoped (`grant_options`), and what it may do to each account (`actions`)."""
from flask import redirect, request, url_for

from gateway.web import bp
from gateway.web.common import call, organization_name, pages_of, render, require_login
from gateway.web.forms import Form
from gateway.web.i18n import code, reasons_said, said
from services.common.context import ROLES
from services.common.errors import Forbidden, Invalid


@bp.route("/people")
def people():
    caller = require_login()
    filters = {key: request.args.get(key) for key in ("organization_id", "municipio", "role",
                                                      "active") if request.args.get(key)}
    try:
        page = max(1, int(request.args.get("page", 1)))
    except ValueError:
        page = 1
    found = call("directory", "list_users", {**filters, "page": page, "per_page": 30})
    invitations = call("directory", "list_invitations", {"per_page": 100})["items"]
    names = {o["id"]: o["name"] for o in call("directory", "grant_options")["organizations"]}
    return render("people.html", people=found["items"], pages=pages_of(found),
                  invitations=invitations, organizations=names, filters=filters,
                  form=Form(filters), municipi=list(range(1, 10)) if caller.tier == "city"
                  else list(caller.municipi),
                  roles=[(role, code("role", role)) for role in ROLES])


@bp.route("/people/invite", methods=["GET", "POST"])
def invite():
    require_login()
    options = call("directory", "grant_options")
    if request.method == "GET":
        return _invite_form(options, Form({"role": options["roles"][-1]["role"]
                                           if options["roles"] else None}))
    values = {name: request.form.get(name, "").strip() or None
              for name in ("email", "display_name", "role", "organization_id")}
    values["municipi"] = request.form.getlist("municipi")
    try:
        call("directory", "invite", {**_scoped(options, values), "email": values["email"],
                                     "display_name": values["display_name"]})
    except Invalid as invalid:
        return _invite_form(options, Form(values, reasons_said(invalid)), 422)
    except Forbidden as refused:
        form = Form(values)
        form.add_error("role", said(refused))
        return _invite_form(options, form, 403)
    return redirect(url_for("web.people", done="invited"), 303)


def _invite_form(options, form, status=200):
    return render("invite.html", status, form=form, **_choices(options))


@bp.route("/people/invitations/<invitation_id>/revoke", methods=["POST"])
def revoke_invitation(invitation_id):
    require_login()
    call("directory", "revoke_invitation", invitation_id)
    return redirect(url_for("web.people", done="invitation_revoked"), 303)


@bp.route("/people/<user_id>")
def person(user_id):
    require_login()
    found = call("directory", "get_user", user_id)
    return _person_page(found, Form({"role": found["role"],
                                     "organization_id": found["organization_id"],
                                     "municipi": [str(m) for m in found["municipi"]]}))


@bp.route("/people/<user_id>/access", methods=["POST"])
def change_access(user_id):
    require_login()
    options = call("directory", "grant_options")
    values = {"role": request.form.get("role") or None,
              "organization_id": request.form.get("organization_id") or None,
              "municipi": request.form.getlist("municipi")}
    try:
        call("directory", "update_user", user_id, _scoped(options, values))
    except Invalid as invalid:
        return _person_page(call("directory", "get_user", user_id),
                            Form(values, reasons_said(invalid)), 422)
    return redirect(url_for("web.person", user_id=user_id, done="access_changed"), 303)


def _person_page(found, form, status=200):
    options = call("directory", "grant_options") if "change_access" in found["actions"] else None
    return render("person.html", status, person=found, form=form,
                  history=call("directory", "user_history", found["id"])["items"],
                  organization=organization_name(found["organization_id"]),
                  **(_choices(options) if options else {}))


@bp.route("/people/<user_id>/active", methods=["POST"])
def set_active(user_id):
    require_login()
    active = request.form.get("active") == "true"
    call("directory", "update_user", user_id, {"active": active})
    return redirect(url_for("web.person", user_id=user_id,
                            done="reactivated" if active else "deactivated"), 303)


@bp.route("/people/<user_id>/two-factor/reset", methods=["POST"])
def reset_two_factor(user_id):
    require_login()
    call("directory", "reset_user_two_factor", user_id)
    return redirect(url_for("web.person", user_id=user_id, done="two_factor_reset"), 303)


def _choices(options) -> dict:
    """The form's choices as the directory gives them: roles, organisations, and whether any
    role is scoped by its organisation or by its municipi."""
    scopes = {role["scope"] for role in options["roles"]}
    return {"roles": [role["role"] for role in options["roles"]],
            "organizations": options["organizations"],
            "needs_organization": "organization" in scopes, "needs_municipi": "municipi" in scopes}


def _scoped(options, values) -> dict:
    """The role with the scope the directory says it takes, from the form's inputs."""
    scope = {r["role"]: r["scope"] for r in options["roles"]}.get(values["role"])
    return {"role": values["role"],
            "organization_id": values["organization_id"] if scope == "organization" else None,
            "municipi": ([int(m) for m in values["municipi"] if m.isdigit()]
                         if scope == "municipi" else [])}
