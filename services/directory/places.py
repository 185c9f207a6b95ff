"""Where a search measures distances from, when the person types a place instead of giving a
point: a zone (quartiere) or a municipio, or the address or the name of a listed service's
place. Resolved against the directory's own data only: no request leaves the platform, and no
address is guessed (a street no service is in is "unknown", and the person may choose a
zone or use the position of the device).

A zone's point, and a municipio's, is the centre of the listed services' places in it that
have a position (their mean): what the directory knows of where that zone's help is.
"""
import re

from services.common import checks
from services.common.errors import Invalid
from services.directory.text import fold, terms

MUNICIPIO = re.compile(r"^(?:municipio|mun\.?|m)?\s*([1-9])$")


def unknown(place: str) -> Invalid:
    return Invalid({"place": [checks.reason(
        "place_unknown", "No zone, municipio or place of a listed service is called {place}: "
        "choose a zone or give your position.", place=place)]})


def origin(filing, zones: dict, place: str) -> dict:
    """{latitude, longitude, kind: zone | municipio | address, label} of what `place` names;
    `zones` are the networks' zones ({folded name: name}). Invalid when nothing known is
    called so, or what it names has no position."""
    text = fold(place)
    if not text:  # spaces, or marks alone
        raise unknown(place)
    municipio = MUNICIPIO.match(text)
    if municipio:
        number = int(municipio.group(1))
        return _centre(filing, filing.filed["municipio"].get(number, ()), "municipio",
                       str(number), f"Municipio {number}")
    if text in filing.filed["zone"] or text in zones:
        zone = zones.get(text, place.strip())
        return _centre(filing, filing.filed["zone"].get(text, ()), "zone", zone, zone)
    words = terms(text)
    for entry in filing.sequence:  # in name order: the first listed place that is called so
        if entry.point is not None and entry.address and all(w in entry.address for w in words):
            return {"latitude": entry.point[0], "longitude": entry.point[1], "kind": "address",
                    "label": entry.place_label}
    raise unknown(place)


def _centre(filing, positions, kind: str, label: str, named: str) -> dict:
    points = [filing.at[p].point for p in positions if filing.at[p].point is not None]
    if not points:
        raise Invalid({"place": [checks.reason(
            "place_not_located", "No listed service in {place} has a position yet: choose "
            "another zone or give your position.", place=named)]})
    return {"latitude": round(sum(p[0] for p in points) / len(points), 6),
            "longitude": round(sum(p[1] for p in points) / len(points), 6),
            "kind": kind, "label": label}
