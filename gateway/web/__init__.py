"""The web pages: the platform for people, Italian first, server-rendered.

One blueprint, `bp`, registered by the app factory (`app.register_blueprint(gateway.web.bp)`).
Its pages call the same RPCs as the API, with the caller taken from the web session's cookie
(session.py), and render Jinja templates with a little vanilla JavaScript. The API under
/api/v1 is untouched: it still reads only the Authorization header.
"""
import logging
from urllib.parse import parse_qsl, urlencode, urlsplit

from flask import Blueprint, current_app, g, redirect, request, url_for
from nameko.exceptions import RemoteError
from werkzeug.exceptions import HTTPException

from gateway import abilities
from gateway.web import catalogues, charts, i18n, session
from gateway.web.common import LoginRequired, login_redirect, render, safe_next
from gateway.web.forms import field_id
from services.common.errors import DomainError, NotAuthenticated

log = logging.getLogger(__name__)

bp = Blueprint("web", __name__, template_folder="templates", static_folder="static",
               static_url_path="/static/web")
bp.record_once(lambda state: catalogues.init_app(state.app, i18n.lang))

# pages that carry a one-time link's token or a password on its way (the login's code step)
SECRET_PAGES = {"web.login", "web.accept_invitation", "web.password_reset_confirm",
                "web.confirm_registration", "web.cancel_registration", "web.registration_pass",
                "web.family_card"}
CONTENT_SECURITY_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self'; "
                           "img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; "
                           "base-uri 'self'; object-src 'none'")


@bp.before_request
def open_page():
    if request.endpoint == "web.static":
        return None
    i18n.choose_language()
    session.identify()
    current_app.extensions["limits"].check_request(g.caller)
    if request.method == "POST" and not session.csrf_valid():
        return render("error.html", 400, title=i18n.gettext("Il modulo è scaduto"),
                      message=i18n.gettext("Per sicurezza il modulo va inviato dalla pagina "
                                           "appena aperta. Torna indietro, ricarica la pagina "
                                           "e riprova."))
    return None


@bp.after_request
def close_page(response):
    if request.endpoint == "web.static":
        response.headers.setdefault("Cache-Control", "public, max-age=3600")
        return response
    i18n.remember_language(response)
    session.store_cookies(response)
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("X-Frame-Options", "DENY")
    if (g.get("caller") is not None and g.caller.authenticated) or request.method == "POST" \
            or request.endpoint in SECRET_PAGES:
        headers["Cache-Control"] = "no-store"  # what only this person may see, or a secret
    headers.add("Vary", "Cookie")
    return response


@bp.errorhandler(LoginRequired)
def login_required(_error):
    return login_redirect()


@bp.errorhandler(DomainError)
def domain_error(error):
    if isinstance(error, NotAuthenticated):
        return login_redirect()
    status = error.status
    messages = {
        403: (i18n.gettext("Non hai accesso a questa pagina"), i18n.gettext(
            "Il tuo ruolo non permette di vedere o fare questo.")),
        404: (i18n.gettext("Pagina non trovata"), i18n.gettext(
            "Ciò che cerchi non esiste, oppure non è visibile con il tuo accesso.")),
        409: (i18n.gettext("Operazione non possibile"), i18n.said(error)),
        429: (i18n.gettext("Troppi tentativi"), i18n.gettext(
            "Hai fatto troppe richieste in poco tempo: aspetta un minuto e riprova.")),
        503: (i18n.gettext("Servizio momentaneamente non disponibile"), i18n.gettext(
            "Una parte della piattaforma non risponde. Riprova tra qualche istante.")),
    }
    title, message = messages.get(status, (i18n.gettext("Qualcosa non va"), i18n.said(error)))
    page, code = render("error.html", status, title=title, message=message)
    headers = {}
    if status == 503:
        headers["Retry-After"] = "5"
    if status == 429:
        headers["Retry-After"] = str(getattr(error, "retry_after", 60))
    return page, code, headers


@bp.errorhandler(HTTPException)
def http_error(error):
    if g.get("caller") is None:  # raised before the page opened (a broken form post)
        i18n.choose_language()
        session.identify()
    titles = {403: i18n.gettext("Non hai accesso a questa pagina"),
              404: i18n.gettext("Pagina non trovata"),
              405: i18n.gettext("Operazione non permessa"),
              413: i18n.gettext("Invio troppo grande"),
              500: i18n.gettext("Qualcosa è andato storto")}
    messages = {413: i18n.gettext("Ciò che hai inviato è troppo grande per questa pagina: "
                                  "riduci il testo o il file e riprova.")}
    return render("error.html", error.code or 500, title=titles.get(
        error.code, i18n.gettext("Richiesta non valida")), message=messages.get(error.code, ""))


@bp.errorhandler(RemoteError)
def service_crashed(error):
    log.error("a service failed under a page: %s", error.exc_type)
    return render("error.html", 500, title=i18n.gettext("Qualcosa è andato storto"),
                  message=i18n.gettext("Un errore dalla nostra parte: riprova più tardi."))


def _switch_language_url(target: str) -> str:
    """This page in the other language. A page answering a form (POST) switches on the page
    the form was on, since the form's own address may only take a POST."""
    path, args = request.path, request.args.to_dict()
    if request.method != "GET":
        referrer = urlsplit(request.referrer or "")
        same_site = referrer.netloc == request.host
        path = safe_next(referrer.path, url_for("web.home")) if same_site else url_for("web.home")
        args = dict(parse_qsl(referrer.query)) if same_site else {}
    args.pop("lang", None)
    args.pop("done", None)
    args["lang"] = target
    return f"{path}?{urlencode(args)}"


