"""A page of requests or of a ledger costs what the page costs (LIMIT, as many statements for few
rows or many), and a report reads the figures the writes keep, never the entries or requests."""
from unittest.mock import Mock

from nameko.testing.services import worker_factory

from services.common.database import DatabaseAccess
from services.funds.approvals import approve, cancel
from services.funds.service import FundsService
from services.funds.tests.test_funds_rules import (ASC8, CITY, COORD8, PARTNER8, ask, decide,
                                                   open_budget, pay)
from services.funds.tests.test_funds_rules import store  # noqa: F401  (the fixture)
from tests.helpers import Statements


def call(store, caller, method, *args):
    """The answer, and the statements that read it."""
    with Statements(store) as sent:
        found = getattr(worker_factory(FundsService, db=DatabaseAccess(store, Mock()),
                                       caller=caller), method)(*args)
    return found, sent


def reading(sent, table):
    return [statement for statement in sent if f"FROM {table} " in f"{statement} "]


def spend(store, budget_id, times, start=0):
    """Requests approved and paid, some cancelled, by the partner and the social worker."""
    for number in range(start, start + times):
        request_id = ask(store, budget_id, "10.00", caller=(PARTNER8, ASC8)[number % 2])
        decide(store, approve, COORD8, request_id)
        if number % 3:
            pay(store, request_id, "10.00", f"FT-{number}")
        else:
            decide(store, cancel, COORD8, request_id)


def test_pages_of_requests_and_of_a_ledger_are_read_as_pages(store):
    budget_id = open_budget(store)
    spend(store, budget_id, 3)
    few = {caller: call(store, caller, "list_requests", {"per_page": 2})
           for caller in (COORD8, CITY)}
    few_ledger = call(store, COORD8, "get_ledger", budget_id, {"per_page": 2})
    spend(store, budget_id, 9, start=3)
    for caller in (COORD8, CITY):
        found, sent = call(store, caller, "list_requests", {"per_page": 2})
        assert (few[caller][0]["total"], found["total"], len(found["items"])) == (3, 12, 2)
        [page] = [s for s in reading(sent, "fund_requests") if "count(" not in s]
        assert " LIMIT " in page
        assert len(sent) == len(few[caller][1])
    ledger, sent = call(store, COORD8, "get_ledger", budget_id, {"per_page": 2})
    assert (few_ledger[0]["total"], ledger["total"]) == (2 + 3 * 2, 2 + 12 * 2)
    assert " LIMIT " in [s for s in reading(sent, "ledger_entries") if "count(" not in s][0]
    assert len(sent) == len(few_ledger[1])
    # whether a payment may still be corrected: its requests read in one statement for the page
    _, sent = call(store, COORD8, "get_ledger", budget_id, {"per_page": 20})
    assert len(reading(sent, "fund_requests")) == 1
    # the totals shown with the page are the whole ledger's
    assert ledger["totals"] == {"funded": "1500.00", "committed": "0.00", "spent": "80.00",
                                "available": "1420.00", "entries": 26}


def test_a_report_and_the_overview_read_the_kept_figures_and_add_up_right(store):
    budget_id = open_budget(store)
    spend(store, budget_id, 12)
    for method, args in (("report", ({},)), ("report_csv", ({},)), ("statistics", ([8],))):
        found, sent = call(store, CITY, method, *args)
        assert reading(sent, "ledger_entries") == reading(sent, "fund_requests") == [], method
    report, _ = call(store, CITY, "report", {"municipio": 8})
    [network] = report["networks"]
    assert (network["funded"], network["spent"], network["available"]) == (
        "1500.00", "80.00", "1420.00")
    assert network["by_category"]["sport"] == {"committed": "0.00", "spent": "80.00"}
    assert network["children"] == {"requests": 12, "committed": "0.00", "spent": "80.00"}
    assert network["requests"] == {"submitted": 0, "awaiting_city": 0, "approved": 0,
                                   "paid": 8, "rejected": 0, "withdrawn": 0, "cancelled": "<5"}
    overview, _ = call(store, CITY, "statistics", [8])
    assert overview["8"]["funds"] == {"requests": 12, "funded": "1500.00", "spent": "80.00",
                                      "available": "1420.00"}
    # over a period: the requests submitted in its days (the money: the funds' today)
    for first, last, requests in (("2026-01-15", "2026-01-15", 12), ("2026-01-16", "2026-03-31",
                                                                    0)):
        overview, sent = call(store, CITY, "statistics", [8], {"from": first, "to": last})
        assert overview["8"]["funds"]["requests"] == requests
        assert overview["8"]["funds"]["spent"] == "80.00"
        assert reading(sent, "ledger_entries") == []


def test_a_page_of_budgets_shows_their_sources_with_as_many_statements_for_few_or_many(store):
    open_budget(store)
    few, few_sent = call(store, CITY, "list_budgets", {"per_page": 2})
    for municipio in (2, 3, 4):
        open_budget(store, municipio=municipio)
    many, many_sent = call(store, CITY, "list_budgets", {"per_page": 2})
    assert (few["total"], many["total"], len(many["items"])) == (1, 4, 2)
    assert " LIMIT " in [s for s in reading(many_sent, "budgets") if "count(" not in s][0]
    assert len(many_sent) == len(few_sent)
    assert all(budget["by_source"] == {"city": "1000.00", "foundation": "500.00",
                                       "donation": "0.00", "other": "0.00"}
               for budget in many["items"])
