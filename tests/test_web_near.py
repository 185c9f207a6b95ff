"""A family finds the desks near a zone, or near where its phone is, in a real browser over the
whole platform: nearest first with the distance said, a directions link per place, the map
drawn by Leaflet; and the position it gave is kept nowhere (no cookie, no log line). The API
answers the same search with where it measured from."""
import re

from tests.browser import PHONE
from tests.test_web_pages import broker, needs_chromium, people  # noqa: F401

LAPTOP = (1366, 900)
# the phone is by the Quarto Oggiaro desk (45.5143, 9.1374): where it says it is, to 1 m
WHERE_THE_PHONE_IS = {"latitude": 45.514312, "longitude": 9.137391, "accuracy": 20}


def kilometres(said: str) -> float:
    """A distance as the page says it in Italian, in km ("meno di 100 m", "400 m", "2,6 km")."""
    if said.startswith("meno di"):
        return 0.0
    number, unit = said.rsplit(" ", 1)
    value = float(number.replace(".", "").replace(",", "."))
    return value / 1000 if unit == "m" else value


def results(browser) -> list:
    """(name, distance said, directions link) of each result, in the page's order."""
    return browser.driver.execute_script("""
        return [...document.querySelectorAll('.service-card')].map((card) => [
            card.querySelector('h3 a').innerText.trim(),
            (card.querySelector('.distance') || {}).innerText || null,
            (card.querySelector('.directions a') || {}).href || null]);""")


def map_drawn(browser) -> int:
    """How many places the map marks, once Leaflet has drawn it (0 until then)."""
    return browser.driver.execute_script("""
        const map = document.getElementById('results-map');
        if (!map || map.hidden || !map.classList.contains('leaflet-container')) { return 0; }
        return map.querySelectorAll('.leaflet-marker-icon').length;""")


@broker
@needs_chromium
def test_a_family_finds_the_desks_nearest_to_a_zone_with_directions_and_a_map(people):  # noqa: F811
    family = people("family near").open("/services")
    family.fill("Indirizzo o quartiere", "Gallaratese")
    family.choose("Distanza massima", "entro 5 km")
    family.submit("Cerca")
    assert "Distanze dal quartiere Gallaratese" in family.text, family.text

    found = results(family)
    desks = [row for row in found if row[0].startswith("Sportello QuBì")]
    assert [name for name, *_ in desks] == [
        "Sportello QuBì Gallaratese", "Sportello QuBì Quarto Oggiaro",
        "Sportello QuBì Villapizzone"]
    assert [said for _, said, _ in desks] == ["meno di 100 m", "2,6 km", "3,1 km"]
    distances = [kilometres(said) for _, said, _ in found]
    assert distances == sorted(distances)  # every result, nearest first
    assert all(link and link.startswith("https://www.openstreetmap.org/directions?to=")
               for *_, link in desks)
    assert re.search(r"to=45\.499500%2C9\.112300$", desks[0][2])

    # the map: Leaflet draws a marker for each place of the list
    placed = len(family.driver.find_elements("css selector", ".service-card[data-place]"))
    assert placed >= 3
    family.wait_for(lambda: map_drawn(family) == placed, "a marker for each place")
    assert family.find("#results-map").get_attribute("aria-label") == "Mappa dei servizi trovati"

    for width, height in (PHONE, LAPTOP):  # nothing wider than the screen
        family.viewport(width, height)
        assert family.driver.execute_script(
            "return document.documentElement.scrollWidth") <= width
        assert family.find("#results-map").size["width"] <= width
    family.screenshot("services-near-zone", sizes=(PHONE, LAPTOP))

    # the desk's own page: its directions, and a map of its place
    family.follow("Sportello QuBì Gallaratese")
    assert ("Indicazioni stradali", desks[0][2]) in family.links("a.directions")
    family.wait_for(lambda: map_drawn(family) == 1, "the desk's marker")
    family.screenshot("service-map", sizes=(PHONE, LAPTOP))


@broker
@needs_chromium
def test_a_family_uses_its_position_and_it_is_kept_nowhere(platform, people):  # noqa: F811
    family = people("family on the move").open("/services")
    family.viewport(*PHONE)
    origin = platform.url.rstrip("/")
    family.driver.execute_cdp_cmd("Browser.grantPermissions", {
        "origin": origin, "permissions": ["geolocation"]})
    family.driver.execute_cdp_cmd("Emulation.setGeolocationOverride", WHERE_THE_PHONE_IS)

    family.submit("Usa la mia posizione")
    assert "Distanze dalla tua posizione" in family.text, family.text
    assert "near=45.514%2C9.137" in family.path  # rounded to about 100 m before it left
    first = results(family)[0]
    assert first[0] == "Sportello QuBì Quarto Oggiaro" and first[1] == "meno di 100 m"
    assert family.wait_for(lambda: map_drawn(family), "the map's markers")
    family.screenshot("services-near-me", sizes=(PHONE, LAPTOP))

    # kept nowhere: no cookie of the site holds it, no line of any process's log names it
    cookies = family.driver.get_cookies()
    assert not [c["name"] for c in cookies if "45.51" in c["value"] or "9.13" in c["value"]]
    logs = {path.name: path.read_text(errors="replace")
            for path in platform.log_dir.glob("*.log")}
    assert logs, "the platform's processes write their logs in its log_dir"
    position = re.compile(r"45\.514\d*(%2C|\W{1,6})9\.137")  # as a query or JSON writes it
    assert not [name for name, text in logs.items() if position.search(text)]



@broker
def test_the_api_searches_near_a_place_and_names_a_bad_one(platform):
    import requests

    found = requests.get(f"{platform.url}/api/v1/services",
                         params={"place": "Gallaratese", "radius_km": 5}, timeout=10)
    assert found.status_code == 200, found.text
    assert found.json()["origin"] == {"latitude": 45.4995, "longitude": 9.1123, "kind": "zone",
                                      "label": "Gallaratese"}
    distances = [item["distance_km"] for item in found.json()["items"]]
    assert distances == sorted(distances) and len(distances) >= 3
    for params, field in (({"place": "Via Inesistente"}, "place"),
                          ({"place": "Gallaratese", "near": "45.5,9.1"}, "place"),
                          ({"near": "45.5"}, "near"),
                          ({"place": "8", "radius_km": 0}, "radius_km")):
        refused = requests.get(f"{platform.url}/api/v1/services", params=params, timeout=10)
        assert refused.status_code == 422, (params, refused.text)
        assert refused.headers["Content-Type"].startswith("application/problem+json")
        assert list(refused.json()["errors"]) == [field], params
