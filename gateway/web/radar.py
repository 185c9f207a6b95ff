"""For the coordination's meeting: the unmet-needs radar over a period, each month's totals and
its counts by need and zone, and its CSV file (as GET /api/v1/reports/unmet-needs answers
them). The referrals service decides who sees which municipio: a coordinator or a social
worker its own, the city every one and the city's totals."""
from collections import defaultdict

from flask import g, request

from gateway.api.sheets import csv_answer, language
from gateway.api.unmet_needs_sheet import KINDS, unmet_needs_csv
from gateway.web import bp
from gateway.web.common import call, render, require_login
from gateway.web.forms import Form
from gateway.web.i18n import code, lang, reasons_said
from gateway.web.public import municipio_arg
from services.common.errors import Invalid

FILE_NAME = "rete-qubi-bisogni-non-coperti"


def _query() -> dict:
    """What the page asks the service: the municipio chosen and the days given, if any."""
    query = {name: request.args[name] for name in ("from", "to") if request.args.get(name)}
    municipio = municipio_arg()
    return {**query, "municipio": municipio} if municipio else query


def _months(radar: dict) -> list:
    """[(month, its totals, its rows by need and zone)], the latest month first."""
    totals, rows = defaultdict(list), defaultdict(list)
    for total in radar["totals"]:
        totals[total["month"]].append(total)
    for row in radar["items"]:
        rows[row["month"]].append(row)
    return [(month, sorted(totals[month], key=lambda total: total["municipio"] or 10),
             rows[month]) for month in sorted(totals, reverse=True)]


@bp.route("/reports/unmet-needs")
def unmet_needs():
    caller = require_login()
    query = _query()
    choices = list(range(1, 10)) if caller.tier == "city" else sorted(caller.municipi)
    kinds = [(kind, english if lang() == "en" else italian) for kind, italian, english in KINDS]
    try:
        radar = call("referrals", "unmet_needs", query)
    except Invalid as invalid:
        return render("unmet_needs.html", 422, radar=None, kinds=kinds, choices=choices,
                      chosen=query.get("municipio"), form=Form(query, reasons_said(invalid)))
    period = {"from": radar["period"]["from"], "to": radar["period"]["to"]}
    chosen = query.get("municipio")
    return render("unmet_needs.html", radar=radar, months=_months(radar), kinds=kinds,
                  choices=choices, chosen=chosen, period=period, form=Form(period),
                  asked={**({"municipio": chosen} if chosen else {}), **period},
                  several=len(radar["municipi"]) > 1)


@bp.route("/reports/unmet-needs.csv")
def unmet_needs_csv_file():
    """The same file as GET /api/v1/reports/unmet-needs?format=csv, its needs in words: in
    the language `sheet` names, else the page's."""
    require_login()
    radar = call("referrals", "unmet_needs", _query())
    g.lang = language(request.args.get("sheet") or g.get("lang"))  # the needs in the file's
    return csv_answer(unmet_needs_csv(radar, g.lang, code), FILE_NAME)
