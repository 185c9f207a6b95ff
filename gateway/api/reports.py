"""The overview report: what the networks do, as counts (small counts of people shown as
"<5"), per municipio side by side, all time or over a period. Composed from each service's
statistics; no personal data."""
from datetime import datetime, timezone

from flask import request
from marshmallow import Schema, fields

from gateway.api import Blueprint
from gateway.api.common import (BEARER, answers, call, call_each, problems, require_ability,
                                require_login)
from gateway.api.overview_sheet import overview_csv
from gateway.api.sheets import CSV_ANSWER, ReportQuerySchema, csv_answer, language, period_of
from gateway.api.unmet_needs_sheet import unmet_needs_csv
from services.common import checks
from services.common.privacy import SHOWN_COUNT
from services.referrals.contract import UnmetNeedsQuerySchema, UnmetNeedsSchema

blp = Blueprint("reports", __name__, url_prefix="/api/v1", description="Reports")
SOURCES = ("directory", "events", "referrals", "funds")  # each answers `statistics`


def count(**kwargs):
    return fields.Raw(metadata=SHOWN_COUNT, **kwargs)


def number(description: str):
    """A count of things (organisations, services...): always a number."""
    return fields.Integer(metadata={"description": description})


def counts(description: str):
    return fields.Dict(keys=fields.String(), values=count(), metadata={"description": description})


class OverviewQuerySchema(ReportQuerySchema):
    municipio = fields.Integer(validate=checks.Range(min=1, max=9), metadata={
        "description": "One municipio; without it, the city sees all 9 and a coordinator its own"})


class ReferralCountsSchema(Schema):
    total = count()
    by_status = counts("Referrals in each status")
    by_outcome = counts("Completed referrals by outcome")
    by_month = counts("Referrals sent each month (YYYY-MM)")
    overdue = count()
    median_days_to_acceptance = fields.Float(allow_none=True, metadata={
        "description": "Days from sending to acceptance; null with fewer than 5 accepted"})
    family_answers = counts("What families answered on their cards (the latest word of each "
                            "referral): met, not_contacted (nobody called us)")


class FundCountsSchema(Schema):
    requests = count()
    funded = fields.String(metadata={"description": "Euros put in the fund, every period"})
    spent = fields.String(metadata={"description": "Euros paid"})
    available = fields.String(metadata={"description": "Euros neither committed nor paid"})


class OverviewRowSchema(Schema):
    municipio = fields.Integer()
    organizations = number("Organisations listed today")
    services = number("Services listed today")
    events = number("Published events (in the period: starting in it)")
    registered_people = count()
    attended_people = fields.Raw(metadata={**SHOWN_COUNT, "description": (
        "People who came to the events (marked, or checked in at the door); 1 to 4 read \"<5\"")})
    drives = number("Donation drives (in the period: those whose collection starts in it)")
    referrals = fields.Nested(ReferralCountsSchema)
    funds = fields.Nested(FundCountsSchema)


class ReportPeriodSchema(Schema):
    from_ = fields.Date(data_key="from")
    to = fields.Date()


class OverviewSchema(Schema):
    generated_at = fields.String()
    period = fields.Nested(ReportPeriodSchema, allow_none=True, metadata={
        "description": "The period asked for (days in Europe/Rome, both included); null: all time"})
    municipi = fields.List(fields.Nested(OverviewRowSchema))


def compose(municipi: list | None, period: dict | None = None) -> list:
    """One row per municipio, each service's statistics side by side (the services decide
    which municipi the caller may see), over `period` ({"from", "to"}) where a count has a date."""
    parts = call_each(*[(service, "statistics", municipi, period) for service in SOURCES])
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
@blp.doc(responses=CSV_ANSWER)
@problems(blp, 401, 403, 422, 503)
@blp.doc(security=BEARER)
def overview(query):
    """Counts per municipio: organisations, services, events, registrations, referrals by
    status and outcome, median days to acceptance, the community fund's requests and money.
    With `from` and `to`, the counts that have a day are those of the period: referrals sent
    in it, published events starting in it and the people registered at them, drives whose
    collection starts in it, fund requests submitted in it; organisations, services and the fund's
    money are today's. Counts of people (referrals, registrations, requests) from 1 to 4 read
    "<5"; counts of organisations, services, events and drives are numbers. `format=csv` for
    a spreadsheet, one line per municipio, in `lang`."""
    require_ability("read_overview")
    period = period_of(query)
    rows = compose([query["municipio"]] if query.get("municipio") else None, period)
    if query["format"] == "csv":
        return csv_answer(overview_csv(rows, language(query.get("lang")), period),
                          "rete-qubi-panoramica")
    return {"generated_at": datetime.now(timezone.utc).isoformat(), "period": period,
            "municipi": rows}


@blp.route("/reports/unmet-needs")
@blp.arguments(UnmetNeedsQuerySchema(), location="query")
@answers(blp, 200, UnmetNeedsSchema)
@blp.doc(responses=CSV_ANSWER)
@problems(blp, 401, 403, 422, 503)
@blp.doc(security=BEARER)
def unmet_needs(query):
    """The unmet-needs radar for the coordination's meeting: per municipio and month (in
    Rome), the referrals declined or forwarded for no capacity or a service not provided,
    overdue, put on a waiting list, and those whose family said "nobody called us", by need
    and zone, and each month's totals (a referral once). A coordinator or a social worker sees
    its own municipio, the city every one and the city's totals. Counts from 1 to 4 read "<5".
    Without `from` and `to`: this month and the eleven before it. `format=csv` for a
    spreadsheet in `lang`."""
    require_login()
    radar = call("referrals", "unmet_needs", request.args.to_dict())
    if query["format"] == "csv":
        return csv_answer(unmet_needs_csv(radar, language(query.get("lang"))),
                          "rete-qubi-bisogni-non-coperti")
    return radar
