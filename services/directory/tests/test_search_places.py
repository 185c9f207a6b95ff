"""Searching near a place the person types (a zone, a municipio, an address of a listed service)
or a point they give: nearest first, each with its distance, and the origin the answer says."""
import pytest

from services.common.errors import Invalid
from services.common.schemas import load
from services.directory.contract.catalogue import ServiceQuerySchema
from services.directory.tests.test_search import index, store  # noqa: F401  (fixtures)

GALLARATESE, VILLAPIZZONE, QUARTO_OGGIARO = (f"Sportello QuBì {zone}" for zone in (
    "Gallaratese", "Villapizzone", "Quarto Oggiaro"))


def found(index, **query):  # noqa: F811
    return index.search(load(ServiceQuerySchema, {key: str(value) for key, value in query.items()}))


def nearest(answer) -> list:
    return [(item["name"], round(item["distance_km"], 1)) for item in answer["items"]]


def test_a_zone_typed_in_any_case_is_the_centre_of_its_services_nearest_first(index):  # noqa: F811
    answer = found(index, place="  gallaratese ", radius_km=5)
    assert answer["origin"] == {"latitude": 45.4995, "longitude": 9.1123, "kind": "zone",
                                "label": "Gallaratese"}
    # the desk in the zone, then Quarto Oggiaro's (2.6 km) and Villapizzone's (3.1 km)
    assert nearest(answer) == [(GALLARATESE, 0.0), (QUARTO_OGGIARO, 2.6), (VILLAPIZZONE, 3.1)]
    distances = [item["distance_km"] for item in answer["items"]]
    assert distances == sorted(distances)


def test_the_radius_still_bounds_a_search_near_a_zone(index):  # noqa: F811
    assert nearest(found(index, place="Villapizzone", radius_km=1)) == [(VILLAPIZZONE, 0.0)]


def test_a_municipio_is_the_centre_of_its_services(index):  # noqa: F811
    answer = found(index, place="Municipio 8", radius_km=5)
    assert answer["origin"]["kind"] == "municipio" and answer["origin"]["label"] == "8"
    assert answer["origin"]["latitude"] == pytest.approx((45.5143 + 45.4995 + 45.5020) / 3)
    assert {name for name, _ in nearest(answer)} == {GALLARATESE, VILLAPIZZONE, QUARTO_OGGIARO}
    assert found(index, place="8", radius_km=5)["origin"] == answer["origin"]


def test_an_address_of_a_listed_place_is_that_place(index):  # noqa: F811
    answer = found(index, place="via s. uguzzone", radius_km=2)
    assert answer["origin"] == {"latitude": 45.5176, "longitude": 9.2262, "kind": "address",
                                "label": "Via S. Uguzzone 8"}
    assert nearest(answer) == [("Laboratori creativi per bambini", 0.0)]


def test_a_point_given_is_the_origin_as_it_came(index):  # noqa: F811
    answer = found(index, near="45.5143,9.1374", radius_km=1)
    assert answer["origin"] == {"latitude": 45.5143, "longitude": 9.1374, "kind": "point",
                                "label": None}
    assert nearest(answer) == [(QUARTO_OGGIARO, 0.0)]
    assert "origin" not in found(index, q="sportello")


@pytest.mark.parametrize("place, code, said", [
    ("Via Inesistente 12", "place_unknown", "Via Inesistente 12"),
    ("  ", "place_unknown", "  "), ("\u0301", "place_unknown", "\u0301"),
    # a zone of Municipio 1's network, and the municipio, where no listed service has a position
    ("brera", "place_not_located", "Brera"), ("municipio 1", "place_not_located", "Municipio 1"),
])
def test_a_place_unknown_or_without_a_position_is_refused(index, place, code, said):  # noqa: F811
    with pytest.raises(Invalid) as refused:
        found(index, place=place)
    assert list(refused.value.errors) == ["place"]
    assert refused.value.codes["place"][0][0] == code
    assert said in refused.value.errors["place"][0]


@pytest.mark.parametrize("query, field, code", [
    ({"near": "45.5,9.1", "place": "Gallaratese"}, "place", "near_and_place"),
    ({"near": "Gallaratese"}, "near", "near_form"),
    ({"near": "95,9.1"}, "near", "near_range"),
    ({"place": ""}, "place", "length_between"),
    ({"place": "Gallaratese", "radius_km": "100"}, "radius_km", None),
])
def test_bad_near_arguments_are_refused_naming_the_field(query, field, code):
    with pytest.raises(Invalid) as refused:
        load(ServiceQuerySchema, query)
    assert list(refused.value.errors) == [field]
    if code:
        assert refused.value.codes[field][0][0] == code
