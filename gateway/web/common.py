"""What every page module uses: the RPC call with the web caller's context (the API's own
`call`), access checks that send people to the login form, and small lookups."""
from urllib.parse import urlencode, urlsplit

from flask import abort, g, redirect, render_template, request, url_for

from gateway import abilities
from gateway.api.common import call
from services.common.errors import DomainError, NotFound, Unavailable

__all__ = ["call"]  # re-exported: the pages call the services exactly as the API does


class LoginRequired(Exception):
    """Raised by a page that needs a login; answered with a redirect to the login form."""


def render(template: str, status: int = 200, **context):
    return render_template(f"web/{template}", **context), status


def require_login():
    if not g.caller.authenticated:
        if g.get("session_unverified"):
            raise Unavailable("The directory cannot check the login session right now.",
                              "session_unchecked")
        raise LoginRequired()
    return g.caller


def require_ability(ability: str):
    """The logged-in caller, when its roles grant `ability` (gateway/abilities.py); else 403."""
    caller = require_login()
    if ability not in abilities.of(caller):
        abort(403)
    return caller


def login_redirect():
    target = request.full_path if request.method == "GET" else request.path
    target = target[:-1] if target.endswith("?") else target
    return redirect(url_for("web.login", next=target))


def safe_next(target, default="/"):
    """Only a path of this site: never another host (no open redirect). Every redirect target
    taken from input goes through here. Browsers drop tabs and newlines from a Location and
    read a backslash as a slash (`/<tab>/evil.example` goes to //evil.example), so a target with
    any control character, space or backslash is refused rather than cleaned."""
    if not target or any(ch.isspace() or not ch.isprintable() or ch == "\\" for ch in target):
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return default
    return target


def try_call(service, method, *args, default=None):
    """For the parts of a page that may be left out when a service is down."""
    try:
        return call(service, method, *args)
    except DomainError:
        return default


def organization(organization_id):
    """An organisation by id, asked once per request; None when unknown."""
    if not organization_id:
        return None
    cache = g.setdefault("organizations", {})
    if organization_id not in cache:
        try:
            cache[organization_id] = call("directory", "get_organization", organization_id)
        except NotFound:
            cache[organization_id] = None
    return cache[organization_id]


def organization_name(organization_id) -> str:
    found = organization(organization_id)
    return found["name"] if found else ""


def networks() -> list:
    """The 9 networks with their zones, once per request."""
    if "networks" not in g:
        g.networks = try_call("directory", "list_networks", default={"items": []})["items"]
    return g.networks


def all_zones() -> list:
    return sorted({zone for network in networks() for zone in network["zones"]})


def page_args(per_page=20) -> dict:
    try:
        page = max(1, int(request.args.get("page", 1)))
    except ValueError:
        page = 1
    return {"page": page, "per_page": per_page}


def pages_of(answer: dict) -> dict:
    """Previous and next links of a paged answer, keeping the other query arguments."""
    page, per_page, total = answer["page"], answer["per_page"], answer["total"]
    last = max(1, -(-total // per_page))
    args = {key: value for key, value in request.args.items() if key != "page" and value}

    def link(number):
        return f"{request.path}?{urlencode({**args, 'page': number})}"

    return {"page": page, "last": last, "total": total,
            "previous": link(page - 1) if page > 1 else None,
            "next": link(page + 1) if page < last else None}
