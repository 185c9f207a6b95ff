"""Services near a person: what the search page sends the directory to measure distances from,
and how distances, directions and the map are shown.

Where the person is comes with the request only: the device's position (asked by the browser,
rounded by the page's script to about 100 m) as `near`, or a place typed as `place`. Neither
is kept: not in the session or any cookie, not in the logs (the access line names the route,
never the query), and the directions link leaves this site without a referrer that holds it.
"""
from urllib.parse import urlencode, urlsplit

from babel.numbers import format_decimal
from flask import current_app, url_for

from gateway.web.i18n import gettext, lang

RADII_KM = (1, 2, 3, 5, 10)  # what the page offers; the directory takes any from 0.1 to 50
DEFAULT_RADIUS_KM = 3
ORIGIN_ARGS = ("near", "place", "radius_km", "page")


def page_context(args) -> dict:
    """What the search page draws distances, directions and the map with."""
    settings = current_app.config["QUBI_SETTINGS"]
    kept = {key: value for key, value in args.items() if key not in ORIGIN_ARGS and value}
    return {"radii": RADII_KM, "distance": distance, "directions_url": directions_url,
            "map_tiles_url": settings.map_tiles_url, "map_attribution": settings.map_attribution,
            "without_origin": f"{url_for('web.services')}?{urlencode(kept)}"}


def origin_args(args) -> dict:
    """The search's arguments for where distances are measured from: a place typed wins over a
    position given earlier (the page's own links keep `near` while the person changes other
    filters; typing a place means "from there" instead). The directory checks both."""
    place, near = (args.get(name, "").strip() for name in ("place", "near"))
    found = {"place": place} if place else {"near": near} if near else {}
    if found:
        found["radius_km"] = args.get("radius_km", "").strip() or str(DEFAULT_RADIUS_KM)
    return found


def field_errors(errors: dict) -> dict:
    """The directory's reasons, on the fields the person sees: a position that could not be
    read (it comes from the script, not from a field) is said on the place's field."""
    if "near" in errors:
        errors.pop("near")
        errors.setdefault("place", []).append(gettext(
            "Non siamo riusciti a leggere la tua posizione: riprova, oppure scrivi un quartiere "
            "o un indirizzo."))
    return errors


def distance(km) -> str:
    """A distance as people say it in the page's language: "meno di 100 m", "400 m", "1,2 km",
    "12 km"."""
    if km is None:
        return ""
    if km < 0.1:
        return gettext("meno di 100 m")
    if km < 0.95:  # to the nearest 100 m, as precise as the position sent
        return f"{round(km * 10) * 100} m"
    if km < 9.95:
        return f"{format_decimal(round(km, 1), format='0.0', locale=lang())} km"
    return f"{format_decimal(round(km), format='#,##0', locale=lang())} km"


def directions_url(location) -> str | None:
    """The configured directions link to a place with a position (DIRECTIONS_URL), or None."""
    if not location or location.get("latitude") is None or location.get("longitude") is None:
        return None
    template = current_app.config["QUBI_SETTINGS"].directions_url
    return template.replace("{lat}", f"{location['latitude']:.6f}").replace(
        "{lon}", f"{location['longitude']:.6f}") if template else None


def tiles_origin(tiles_url: str) -> str | None:
    """What the Content-Security-Policy lets images come from for the map's tiles: the tile
    URL's origin (a `{s}.` subdomain template as `*.`); None when there are no tiles."""
    if not tiles_url:
        return None
    parts = urlsplit(tiles_url.replace("{s}.", "SUBDOMAIN."))
    if parts.scheme not in ("https", "http") or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc.replace('SUBDOMAIN.', '*.')}"


def page_headers(query: dict, policy: str) -> dict:
    """The search page's Content-Security-Policy, with the map's tiles allowed as images; and,
    when the page answers a position or a place typed, that no cache (the browser's, a proxy's)
    keeps it."""
    origin = tiles_origin(current_app.config["QUBI_SETTINGS"].map_tiles_url)
    headers = {"Content-Security-Policy": policy if origin is None else policy.replace(
        "img-src 'self' data:", f"img-src 'self' data: {origin}")}
    if "near" in query or "place" in query:  # a position, or a place that may be a home
        headers["Cache-Control"] = "no-store"
    return headers
