"""For the social workers, the coordinators and the city: the network's members and the
overview report with charts, over a period, and its CSV files (composed as
GET /api/v1/reports/overview is)."""
from flask import abort, g, request
from marshmallow import ValidationError

from gateway.api.overview_sheet import overview_csv
from gateway.api.reports import compose
from gateway.api.sheets import csv_answer, language, period_of
from gateway.web import bp
from gateway.web.common import call, render, require_ability, try_call
from gateway.web.forms import Form
from gateway.web.i18n import code, reasons_said
from gateway.web.i18n import gettext as _
from services.common.errors import Invalid
from services.common.periods import PeriodArgs
from services.referrals.contract import STATUSES



def _municipio_choice(caller):
    """The municipio asked for (?municipio=), among those the caller covers; else its first."""
    allowed = list(range(1, 10)) if caller.tier == "city" else list(caller.municipi)
    try:
        asked = int(request.args.get("municipio", ""))
    except ValueError:
        asked = None
    if asked in allowed:
        return asked, allowed
    return (allowed[0] if allowed else None), allowed


@bp.route("/network")
def network_members():
    caller = require_ability("see_network")
    municipio, allowed = _municipio_choice(caller)
    if municipio is None:
        abort(403)
    found = call("directory", "list_organizations", {"municipio": municipio, "per_page": 200})
    network = next((n for n in try_call("directory", "list_networks",
                                        default={"items": []})["items"]
                    if n["municipio"] == municipio), None)
    levels = {1: [], 2: []}
    for member in found["items"]:
        levels.setdefault(member.get("level") or 2, []).append(member)
    return render("network.html", municipio=municipio, allowed=allowed, levels=levels,
                  network=network, total=found["total"])


def _report_municipi(caller):
    if caller.tier == "city":
        try:
            asked = int(request.args.get("municipio", ""))
        except ValueError:
            return None
        return [asked] if 1 <= asked <= 9 else None
    return list(caller.municipi)


def _period_asked() -> tuple:
    """(the period asked for, as the services take it, or None; the form showing it)."""
    values = {name: request.args.get(name, "") for name in ("from", "to")}
    try:
        period = period_of(PeriodArgs().load({k: v for k, v in values.items() if v}))
    except ValidationError as error:
        return None, Form(values, reasons_said(Invalid(error.messages)))
    return period, Form(values)


@bp.route("/reports")
def report():
    caller = require_ability("read_overview")
    municipi = _report_municipi(caller)
    period, form = _period_asked()
    rows = compose(municipi, period)
    for row in rows:
        referrals = row["referrals"]
        row["status_bars"] = [(code("status", status), (referrals.get("by_status") or {}).get(
            status, 0)) for status in STATUSES]
        row["month_columns"] = sorted((referrals.get("by_month") or {}).items())
    drives = []
    for municipio in ([r["municipio"] for r in rows] if len(rows) <= 2 else []):
        found = try_call("events", "list_drives", {"municipio": municipio, "status": "open",
                                                   "per_page": 10}, default={"items": []})
        drives += found["items"]
    city_view = len(rows) > 1
    comparisons = []
    if city_view:
        for key, label in (("referrals.total", _("Invii")), ("events", _("Eventi pubblicati")),
                           ("registered_people", _("Persone iscritte agli eventi")),
                           ("organizations", _("Organizzazioni")), ("services", _("Servizi"))):
            comparisons.append((label, [(_("Mun. {n}", n=row["municipio"]), _dig(row, key))
                                        for row in rows]))
    chosen = municipi[0] if municipi and len(municipi) == 1 else None
    asked = {**({"municipio": chosen} if chosen else {}), **(period or {})}
    return render("report.html", 422 if form.errors else 200, rows=rows, drives=drives,
                  city_view=city_view, comparisons=comparisons, asked=asked, period=period,
                  form=form, chosen=chosen)


def _dig(row, path):
    value = row
    for part in path.split("."):
        value = (value or {}).get(part) if isinstance(value, dict) else None
    return value if value is not None else 0


@bp.route("/reports/overview.csv")
def report_csv():
    """The same file as GET /api/v1/reports/overview?format=csv, for the logged-in browser:
    in the language `sheet` names, else the page's (`?lang=` would change the page's)."""
    caller = require_ability("read_overview")
    period, form = _period_asked()
    if form.errors:
        abort(422)
    return csv_answer(overview_csv(compose(_report_municipi(caller), period),
                                   language(request.args.get("sheet") or g.get("lang")), period),
                      "rete-qubi-panoramica")
