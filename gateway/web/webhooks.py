"""Webhooks: an organisation's administrator (or the city) subscribes its systems' URLs to
kinds of events, sees the signing secret once, and reads what each was sent. The notifications
service decides who may (`manage_webhooks`) and what is refused."""
from flask import redirect, request, url_for

from gateway.web import bp
from gateway.web.common import call, pages_of, render, require_ability
from gateway.web.forms import Form
from gateway.web.i18n import codes, reasons_said, said
from services.common.errors import Conflict, Invalid

MANAGE = "manage_webhooks"


@bp.route("/webhooks", methods=["GET", "POST"])
def webhooks():
    require_ability(MANAGE)
    if request.method == "GET":
        return _page(Form({"kinds": []}))
    values = {"url": request.form.get("url", "").strip(), "kinds": request.form.getlist("kinds")}
    try:
        made = call("notifications", "create_webhook", values)
    except Invalid as invalid:
        errors = reasons_said(invalid)
        for name in [name for name in errors if name.startswith("kinds.")]:
            errors.setdefault("kinds", []).extend(errors.pop(name))
        return _page(Form(values, errors), 422)
    except Conflict as refused:  # as many as they may have
        return _page(Form(values, {"url": [said(refused)]}), 409)
    return _page(Form({"kinds": []}), made=made)


def _page(form, status=200, made=None):
    return render("webhooks.html", status, webhooks=call("notifications", "list_webhooks"),
                  form=form, kinds=codes("webhook_kind"), made=made)


@bp.route("/webhooks/<webhook_id>")
def webhook_deliveries(webhook_id):
    require_ability(MANAGE)
    try:
        page = max(1, int(request.args.get("page", 1)))
    except ValueError:
        page = 1
    found = call("notifications", "webhook_deliveries", webhook_id, {"page": page,
                                                                     "per_page": 30})
    webhook = next(w for w in call("notifications", "list_webhooks") if w["id"] == webhook_id)
    return render("webhook_deliveries.html", webhook=webhook, deliveries=found["items"],
                  pages=pages_of(found))


@bp.route("/webhooks/<webhook_id>/delete", methods=["POST"])
def delete_webhook(webhook_id):
    require_ability(MANAGE)
    call("notifications", "delete_webhook", webhook_id)
    return redirect(url_for("web.webhooks", done="webhook_deleted"), 303)
