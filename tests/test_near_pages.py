"""Services near a person, on the search page: distances said as Italians read them, nearest
first, a directions link per place, the map's container and its tiles allowed by the page's
policy, bad input refused naming the field, and the position kept nowhere. Broker-free: the
gateway in process, with the directory's own search index on the test database behind it."""
import json
import re
from pathlib import Path

import pytest
from flask import Flask

from gateway.tests.support import make_app
from gateway.web import near
from services.common.errors import Unavailable
from services.common.schemas import load
from services.directory.contract.catalogue import ServiceQuerySchema
from services.directory.tests.test_search import index, store  # noqa: F401

LEAFLET = Path(__file__).resolve().parents[1] / "gateway" / "web" / "static" / "vendor" / "leaflet"
QUARTO_OGGIARO = "45.5143,9.1374"


class Directory:
    """The directory's search, in process, as the gateway's RPC pool answers it."""

    def __init__(self, index):  # noqa: F811
        self.index = index
        self.asked = []

    def call(self, service, method, *args, context_data=None, as_json=False):
        self.asked.append((service, method, args, context_data))
        if (service, method) == ("directory", "search_services"):
            answer = self.index.search(load(ServiceQuerySchema, args[0]))
            return json.dumps(answer).encode() if as_json else answer
        if (service, method) == ("directory", "list_networks"):
            return {"items": []}
        raise Unavailable("not behind this test", "unavailable")


@pytest.fixture
def directory(index):  # noqa: F811
    return Directory(index)


def page(directory, path, **environ):
    client = make_app(rpc=directory, **environ).test_client()
    return client.get(path, base_url="https://localhost")


def cards(html: str) -> list:
    """(name, distance, directions link) of each result, in the page's order."""
    found = []
    for card in html.split('<li class="card service-card"')[1:]:
        name = re.search(r"<h3><a [^>]*>([^<]+)</a>", card).group(1)
        distance = re.search(r'<dd class="distance">([^<]+)</dd>', card)
        route = re.search(r'<p class="directions"><a href="([^"]+)"', card)
        found.append((name, distance and distance.group(1), route and route.group(1)))
    return found


# --- what the page says ---------------------------------------------------------------------

@pytest.mark.parametrize("km, italian, english", [
    (0.0, "meno di 100 m", "less than 100 m"), (0.349, "300 m", "300 m"),
    (0.94, "900 m", "900 m"), (0.96, "1,0 km", "1.0 km"), (1.234, "1,2 km", "1.2 km"),
    (9.96, "10 km", "10 km"), (12.4, "12 km", "12 km"), (1234.6, "1.235 km", "1,235 km"),
])
def test_a_distance_is_said_in_the_page_language(km, italian, english):
    app = Flask(__name__)
    for language, said in (("it", italian), ("en", english)):
        with app.test_request_context(f"/?lang={language}"):
            from flask import g
            g.lang = language
            assert near.distance(km) == said


@pytest.mark.parametrize("args, sent", [
    ({}, {}),
    ({"place": " Gallaratese "}, {"place": "Gallaratese", "radius_km": "3"}),
    ({"near": QUARTO_OGGIARO, "radius_km": "5"}, {"near": QUARTO_OGGIARO, "radius_km": "5"}),
    # a place typed after a position was used: the place is where the person means
    ({"near": QUARTO_OGGIARO, "place": "Villapizzone"}, {"place": "Villapizzone",
                                                         "radius_km": "3"}),
    ({"place": "  ", "radius_km": "5"}, {}),
])
def test_what_the_page_sends_the_directory_for_distances(args, sent):
    assert near.origin_args(args) == sent


@pytest.mark.parametrize("tiles, origin", [
    ("https://tile.openstreetmap.org/{z}/{x}/{y}.png", "https://tile.openstreetmap.org"),
    ("https://{s}.tile.example.org/{z}/{x}/{y}.png", "https://*.tile.example.org"),
    ("", None), ("javascript:alert(1)", None),
])
def test_the_tiles_origin_the_policy_allows(tiles, origin):
    assert near.tiles_origin(tiles) == origin


# --- the page ------------------------------------------------------------------------------------

def test_near_a_zone_the_results_come_nearest_first_with_distance_and_directions(directory):
    answer = page(directory, "/services?place=gallaratese&radius_km=5")
    assert answer.status_code == 200
    html = answer.get_data(as_text=True)
    assert cards(html) == [
        ("Sportello QuBì Gallaratese", "meno di 100 m",
         "https://www.openstreetmap.org/directions?to=45.499500%2C9.112300"),
        ("Sportello QuBì Quarto Oggiaro", "2,6 km",
         "https://www.openstreetmap.org/directions?to=45.514300%2C9.137400"),
        ("Sportello QuBì Villapizzone", "3,1 km",
         "https://www.openstreetmap.org/directions?to=45.502000%2C9.152000"),
    ]
    assert "Distanze dal quartiere Gallaratese (il centro dei suoi servizi), entro 5 km" in html
    # the map: a container the script fills, hidden without it; the list is its text
    assert re.search(r'<div id="results-map" class="results-map" data-results-map hidden '
                     r'role="region" aria-label="Mappa dei servizi trovati"', html)
    assert 'data-tiles="https://tile.openstreetmap.org/{z}/{x}/{y}.png"' in html
    assert '/static/web/vendor/leaflet/leaflet.js' in html and '/static/web/near.js' in html
    assert "<script>" not in html  # the policy allows no inline script
    policy = answer.headers["Content-Security-Policy"]
    assert "script-src 'self';" in policy
    assert "img-src 'self' data: https://tile.openstreetmap.org;" in policy


