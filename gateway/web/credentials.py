"""A person's own access: accepting an invitation, a forgotten password, one's account, and the
second factor (TOTP with recovery codes). The directory holds the rules; these pages ask it."""
from flask import g, redirect, request, url_for

from gateway.web import bp, session
from gateway.web.account import after_login, home_of
from gateway.web.common import call, render, require_login, safe_next
from gateway.web.forms import Form
from gateway.web.i18n import gettext as _
from gateway.web.i18n import reasons_said
from gateway.web.qr import qr_image
from services.common.errors import Conflict, Gone, Invalid


def link_gone(error: Gone):
    return render("link_gone.html", 410, message=_(
        "Questo link non è più valido: è già stato usato, è stato revocato oppure è scaduto. "
        "Chiedi un nuovo invito a chi ti ha invitato, o una nuova email per la password."))


@bp.route("/invitations/accept", methods=["GET", "POST"])
def accept_invitation():
    token = request.values.get("token", "")
    try:
        invitation = call("directory", "describe_invitation", token)
    except (Gone, Invalid) as gone:
        return link_gone(gone)
    form = Form({"username": request.form.get("username", "").strip().lower()})
    if request.method == "POST":
        session.limit_attempts(form.value("username"))
        body = {"token": token, "username": form.value("username"),
                "password": request.form.get("password", "")}
        try:
            call("directory", "accept_invitation", body)
        except Gone as gone:
            return link_gone(gone)
        except Invalid as invalid:
            return render("invitation_accept.html", 422, invitation=invitation, token=token,
                          form=Form(form.values, reasons_said(invalid)))
        grant = session.log_in(body["username"], body["password"])
        return redirect(after_login(grant), 303)
    return render("invitation_accept.html", invitation=invitation, token=token, form=form)


@bp.route("/password-reset", methods=["GET", "POST"])
def password_reset():
    form = Form({"email": request.form.get("email", "").strip()})
    if request.method == "POST":
        session.limit_attempts(form.value("email"))
        try:
            call("directory", "request_password_reset", {"email": form.value("email")})
        except Invalid as invalid:
            return render("password_reset.html", 422, form=Form(form.values, reasons_said(invalid)))
        return render("password_reset.html", form=form, sent=True)
    return render("password_reset.html", form=form)


@bp.route("/password-reset/confirm", methods=["GET", "POST"])
def password_reset_confirm():
    token = request.values.get("token", "")
    if request.method == "POST":
        session.limit_attempts(None)
        try:
            call("directory", "confirm_password_reset",
                 {"token": token, "password": request.form.get("password", "")})
        except Gone as gone:
            return link_gone(gone)
        except Invalid as invalid:
            return render("password_reset_confirm.html", 422, token=token,
                          form=Form({}, reasons_said(invalid)))
        return redirect(url_for("web.login", done="password_reset"), 303)
    return render("password_reset_confirm.html", token=token, form=Form())


@bp.route("/account")
def my_account():
    require_login()
    return render("my_account.html", account=call("directory", "my_account"), form=Form())


@bp.route("/account/password", methods=["POST"])
def change_password():
    require_login()
    body = {name: request.form.get(name, "") for name in ("current_password", "new_password")}
    try:
        call("directory", "change_password", g.session_id, body)
    except Invalid as invalid:
        return render("my_account.html", 422, account=call("directory", "my_account"),
                      form=Form({}, reasons_said(invalid)))
    return redirect(url_for("web.my_account", done="password_changed"), 303)


@bp.route("/account/two-factor", methods=["GET", "POST"])
def two_factor():
    """Turning two-factor on (a QR code, a first code and the password), or, when it is on
    already and this session was opened without a code (single sign-on), passing it."""
    require_login()
    account = call("directory", "my_account")
    if account["mfa_enabled"]:
        return _pass_second_factor(account)
    if request.method == "GET":
        return render("two_factor.html", account=account, enrolment=None, form=Form())
    if request.form.get("step") != "confirm":
        try:
            return _enrolment(account, call("directory", "start_two_factor"), Form())
        except Conflict:
            return redirect(url_for("web.two_factor"), 303)
    enrolment = {"secret": request.form.get("secret", ""),
                 "otpauth_uri": request.form.get("otpauth_uri", "")}
    session.limit_attempts(g.caller.username)
    try:
        grant = call("directory", "confirm_two_factor", g.session_id, {
            "code": request.form.get("code", "").strip(),
            "password": request.form.get("password") or None})
    except Invalid as invalid:
        return _enrolment(account, enrolment, Form({}, reasons_said(invalid)), 422)
    session.open_grant(grant)
    return render("recovery_codes.html", codes=grant["recovery_codes"],
                  next_page=home_of(g.caller))


def _pass_second_factor(account):
    if g.caller.mfa or request.method == "GET":
        return render("two_factor.html", account=account, enrolment=None, form=Form())
    session.limit_attempts(g.caller.username)
    try:
        grant = call("directory", "pass_second_factor", g.session_id,
                     {"code": request.form.get("code", "").strip()})
    except Invalid as invalid:
        return render("two_factor.html", 422, account=account, enrolment=None,
                      form=Form({}, reasons_said(invalid)))
    session.open_grant(grant)
    return redirect(safe_next(request.values.get("next"), home_of(g.caller)), 303)


def _enrolment(account, enrolment, form, status=200):
    qr = qr_image(enrolment["otpauth_uri"])
    return render("two_factor.html", status, account=account, enrolment=enrolment, qr=qr,
                  form=form)
