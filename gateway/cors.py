"""Cross-origin reads of what anyone may read without logging in: the HSDS API and the other
public GETs of /api/v1 answer with `Access-Control-Allow-Origin: *`, and their preflight is
answered for GET and HEAD. Never with credentials, and nothing for any other endpoint or method:
a page elsewhere cannot read what a login or a write answers.

Not Flask-Cors: it decides by path, and a path such as /api/v1/services is read by anyone but
written only with a login (a form's simple POST needs no preflight, so its answer must not be
readable)."""
from flask import current_app, request
from werkzeug.exceptions import HTTPException

PUBLIC_READS = frozenset({
    "networks.list_networks", "governance.governance_bodies",
    "organizations.list_organizations", "organizations.get_organization",
    "services.search_services", "services.get_service", "events.list_events",
    "calendars.municipio_calendar", "calendars.organization_calendar",
    "drives.list_drives", "drives.get_drive",
})
PUBLIC_BLUEPRINTS = frozenset({"hsds"})
READS = frozenset({"GET", "HEAD"})
PREFLIGHT = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, HEAD",
    "Access-Control-Allow-Headers": "X-Request-ID",
    "Access-Control-Max-Age": "7200",
}
ANSWER = {"Access-Control-Allow-Origin": "*",
          "Access-Control-Expose-Headers": "X-Request-ID, Retry-After"}


def is_public_read(endpoint: str | None) -> bool:
    return bool(endpoint) and (endpoint in PUBLIC_READS
                               or endpoint.split(".")[0] in PUBLIC_BLUEPRINTS)


def init_app(app):
    @app.after_request
    def allow_public_reads(response):
        if request.method in READS and is_public_read(request.endpoint):
            response.headers.update(ANSWER)
        elif request.method == "OPTIONS" and _preflight_of_a_public_read():
            response.headers.update(PREFLIGHT)
        return response


def _preflight_of_a_public_read() -> bool:
    """A browser asking before a GET or HEAD of a public read's path (the OPTIONS itself may
    have matched another method's route of the path)."""
    wanted = request.headers.get("Access-Control-Request-Method", "").upper()
    if wanted not in READS:
        return False
    try:
        endpoint, _ = current_app.url_map.bind_to_environ(request.environ).match(method="GET")
    except HTTPException:  # no GET there, or a redirect
        return False
    return is_public_read(endpoint)
