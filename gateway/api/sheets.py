"""What the reports' endpoints share: their query (a period, a format, a file's language),
the language of their CSV files and the file's answer (spreadsheets.Sheet writes it)."""
from flask import Response, request

from services.common.periods import PeriodArgs
from services.common.spreadsheets import LANGUAGES, SheetArgs

CSV_ANSWER = {200: {"content": {"text/csv": {"schema": {
    "type": "string", "description": "With `format=csv`: the report as a CSV file in `lang`"}}}}}


class ReportQuerySchema(PeriodArgs, SheetArgs):
    """A report's period, format and file language."""


def period_of(query: dict) -> dict | None:
    """The period as the services take it ({"from", "to"}: ISO days), or None."""
    if query.get("from_"):
        return {"from": query["from_"].isoformat(), "to": query["to"].isoformat()}
    return None


def language(asked: str | None = None) -> str:
    """The file's language: `asked`, else the Accept-Language header's first of it and en
    ("it-IT" is Italian), else Italian."""
    if asked in LANGUAGES:
        return asked
    for accepted, _quality in request.accept_languages:  # the preferred first
        if (primary := accepted.split("-")[0].lower()) in LANGUAGES:
            return primary
    return "it"


def csv_answer(text: str, name: str) -> Response:
    return Response(text, mimetype="text/csv", headers={
        "Content-Disposition": f"attachment; filename={name}.csv"})
