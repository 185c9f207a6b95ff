"""The fund's report as a spreadsheet runs nothing a partner typed, opens as columns in Excel
set to Italian (";", decimal comma) and in English settings (",", decimal point), and keeps the
months a period touches."""
import csv
import io
from datetime import date
from decimal import Decimal

from services.common.periods import Period
from services.common.spreadsheets import Sheet
from services.funds import approvals, reports
from services.funds.tests.test_funds_rules import (  # noqa: F401 (the store fixture)
    COORD8, collective, decide, open_budget, store)


def sheet_rows(text: str, separator: str) -> list:
    assert text.startswith("\ufeff")  # UTF-8, says the byte order mark
    return list(csv.reader(io.StringIO(text[1:]), delimiter=separator))


def test_an_action_named_as_a_formula_reaches_the_spreadsheet_as_text(store):
    budget_id = open_budget(store)
    request_id = collective(store, budget_id, "99.5", action="@SUM(1+1)")
    decide(store, approvals.approve, COORD8, request_id)
    with store.sessions() as session:
        found = reports.report(session, COORD8)
    italian = sheet_rows(reports.export_csv(found, Sheet("it")), ";")
    assert italian[0][:5] == ["Municipio", "Periodo", "Sezione", "Voce", "Stanziato (€)"]
    action = next(row for row in italian if row[2] == "azione")
    assert action[:4] == ["8", "2025-2026", "azione", "'@SUM(1+1)"]
    assert Decimal(action[5].replace(",", ".")) == Decimal("99.50") and "." not in action[5]
    english = sheet_rows(reports.export_csv(found, Sheet("en")), ",")
    assert english[0][:5] == ["Municipio", "Project year", "Section", "Item", "Funded (€)"]
    action = next(row for row in english if row[2] == "action")
    assert (action[3], Decimal(action[5])) == ("'@SUM(1+1)", Decimal("99.50"))


def test_a_period_keeps_the_months_it_touches(store):
    budget_id = open_budget(store)
    decide(store, approvals.approve, COORD8, collective(store, budget_id, "100"))
    with store.sessions() as session:
        months = reports.report(session, COORD8)["networks"][0]["by_month"]
        assert list(months) == ["2026-01"]
        for first, last, kept in ((date(2026, 1, 31), date(2026, 2, 3), ["2026-01"]),
                                  (date(2026, 2, 1), date(2026, 3, 31), [])):
            found = reports.report(session, COORD8, days=Period(first, last))
            assert list(found["networks"][0]["by_month"]) == kept
