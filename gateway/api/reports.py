"""The overview report: what the networks do, as counts (small ones shown as "<5"), per
municipio side by side. Composed from each service's statistics; no personal data."""
import io
from datetime import datetime, timezone

from flask import Response
from marshmallow import Schema, fields

from gateway.api import Blueprint
from gateway.api.common import BEARER, answers, call_each, problems, require_ability
from services.common import checks, csv_cells

blp = Blueprint("reports", __name__, url_prefix="/api/v1", description="Reports")
SOURCES = ("directory", "events", "referrals", "funds")  # each answers `statistics`
COUNT = {"description": "A count; 1 to 4 read \"<5\"",
         "oneOf": [{"type": "integer"}, {"type": "string", "enum": ["<5"]}]}


def count(**kwargs):
    return fields.Raw(metadata=COUNT, **kwargs)


def counts(description: str):
    return fields.Dict(keys=fields.String(), values=count(), metadata={"description": description})


class OverviewQuerySchema(Schema):
    municipio = fields.Integer(validate=checks.Range(min=1, max=9), metadata={
        "description": "One municipio; without it, the city sees all 9 and a coordinator its own"})
    format = fields.String(load_default="json", validate=checks.OneOf(("json", "csv")))


class ReferralCountsSchema(Schema):
    total = count()
    by_status = counts("Referrals in each status")
    by_outcome = counts("Completed referrals by outcome")
    by_month = counts("Referrals sent each month (YYYY-MM)")
    overdue = count()
    median_days_to_acceptance = fields.Float(allow_none=True, metadata={
        "description": "Days from sending to acceptance; null with fewer than 5 accepted"})


class FundCountsSchema(Schema):
    requests = count()
    funded = fields.String(metadata={"description": "Euros put in the fund, every period"})
    spent = fields.String(metadata={"description": "Euros paid"})
    available = fields.String(metadata={"description": "Euros neither committed nor paid"})


class OverviewRowSchema(Schema):
    municipio = fields.Integer()
    organizations = count()
    services = count()
    events = count()
    registered_people = count()
    drives = count()
    referrals = fields.Nested(ReferralCountsSchema)
    funds = fields.Nested(FundCountsSchema)


class OverviewSchema(Schema):
    generated_at = fields.String()
    municipi = fields.List(fields.Nested(OverviewRowSchema))


def compose(municipi: list | None) -> list:
    """One row per municipio, each service's statistics side by side (the services decide
    which municipi the caller may see)."""
    parts = call_each(*[(service, "statistics", municipi) for service in SOURCES])
    rows = []
    for municipio in sorted(parts[0], key=int):
        row = {"municipio": int(municipio)}
        for part in parts:
            row.update(part.get(municipio, {}))
        rows.append(row)
    return rows


@blp.route("/reports/overview")
@blp.arguments(OverviewQuerySchema(), location="query")
@answers(blp, 200, OverviewSchema)
@blp.doc(responses={200: {"content": {"text/csv": {"schema": {"type": "string"}}}}})
@problems(blp, 401, 403, 422, 503)
@blp.doc(security=BEARER)
def overview(query):
    """Counts per municipio: organisations, services, events, registrations, referrals by
    status and outcome, median days to acceptance, the community fund's requests and money.
    `format=csv` for a spreadsheet, one column per count ("referrals.by_status.sent")."""
    require_ability("read_overview")
    rows = compose([query["municipio"]] if query.get("municipio") else None)
    if query["format"] == "csv":
        return csv_file(rows)
    return {"generated_at": datetime.now(timezone.utc).isoformat(), "municipi": rows}


def csv_file(rows) -> Response:
    flat = [_flatten(row) for row in rows]
    columns = list(dict.fromkeys(key for row in flat for key in row))
    out = io.StringIO()
    writer = csv_cells.Writer(out)
    writer.writerow(columns)
    writer.writerows([row.get(column, "") for column in columns] for row in flat)
    return Response("\ufeff" + out.getvalue(), mimetype="text/csv", headers={
        "Content-Disposition": "attachment; filename=rete-qubi-panoramica.csv"})


def _flatten(row: dict, prefix: str = "") -> dict:
    flat = {}
    for key, value in row.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{name}."))
        else:
            flat[name] = value
    return flat