def test_in_english_the_distances_have_a_decimal_point(directory):
    html = page(directory, "/services?place=Gallaratese&radius_km=5&lang=en").get_data(
        as_text=True)
    assert [distance for _, distance, _ in cards(html)] == ["less than 100 m", "2.6 km", "3.1 km"]


def test_near_the_position_given_and_the_position_kept_nowhere(directory):
    answer = page(directory, f"/services?near={QUARTO_OGGIARO}&radius_km=3&submitted=1")
    html = answer.get_data(as_text=True)
    assert [name for name, _, _ in cards(html)][:1] == ["Sportello QuBì Quarto Oggiaro"]
    assert "Distanze dalla tua posizione" in html
    # sent to the directory as the search's `near`, and nothing else of it anywhere
    searches = [args[0] for _, method, args, _ in directory.asked if method == "search_services"]
    assert searches == [{"near": QUARTO_OGGIARO, "radius_km": "3", "page": 1, "per_page": 20}]
    assert all(QUARTO_OGGIARO not in json.dumps(context) for *_, context in directory.asked)
    assert answer.headers["Cache-Control"] == "no-store"  # nor in a cache on the way
    cookies = answer.headers.getlist("Set-Cookie")
    assert not any("45.5" in cookie or "9.13" in cookie for cookie in cookies)


def test_without_tiles_the_map_has_none_and_the_policy_allows_none(directory):
    answer = page(directory, "/services?place=Gallaratese", MAP_TILES_URL="",
                  DIRECTIONS_URL="geo:{lat},{lon}")
    html = answer.get_data(as_text=True)
    assert 'data-tiles=""' in html and "img-src 'self' data:;" in answer.headers[
        "Content-Security-Policy"]
    assert cards(html)[0][2] == "geo:45.499500,9.112300"


@pytest.mark.parametrize("path, field, words", [
    ("/services?place=Via+Inesistente+12", "place",
     "Non conosciamo un quartiere, un municipio o un luogo di un servizio chiamato «Via "
     "Inesistente 12»"),
    ("/services?place=brera", "place", "Nessun servizio di «Brera» ha ancora una posizione"),
    ("/services?near=somewhere", "place", "Non siamo riusciti a leggere la tua posizione"),
    ("/services?near=95,9.1", "place", "Non siamo riusciti a leggere la tua posizione"),
    ("/services?place=Gallaratese&radius_km=500", "radius_km", ""),
])
def test_bad_places_and_radii_are_a_422_naming_the_field(directory, path, field, words):
    answer = page(directory, path)
    assert answer.status_code == 422
    html = answer.get_data(as_text=True)
    error = re.search(rf'<p class="field-error" id="f-{field}-error">(.*?)</p>', html, re.S)
    assert error, html
    assert words in error.group(1)
    assert 'id="error-summary"' in html and "service-card" not in html


def test_the_service_page_gives_directions_to_its_place(index):  # noqa: F811
    class OneService(Directory):
        def call(self, service, method, *args, **kwargs):
            if method == "get_service":
                found = self.index.search(load(ServiceQuerySchema, {"q": "Villapizzone"}))
                return dict(found["items"][0], actions=[])
            return super().call(service, method, *args, **kwargs)

    answer = page(OneService(index), "/services/any")
    html = answer.get_data(as_text=True)
    assert ('<a class="directions" href="https://www.openstreetmap.org/directions?to='
            '45.502000%2C9.152000" rel="noopener noreferrer">Indicazioni stradali</a>') in html
    # and a map of its one place, the script's and the tiles' allowed by the policy
    assert 'data-place="45.502,9.152" data-name="Sportello Villapizzone"' in html
    assert 'data-results-map hidden role="region" aria-label="Mappa: dove si trova"' in html
    assert '/static/web/vendor/leaflet/leaflet.js' in html and "<script>" not in html
    assert "img-src 'self' data: https://tile.openstreetmap.org;" in answer.headers[
        "Content-Security-Policy"]


def test_leaflet_is_the_pinned_version_with_its_licence():
    assert 't.version="1.9.4"' in (LEAFLET / "leaflet.js").read_text()
    assert "BSD 2-Clause" in (LEAFLET / "LICENSE").read_text()
    assert {p.name for p in (LEAFLET / "images").iterdir()} >= {
        "marker-icon.png", "marker-icon-2x.png", "marker-shadow.png"}
