"""Logging in and out, notifications and how to hear of them."""
from flask import g, redirect, request, url_for

from gateway import abilities
from gateway.web import bp, session
from gateway.web.common import call, render, require_login, safe_next
from gateway.web.forms import Form
from gateway.web.i18n import codes, reasons_said
from gateway.web.i18n import gettext as _
from services.common.errors import Invalid, MfaRequired, NotAuthenticated


def home_of(caller) -> str:
    """Where a person lands after logging in: a partner's inbox, a social worker's referrals,
    the governance tiers' overview."""
    may = abilities.of(caller)
    if "choose_box" in may:
        return url_for("web.referrals", box="inbox")
    if "send_referral" in may:
        return url_for("web.referrals")
    if "read_overview" in may:
        return url_for("web.report")
    return url_for("web.home")


@bp.route("/login", methods=["GET", "POST"])
def login():
    target = safe_next(request.values.get("next"), "")
    if request.method == "GET":
        if g.caller.authenticated:
            return redirect(target or home_of(g.caller))
        return render("login.html", form=Form(), target=target)
    values = {"username": request.form.get("username", "").strip(), "next": target}
    form = Form(values)
    password = request.form.get("password", "")
    otp = request.form.get("otp", "").strip() or None
    if not values["username"]:
        form.add_error("username", _("Questo campo è obbligatorio."))
    if not password:
        form.add_error("password", _("Questo campo è obbligatorio."))
    if form.invalid:
        return render("login.html", 422, form=form, target=target)
    try:
        grant = session.log_in(values["username"], password, otp)
    except MfaRequired:  # the password was right: the code of the app is asked too
        return render("login.html", 401, form=form, target=target, ask_code=True,
                      password=password)
    except NotAuthenticated:
        form.add_error("_form", _("Nome utente, password o codice non corretti. Dopo molti "
                                  "tentativi sbagliati di fila l'account viene bloccato per "
                                  "qualche minuto."))
        return render("login.html", 401, form=form, target=target, failed=True)
    except Invalid as invalid:
        return render("login.html", 422, form=Form(values, reasons_said(invalid)), target=target)
    return redirect(after_login(grant, target), 303)


def after_login(grant: dict, target: str = "") -> str:
    """Where a person goes once logged in: first to turn two-factor on, when their role asks
    for it and it is not on yet; to pass it, when it is on and the login did not (single
    sign-on); then where they were going."""
    if grant.get("mfa_enrolment_required"):
        return url_for("web.two_factor", first=1)
    if grant.get("mfa_enabled") and not grant.get("mfa"):
        return url_for("web.two_factor", next=target or None)
    return target or home_of(g.caller)



@bp.route("/logout", methods=["POST"])
def logout():
    session.log_out()
    return redirect(url_for("web.home", done="logged_out"), 303)


@bp.route("/notifications")
def notifications():
    require_login()
    unread_only = request.args.get("unread") == "true"
    query = {"per_page": 50, "unread": "true" if unread_only else "false"}
    found = call("notifications", "list_notifications", query)
    g.unread_count = found.get("unread")
    return render("notifications.html", notifications=found["items"], unread_only=unread_only,
                  total=found["total"])


@bp.route("/notifications/<notification_id>/read", methods=["POST"])
def read_notification(notification_id):
    require_login()
    read = call("notifications", "mark_read", notification_id)
    if request.form.get("open") and read.get("link"):
        return redirect(safe_next(read["link"], url_for("web.notifications")), 303)
    return redirect(url_for("web.notifications"), 303)


@bp.route("/notifications/read-all", methods=["POST"])
def read_all_notifications():
    require_login()
    call("notifications", "mark_all_read")
    return redirect(url_for("web.notifications"), 303)


@bp.route("/notifications/preferences", methods=["GET", "POST"])
def preferences():
    require_login()
    current = call("notifications", "get_preferences")
    form = Form()
    saved = False
    if request.method == "POST":
        choices = {kind: request.form.get(f"preferences.{kind}", channel)
                   for kind, channel in current["preferences"].items()}
        start = request.form.get("quiet_hours.start", "").strip() or None
        end = request.form.get("quiet_hours.end", "").strip() or None
        try:
            current = call("notifications", "set_preferences", {
                "preferences": choices, "quiet_hours": {"start": start, "end": end}})
            saved = True
        except Invalid as invalid:
            form = Form({**{f"preferences.{k}": v for k, v in choices.items()},
                         "quiet_hours.start": start, "quiet_hours.end": end}, reasons_said(invalid))
            return render("preferences.html", 422, form=form, current=current,
                          channels=codes("channel"), saved=False)
    values = {f"preferences.{kind}": channel for kind, channel in current["preferences"].items()}
    values.update({"quiet_hours.start": (current.get("quiet_hours") or {}).get("start"),
                   "quiet_hours.end": (current.get("quiet_hours") or {}).get("end")})
    form = Form(values)
    return render("preferences.html", form=form, current=current, channels=codes("channel"),
                  saved=saved)
