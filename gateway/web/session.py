"""The web session: the same tokens as the API, kept in cookies, and CSRF tokens for forms.

A login through the form asks the directory exactly what `POST /api/v1/auth/token` asks
(`authenticate`), and the gateway signs the same access token. The access token is kept in
the `qubi_access` cookie and the refresh token in `qubi_refresh`, both Secure, HttpOnly and
SameSite=Lax. On each page request the access token is verified as the API verifies a Bearer
token (signature, expiry, session not ended: `gateway.auth.verify_token`) and becomes
`g.caller`; when it has expired, the refresh token gets the next pair (`refresh_session`),
as `POST /api/v1/auth/refresh` does. Logout ends the session as `POST /api/v1/auth/logout`.

CSRF: every form carries a token bound to a random nonce kept in the `qubi_csrf` cookie and
to the login session (HMAC with the gateway's secret); every POST to a page must bring it back.
"""
import dataclasses
import hashlib
import hmac
import logging
import secrets

from flask import current_app, g, request

from gateway import auth
from gateway.api.common import signed_context
from gateway.web.i18n import lang
from services.common.errors import DomainError, NotAuthenticated

log = logging.getLogger(__name__)

ACCESS_COOKIE = "qubi_access"
REFRESH_COOKIE = "qubi_refresh"
CSRF_COOKIE = "qubi_csrf"
CSRF_FIELD = "csrf_token"
COOKIE_OPTIONS = {"secure": True, "httponly": True, "samesite": "Lax", "path": "/"}


def _secret() -> str:
    return current_app.config["QUBI_SETTINGS"].secret_key


def identify():
    """Sets g.caller (and g.session_id) from the cookies; anonymous when there is no valid
    session. Never raises for a bad cookie: the cookie is dropped and the page goes on."""
    g.web_cookies = {}
    g.session_id = None
    g.session_unverified = False
    token = request.cookies.get(ACCESS_COOKIE)
    claims = None
    try:
        if token:
            try:
                claims = auth.verify_token(token, _secret(),
                                           current_app.extensions["revocations"])
            except NotAuthenticated:
                claims = None
        if claims is None and request.cookies.get(REFRESH_COOKIE):
            claims = _refresh(request.cookies[REFRESH_COOKIE])
    except DomainError as error:  # the directory cannot say yet whether the session ended:
        log.warning("could not verify a web session: %s", error.__class__.__name__)
        g.session_unverified = True  # public pages go on; members' pages say "unavailable"
        g.caller = dataclasses.replace(auth.anonymous(g.get("request_id")), language=lang())
        return
    if claims is None:
        if token or request.cookies.get(REFRESH_COOKIE):
            g.web_cookies = {ACCESS_COOKIE: None, REFRESH_COOKIE: None}
        g.caller = dataclasses.replace(auth.anonymous(g.get("request_id")), language=lang())
        return
    g.session_id = claims["sid"]
    g.caller = dataclasses.replace(auth.caller_from_claims(claims, g.get("request_id")),
                                   language=lang())


def _refresh(refresh_token: str):
    """The next tokens for a refresh token (as POST /api/v1/auth/refresh); None when it is
    refused. Raises when the directory does not answer: the cookies are kept then."""
    try:
        grant = current_app.extensions["rpc"].call(
            "directory", "refresh_session", refresh_token,
            context_data=signed_context(auth.anonymous(g.get("request_id"), lang())))
    except NotAuthenticated:
        return None
    return _keep(grant)


def log_in(username: str, password: str, otp: str | None = None) -> dict:
    """Checks the password (and the code, for an account with two-factor on) with the
    directory; on success the cookies are set on the answer. The directory's grant."""
    limit_attempts(username)
    rpc = current_app.extensions["rpc"]
    credentials = {"username": username, "password": password, **({"otp": otp} if otp else {})}
    grant = rpc.call("directory", "authenticate", credentials,
                     context_data=signed_context(auth.anonymous(g.get("request_id"), lang())))
    return open_grant(grant)


def limit_attempts(name):
    """Forms that try a secret are limited as logins are: per client, and per name given."""
    limits = current_app.extensions.get("limits")
    if limits is not None:
        limits.check_login(request.remote_addr, name)


def log_in_by_single_sign_on(identity: dict):
    """As `log_in`, for a person the identity provider vouched for (single_sign_on.py)."""
    return open_grant(current_app.extensions["rpc"].call(
        "directory", "single_sign_on", identity,
        context_data=signed_context(auth.anonymous(g.get("request_id"), lang()))))


def open_grant(grant: dict) -> dict:
    """The login session of a grant of the directory becomes this browser's (a new login, or
    the same session gone on with the second factor passed)."""
    claims = _keep(grant)
    g.session_id = claims["sid"]
    g.caller = dataclasses.replace(auth.caller_from_claims(claims, g.get("request_id")),
                                   language=lang())
    g.web_cookies[CSRF_COOKIE] = secrets.token_urlsafe(32)  # a new session, a new nonce
    g.csrf_nonce = g.web_cookies[CSRF_COOKIE]
    return grant


def _keep(grant: dict) -> dict:
    """Signs the access token for a grant of the directory and keeps both tokens in cookies."""
    issued = auth.issue_token(grant, _secret(), grant["access_expires_in"])
    g.web_cookies = {
        ACCESS_COOKIE: (issued["access_token"], grant["refresh_expires_in"]),
        REFRESH_COOKIE: (grant["refresh_token"], grant["refresh_expires_in"]),
    }
    return auth.verify_token(issued["access_token"], _secret(),
                             current_app.extensions["revocations"])


def log_out():
    """Ends the login session in the directory (as the API's logout) and drops the cookies."""
    if g.caller.authenticated and g.session_id:
        try:
            ended = current_app.extensions["rpc"].call(
                "directory", "end_session", g.session_id,
                context_data=signed_context())
            current_app.extensions["revocations"].remember(ended["session_id"], ended["until"])
        except DomainError as error:
            log.warning("could not end a web session: %s", error.__class__.__name__)
    g.web_cookies = {ACCESS_COOKIE: None, REFRESH_COOKIE: None,
                     CSRF_COOKIE: secrets.token_urlsafe(32)}
    g.csrf_nonce = g.web_cookies[CSRF_COOKIE]


def store_cookies(response):
    for name, value in g.get("web_cookies", {}).items():
        if value is None:
            response.delete_cookie(name, path="/", secure=True, httponly=True, samesite="Lax")
        elif isinstance(value, tuple):
            response.set_cookie(name, value[0], max_age=value[1], **COOKIE_OPTIONS)
        else:
            response.set_cookie(name, value, **COOKIE_OPTIONS)  # for the browser's session
    return response


# --- CSRF ---------------------------------------------------------------------------------------

def _nonce() -> str:
    nonce = g.get("csrf_nonce") or request.cookies.get(CSRF_COOKIE)
    if not nonce:
        nonce = secrets.token_urlsafe(32)
        g.web_cookies[CSRF_COOKIE] = nonce
    g.csrf_nonce = nonce
    return nonce


def _sign(nonce: str, session_id) -> str:
    message = f"{nonce}|{session_id or 'anonymous'}".encode()
    return hmac.new(_secret().encode(), message, hashlib.sha256).hexdigest()


def csrf_token() -> str:
    return _sign(_nonce(), g.get("session_id"))


def csrf_valid() -> bool:
    nonce = request.cookies.get(CSRF_COOKIE)
    given = request.form.get(CSRF_FIELD, "")
    if not nonce or not given:
        return False
    return hmac.compare_digest(given, _sign(nonce, g.get("session_id")))
