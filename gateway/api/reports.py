"""The overview report: what the networks do, as counts (small ones shown as "<5"), per
municipio side by side. Composed from each service's statistics; no personal data."""
import csv
import io
from datetime import datetime, timezone

from flask import Response
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from gateway.api.common import BEARER, answers, call, problems, require_role
from services.common.context import CITY, COORDINATOR

blp = Blueprint("reports", __name__, url_prefix="/api/v1", description="Reports")
SOURCES = (("directory", "statistics"), ("events", "statistics"), ("referrals", "statistics"))


class OverviewQuerySchema(Schema):
    municipio = fields.Integer(validate=validate.Range(min=1, max=9), metadata={
        "description": "One municipio; without it, the city sees all 9 and a coordinator its own"})
    format = fields.String(load_default="json", validate=validate.OneOf(("json", "csv")))


class OverviewSchema(Schema):
    generated_at = fields.String()
    municipi = fields.List(fields.Dict(), metadata={
        "description": "Per municipio: organizations, services, events, registrations, "
                       "referrals{total, by_status, by_outcome, by_month, overdue, "
                       "median_days_to_acceptance}; counts 1-4 read '<5'"})


@blp.route("/reports/overview")
@blp.arguments(OverviewQuerySchema, location="query")
@answers(blp, 200, OverviewSchema)
@problems(blp, 401, 403, 422, 503)
@blp.doc(security=BEARER)
def overview(query):
    """Counts per municipio: organisations, services, events, registrations, referrals by
    status and outcome, median days to acceptance. `format=csv` for a spreadsheet."""
    require_role(COORDINATOR, CITY)
    municipi = [query["municipio"]] if query.get("municipio") else None
    parts = [call(service, method, municipi) for service, method in SOURCES]
    rows = []
    for municipio in sorted(parts[0], key=int):
        row = {"municipio": int(municipio)}
        for part in parts:
            row.update(part.get(municipio, {}))
        rows.append(row)
    if query["format"] == "csv":
        return _csv(rows)
    return {"generated_at": datetime.now(timezone.utc).isoformat(), "municipi": rows}


def _csv(rows) -> Response:
    flat = [_flatten(row) for row in rows]
    columns = list(dict.fromkeys(key for row in flat for key in row))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns)
    writer.writeheader()
    writer.writerows(flat)
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