def _unread_count():
    """The header's badge: unread notifications, asked once per page; None when unknown."""
    if "unread_count" not in g:
        g.unread_count = None
        caller = g.get("caller")
        if caller is not None and caller.authenticated:
            try:
                from gateway.web.common import call
                g.unread_count = call("notifications", "list_notifications",
                                      {"unread": "true", "per_page": 1}).get("unread")
            except DomainError:
                g.unread_count = None
    return g.unread_count


@bp.app_template_filter("tel")
def tel(number) -> str:
    """A phone number for a tel: link: digits, and its leading + if any."""
    text = str(number or "").strip()
    digits = "".join(ch for ch in text if ch.isdigit())
    return ("+" + digits) if text.startswith("+") else digits


@bp.app_template_filter("fid")
def fid(name) -> str:
    return field_id(name)


@bp.app_template_filter("sentence")
def sentence(text) -> str:
    """Its first letter a capital, the rest as it is (Jinja's `capitalize` lowers the rest:
    "Wednesday, december 22")."""
    text = str(text or "")
    return text[:1].upper() + text[1:]


DONE = {
    "logged_out": "Sei uscito dalla piattaforma.",
    "sent": "Invio spedito: chi lo riceve ne è stato avvisato.",
    "accepted": "Invio accettato: ora vedi i dati della famiglia.",
    "declined": "Invio declinato: chi l'ha fatto ne è stato avvisato.",
    "completed": "Invio concluso con il suo esito.",
    "withdrawn": "Invio ritirato.",
    "consent_withdrawn": "Revoca del consenso registrata: chi riceve non vede più i dati.",
    "held": "Famiglia messa in lista d'attesa: chi ha inviato sa fino a quando.",
    "started": "Primo contatto registrato.",
    "forward_proposed": "Inoltro proposto: ora lo approva chi ha inviato o l'assistente sociale.",
    "forward_agreed": "Inoltro approvato: questo è il nuovo invio, spedito al nuovo ente.",
    "forward_refused": "Inoltro rifiutato: la famiglia resta all'ente che l'ha ricevuta.",
    "card_sent": "Scheda inviata per SMS al telefono che la famiglia ha dato.",
    "saved": "Modifiche salvate.",
    "webhook_deleted": "Webhook eliminato: non riceve più eventi.",
    "event_saved": "Modifiche salvate: chi si è iscritto viene avvisato di ciò che cambia.",
    "attended": "Presenza segnata.",
    "not_attended": "Segnata come assente.",
    "registration_confirmed": "Iscrizione confermata.",
    "message_sent": "Messaggio inviato a ogni iscrizione.",
    "created": "Creato. Controlla che sia tutto giusto.",
    "published": "Evento pubblicato: ora è nel calendario.",
    "cancelled": "Evento annullato: chi si era iscritto viene avvisato.",
    "pledged": "Grazie! Il tuo impegno è registrato: porta quanto promesso a un punto di raccolta.",
    "pledge_cancelled": "Promessa annullata: quanto prometteva torna tra ciò che serve.",
    "invitation_accepted": "Invito accettato: ora organizzate anche voi questo evento.",
    "invitation_declined": "Invito rifiutato: la vostra organizzazione non è tra chi lo organizza.",
    "delivered": "Consegna registrata.",
    "drive_created": "Raccolta aperta: da ora chiunque può promettere un dono.",
    "drive_closed": "Raccolta chiusa: non si accettano più promesse; le consegne sì.",
    "invited": "Invito spedito: la persona riceve un'email con il suo link.",
    "invitation_revoked": "Invito revocato: il suo link non vale più.",
    "access_changed": "Ruolo cambiato: le sue sessioni sono state chiuse.",
    "deactivated": "Accesso disattivato: tutte le sue sessioni sono chiuse.",
    "reactivated": "Accesso riattivato.",
    "two_factor_reset": "Verifica in due passaggi azzerata: la attiverà al prossimo accesso.",
    "password_changed": "Password cambiata: le altre sessioni sono chiuse.",
    "password_reset": "Password cambiata: accedi con quella nuova.",
}


def done_message(done):
    """The message of a finished action (?done=...), from a fixed list: never text from the URL."""
    return i18n.gettext(DONE[done]) if done in DONE else None


@bp.context_processor
def page_context():
    if request.blueprint != "web":
        return {}
    return {
        "_": i18n.gettext, "ngettext": i18n.ngettext, "code": i18n.code, "codes": i18n.codes,
        "lang": i18n.lang(), "caller": g.get("caller"), "csrf_token": session.csrf_token,
        "may": abilities.of(g.caller) if g.get("caller") else frozenset(),
        "csrf_field": session.CSRF_FIELD, "unread_count": _unread_count,
        "switch_language_url": _switch_language_url, "weekday": i18n.weekday,
        "hours": i18n.hours, "day_words": i18n.day_words, "moment_words": i18n.moment_words,
        "span_words": i18n.span_words, "short_date": i18n.short_date,
        "month_words": i18n.month_words, "number": i18n.number, "charts": charts,
        "done_message": done_message,
        # absolute links (calendar feeds) from the configured address, never the Host header
        "public_root": current_app.config["QUBI_SETTINGS"].public_url,
    }


@bp.route("/favicon.ico")
def favicon():
    return redirect(url_for("web.static", filename="favicon.svg"))


from gateway.web import (account, capacity, credentials, drives_manage,  # noqa: E402,F401
                         family_word, funds, governance, governance_minutes,  # (routes)
                         governance_records, handover_steps, manage, network, organisers,
                         people, public, radar, referrals, registrants, single_sign_on,
                         webhooks)
