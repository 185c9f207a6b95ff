"""Upgrading a database that already has a ledger: the figures the reports read are filled from
the entries and requests already there."""
from alembic import command

from services.common.migrations import alembic_config
from services.funds import reports
from services.funds.approvals import reject
from services.funds.tests.test_funds_rules import CITY, COORD8, ask, collective, decide, open_budget
from services.funds.tests.test_funds_rules import store  # noqa: F401  (the fixture)
from services.funds.tests.test_pages import spend


def test_upgrading_fills_the_figures_from_the_ledger_and_the_requests(store, databases):
    budget_id = open_budget(store)
    spend(store, budget_id, 7)
    decide(store, reject, COORD8, collective(store, budget_id, "30.00"))
    ask(store, budget_id, "20.00")
    with store.sessions() as session:
        written = reports.report(session, CITY)
    config = alembic_config("funds", databases["funds"])
    command.downgrade(config, "0001")
    command.upgrade(config, "head")
    with store.sessions() as session:
        assert reports.report(session, CITY) == written
