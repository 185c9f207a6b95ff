"""The fund's report as a spreadsheet runs nothing a partner typed."""
from services.funds import approvals, reports
from services.funds.tests.test_funds_rules import (  # noqa: F401 (the store fixture)
    COORD8, collective, decide, open_budget, store)


def test_an_action_named_as_a_formula_reaches_the_spreadsheet_as_text(store):
    budget_id = open_budget(store)
    request_id = collective(store, budget_id, "100", action="@SUM(1+1)")
    decide(store, approvals.approve, COORD8, request_id)
    with store.sessions() as session:
        lines = reports.export_csv(reports.report(session, COORD8)).splitlines()
    assert "8,2025-2026,azione,'@SUM(1+1),,100.00,0.00,,," in lines
