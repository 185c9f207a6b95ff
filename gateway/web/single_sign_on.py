"""Single sign-on for city staff: OpenID Connect's authorization code flow with PKCE (S256),
through Authlib's Flask client, with the provider of OIDC_ISSUER (its discovery document at
`<issuer>/.well-known/openid-configuration`, read at the first login).

`/auth/oidc/login` sends the browser to the provider with a new state, nonce and code verifier,
which Authlib keeps in Flask's signed session cookie (`qubi_sso`) until the provider sends the
browser back to `/auth/oidc/callback`. There Authlib checks the state, redeems the code with the
verifier and checks the ID token: its signature with the provider's keys, its audience, its
nonce, and its issuer, which must be exactly OIDC_ISSUER (Authlib alone would take whichever
issuer the discovery document names). The directory decides which account the person opens
(`single_sign_on`) and the session's cookies are set as for a password login. Without
OIDC_ISSUER the login page has no button and both routes are 404.
"""
import hashlib
import hmac
import logging

import requests
from authlib.integrations.flask_client import OAuth, OAuthError
from flask import abort, current_app, redirect, request
from flask import session as login_under_way
from joserfc.errors import JoseError

from gateway.web import bp, session
from gateway.web.account import after_login
from gateway.web.common import render, safe_next
from gateway.web.forms import Form
from gateway.web.i18n import gettext as _
from services.common.errors import NotAuthenticated, Unavailable

log = logging.getLogger(__name__)
CLIENT = "single_sign_on"
NEXT = "next"  # the page to land on, kept with Authlib's state


@bp.record_once
def _register_client(setup):
    app = setup.app
    settings = app.config["QUBI_SETTINGS"]
    if not settings.oidc_issuer:
        return
    app.config.update(  # Flask's session cookie holds a login under way, nothing else
        SECRET_KEY=hmac.new(settings.secret_key.encode(), b"single sign-on",
                            hashlib.sha256).hexdigest(),
        SESSION_COOKIE_NAME="qubi_sso", SESSION_COOKIE_SECURE=True,
        SESSION_COOKIE_SAMESITE="Lax")
    app.extensions[CLIENT] = OAuth(app).register(
        "city", client_id=settings.oidc_client_id, client_secret=settings.oidc_client_secret,
        server_metadata_url=f"{settings.oidc_issuer}/.well-known/openid-configuration",
        client_kwargs={"scope": "openid email", "code_challenge_method": "S256"})


@bp.context_processor
def _login_button():
    return {"single_sign_on": CLIENT in current_app.extensions}


def _client():
    client = current_app.extensions.get(CLIENT)
    if client is None:
        abort(404)
    return client


@bp.route("/auth/oidc/login")
def oidc_login():
    client = _client()
    login_under_way[NEXT] = safe_next(request.args.get("next"), "")
    settings = current_app.config["QUBI_SETTINGS"]
    try:
        return client.authorize_redirect(f"{settings.public_url}/auth/oidc/callback")
    except requests.RequestException as error:
        raise Unavailable("The identity provider does not answer.",
                          "identity_provider_silent") from error


@bp.route("/auth/oidc/callback")
def oidc_callback():
    client = _client()
    settings = current_app.config["QUBI_SETTINGS"]
    target = login_under_way.pop(NEXT, "")
    try:
        token = client.authorize_access_token(claims_options={
            "iss": {"essential": True, "value": settings.oidc_issuer},
            "aud": {"essential": True, "value": settings.oidc_client_id}})
        claims = _claims(client, token)
    except (OAuthError, JoseError) as error:
        log.warning("single sign-on refused: %s", error)
        return _refused(_("L'accesso con l'identità del Comune non è riuscito: riprova "
                          "dall'inizio."))
    except requests.RequestException as error:
        raise Unavailable("The identity provider does not answer.",
                          "identity_provider_silent") from error
    try:
        grant = session.log_in_by_single_sign_on({
            "issuer": settings.oidc_issuer, "subject": claims["sub"],
            "email": claims.get("email"),
            "email_verified": claims.get("email_verified") in (True, "true"),
            "roles": _roles(claims, settings.oidc_roles_claim),
            "second_factor": "mfa" in (claims.get("amr") or ())})
    except NotAuthenticated:
        return _refused(_("La tua identità del Comune non apre nessun account di Rete QuBì: "
                          "serve un account attivo, o un invito, per il tuo indirizzo email "
                          "verificato dal Comune. Chiedi a chi gestisce gli accessi."))
    return redirect(after_login(grant, target), 303)


def _claims(client, token) -> dict:
    """The ID token's claims (Authlib puts them in `userinfo` once it has checked the token),
    with those of the userinfo endpoint when the token names no address: a provider may keep
    the claims asked by scope there (OpenID Connect Core 5.4)."""
    claims = token.get("userinfo")
    if claims is None:
        raise OAuthError(description="The token answer has no ID token.")
    if "email" in claims:
        return dict(claims)
    more = client.userinfo(token=token)
    if more.get("sub") != claims["sub"]:
        raise OAuthError(description="The userinfo endpoint speaks of another subject.")
    return {**more, **claims}


def _roles(claims: dict, name: str):
    """The values of the roles claim when one is set (None otherwise): the directory keeps
    the known roles among them."""
    if not name:
        return None
    value = claims.get(name)
    if isinstance(value, str):
        return [value]
    return [str(item) for item in value] if isinstance(value, list) else []


def _refused(message: str):
    return render("login.html", 401, form=Form(), target="", single_sign_on_refused=message)
