"""The funds service's rules on a real database, without a broker: approval paths, the ledger,
who sees what, concurrent approvals, reports."""
from datetime import datetime, timezone

import eventlet
import pytest
from psycogreen.eventlet import patch_psycopg
from sqlalchemy import select, update

from services.common.context import Caller
from services.common.database import Store
from services.common.errors import Conflict, Forbidden, Invalid, NotFound
from services.common.schemas import load
from services.common.spreadsheets import Sheet
from services.funds import approvals, budgets, ledger, reports
from services.funds.contract import (BudgetCreateSchema, DecisionReasonSchema,
                                     FundPaymentCreateSchema, FundRequestCreateSchema,
                                     TopUpCreateSchema)
from services.funds.demo import load_demo
from services.funds.models import Base, Budget, FundRequest, LedgerEntry

NOW = datetime(2026, 1, 15, 10, 0, tzinfo=timezone.utc)
ORG8, ORG8B, ORG3 = "8" * 36, "b" * 36, "3" * 36
PARTNER8 = Caller(user_id="u-p8", roles=["partner"], municipi=[8], organization_id=ORG8)
COLLEAGUE8 = Caller(user_id="u-p8-colleague", roles=["partner"], municipi=[8],
                    organization_id=ORG8)
OTHER_PARTNER8 = Caller(user_id="u-p8b", roles=["partner"], municipi=[8], organization_id=ORG8B)
PARTNER3 = Caller(user_id="u-p3", roles=["partner"], municipi=[3], organization_id=ORG3)
ASC8 = Caller(user_id="u-asc8", roles=["social_worker"], municipi=[8])
COORD8 = Caller(user_id="u-coord8", roles=["coordinator"], municipi=[8])
COORD3 = Caller(user_id="u-coord3", roles=["coordinator"], municipi=[3])
CITY = Caller(user_id="u-city", roles=["city"])
ANONYMOUS = Caller()


@pytest.fixture
def store(databases):
    store = Store(databases["funds"], Base.metadata)
    yield store
    store.dispose()


def open_budget(store, municipio=8, period="2025-2026", **fields):
    body = {"municipio": municipio, "period": period,
            "sources": [{"source": "city", "amount": "1000.00", "description": "Delibera 2025"},
                        {"source": "foundation", "amount": "500", "description": "Fondazione"}],
            **fields}
    with store.transaction() as tx:
        return budgets.create(tx, CITY, load(BudgetCreateSchema(), body), NOW).id


def ask(store, budget_id, amount, caller=PARTNER8, **fields):
    body = {"budget_id": budget_id, "kind": "child", "referral_code": "R-2026-0042",
            "purpose": "Iscrizione alla società sportiva", "category": "sport",
            "amount": amount, "supplier": "ASD Quarto Oggiaro", **fields}
    with store.transaction() as tx:
        return approvals.submit(tx, caller, load(FundRequestCreateSchema(), body), NOW).id


def collective(store, budget_id, amount, action="Campo estivo", category="educational"):
    return ask(store, budget_id, amount, kind="collective", action=action, category=category,
               referral_code=None)


def decide(store, move, caller, request_id, reason="Coerente con il piano della rete"):
    with store.transaction() as tx:
        request = move(tx, caller, request_id, reason, NOW)
    return request.status, tx.events


def pay(store, request_id, amount, receipt, caller=COORD8, paid_on="2026-01-20"):
    data = load(FundPaymentCreateSchema(), {"amount": amount, "paid_on": paid_on,
                                        "receipt_reference": receipt})
    with store.transaction() as tx:
        return approvals.record_payment(tx, caller, request_id, data, NOW)


def budget_of(store, budget_id):
    with store.sessions() as session:
        return budgets.present(CITY, session.get(Budget, budget_id))


def read(store, caller, request_id):
    with store.sessions() as session:
        return approvals.present(session, caller, approvals.visible(session, caller, request_id))


# --- approval paths ----------------------------------------------------------------------------

def test_up_to_the_threshold_the_coordination_alone_approves(store):
    budget_id = open_budget(store)
    request_id = ask(store, budget_id, "500.00")  # at the threshold, not above it
    assert read(store, PARTNER8, request_id)["approval_path"] == ["municipal"]
    status, told = decide(store, approvals.approve, COORD8, request_id)
    assert status == "approved"
    [event] = told
    assert event["event_type"] == "fund_request_approved"
    assert (event["payload"]["stage"], event["payload"]["final"]) == ("municipal", True)
    assert budget_of(store, budget_id)["committed"] == 500_00
    with pytest.raises(Conflict):
        decide(store, approvals.approve, CITY, request_id)


def test_above_the_threshold_the_city_approves_after_the_coordination(store):
    budget_id = open_budget(store)
    request_id = collective(store, budget_id, "500.01")
    assert read(store, PARTNER8, request_id)["approval_path"] == ["municipal", "city"]
    with pytest.raises(Forbidden):  # the coordination decides first
        decide(store, approvals.approve, CITY, request_id)
    status, told = decide(store, approvals.approve, COORD8, request_id)
    assert status == "awaiting_city"
    assert (told[0]["payload"]["stage"], told[0]["payload"]["final"]) == ("municipal", False)
    assert budget_of(store, budget_id)["committed"] == 0  # nothing committed yet
    with pytest.raises(Forbidden):  # once is enough for the coordination
        decide(store, approvals.approve, COORD8, request_id)
    status, told = decide(store, approvals.approve, CITY, request_id, "Azione prioritaria")
    assert status == "approved" and told[0]["payload"]["final"] is True
    shown = read(store, COORD8, request_id)
    assert [(d["stage"], d["outcome"], d["role"], d["reason"]) for d in shown["decisions"]] == [
        ("municipal", "approved", "coordinator", "Coerente con il piano della rete"),
        ("city", "approved", "city", "Azione prioritaria")]
    assert budget_of(store, budget_id)["committed"] == 500_01


def test_the_city_sets_each_networks_threshold_and_either_stage_may_reject(store):
    budget_id = open_budget(store)
    with pytest.raises(Forbidden):
        with store.transaction() as tx:
            budgets.set_threshold(tx, COORD8, budget_id, 1000_00)
    with store.transaction() as tx:
        budgets.set_threshold(tx, CITY, budget_id, 1000_00)
    assert decide(store, approvals.approve, COORD8, ask(store, budget_id, "800"))[0] == "approved"

    with store.transaction() as tx:
        budgets.set_threshold(tx, CITY, budget_id, 0)
    rejected_by_city = ask(store, budget_id, "10")
    decide(store, approvals.approve, COORD8, rejected_by_city)
    status, told = decide(store, approvals.reject, CITY, rejected_by_city, "Fuori dalle regole")
    assert status == "rejected"
    assert (told[0]["event_type"], told[0]["payload"]["stage"]) == ("fund_request_rejected",
                                                                    "city")
    status, _ = decide(store, approvals.reject, COORD8, ask(store, budget_id, "10"), "Doppione")
    assert status == "rejected"
    assert budget_of(store, budget_id)["committed"] == 800_00
    with pytest.raises(Invalid) as invalid:
        load(DecisionReasonSchema(), {})
    assert list(invalid.value.errors) == ["reason"]


def test_only_the_coordination_of_the_municipio_decides_and_nobody_on_their_own(store):
    budget_id = open_budget(store)
    request_id = ask(store, budget_id, "50")
    for caller in (PARTNER8, ASC8):
        with pytest.raises(Forbidden):
            decide(store, approvals.approve, caller, request_id)
    with pytest.raises(NotFound):
        decide(store, approvals.approve, COORD3, request_id)
    assert decide(store, approvals.withdraw, COLLEAGUE8, request_id)[0] == "withdrawn"
    with pytest.raises(Conflict):
        decide(store, approvals.approve, COORD8, request_id)


# --- the fund never goes below zero ------------------------------------------------------------

def test_a_request_that_would_overdraw_the_fund_is_refused(store):
    budget_id = open_budget(store, approval_threshold="2000")  # 1500.00 in it
    with pytest.raises(Conflict):
        ask(store, budget_id, "1500.01")
    first, second = ask(store, budget_id, "1000"), ask(store, budget_id, "1000")
    decide(store, approvals.approve, COORD8, first)
    with pytest.raises(Conflict):
        decide(store, approvals.approve, COORD8, second)
    assert read(store, COORD8, second)["status"] == "submitted"  # nothing was written
    with store.transaction() as tx:
        budgets.top_up(tx, COORD8, budget_id, load(TopUpCreateSchema(), {
            "source": "donation", "amount": "500", "description": "Festa di Natale"}), NOW)
    assert decide(store, approvals.approve, COORD8, second)[0] == "approved"
    assert budget_of(store, budget_id)["available"] == 0


def test_twenty_approvals_at_once_against_a_fund_for_ten_leave_ten_approved(store):
    patch_psycopg()  # as the services run: PostgreSQL waits cooperatively between green threads
    budget_id = open_budget(store, sources=[{"source": "city", "amount": "1000"}])
    requests = [ask(store, budget_id, "100") for _ in range(20)]

    def approve(request_id):
        try:
            return decide(store, approvals.approve, COORD8, request_id)[0]
        except Conflict:
            return "refused"

    outcomes = list(eventlet.GreenPool(20).imap(approve, requests))
    assert sorted(outcomes) == ["approved"] * 10 + ["refused"] * 10
    budget = budget_of(store, budget_id)
    assert (budget["committed"], budget["available"]) == (1000_00, 0)
    with store.sessions() as session:
        assert ledger.totals_from_entries(session, budget_id)["available"] == 0
        approved = session.execute(select(FundRequest.id).where(
            FundRequest.status == "approved")).scalars().all()
        assert len(approved) == 10


def test_the_database_itself_refuses_an_overdrawn_budget(store):
    budget_id = open_budget(store)
    with pytest.raises(Exception) as refused:
        with store.transaction() as tx:
            tx.session.execute(update(Budget).where(Budget.id == budget_id)
                               .values(committed_cents=Budget.funded_cents + 1))
    assert "ck_budgets_never_overdrawn" in str(refused.value) or "CHECK" in str(refused.value)


# --- payments, cancellations, corrections ------------------------------------------------------

def test_payments_cancellations_and_corrections_are_new_entries(store):
    budget_id = open_budget(store)
    request_id = ask(store, budget_id, "300")
    decide(store, approvals.approve, COORD8, request_id)
    with pytest.raises(Forbidden):
        pay(store, request_id, "100", "FT-1", caller=PARTNER8)
    first = pay(store, request_id, "100", "FT-1")
    with pytest.raises(Conflict):  # the same receipt twice
        pay(store, request_id, "100", "FT-1")
    with pytest.raises(Conflict):  # more than is still committed
        pay(store, request_id, "200.01", "FT-2")
    with store.transaction() as tx:
        correction = ledger.reverse(tx, COORD8, first.id, "Importo sbagliato", NOW)
    assert (correction.amount_cents, correction.reverses_id) == (-100_00, first.id)
    assert [e["event_type"] for e in tx.events] == ["ledger_entry_reversed"]
    with pytest.raises(Conflict):
        with store.transaction() as tx:
            ledger.reverse(tx, COORD8, first.id, "Ancora", NOW)
    pay(store, request_id, "120", "FT-1")  # corrected: the receipt may be recorded again
    status, told = decide(store, approvals.cancel, COORD8, request_id, "Il resto non serve")
    assert status == "cancelled"
    assert told[0]["payload"]["released_cents"] == 180_00
    shown = read(store, PARTNER8, request_id)
    assert (shown["paid"], shown["released"], shown["committed"]) == (120_00, 180_00, 0)
    assert [(p["amount"], p["reversed"]) for p in shown["payments"]] == [
        (100_00, True), (-100_00, False), (120_00, False)]
    budget = budget_of(store, budget_id)
    assert (budget["spent"], budget["committed"], budget["available"]) == (120_00, 0, 1380_00)
    with store.sessions() as session:
        kinds = [e.kind for e in session.execute(ledger.entries_statement(budget_id)).scalars()]
    assert kinds == ["top_up", "top_up", "commitment", "payment", "payment", "payment",
                     "cancellation"]


def test_a_request_paid_in_full_is_paid_and_a_top_up_that_was_spent_cannot_be_undone(store):
    budget_id = open_budget(store, sources=[{"source": "foundation", "amount": "200"}])
    request_id = ask(store, budget_id, "200")
    decide(store, approvals.approve, COORD8, request_id)
    pay(store, request_id, "150", "R-1")
    entry = pay(store, request_id, "50", "R-2")
    assert read(store, COORD8, request_id)["status"] == "paid"
    with store.sessions() as session:
        top_up = session.execute(ledger.entries_statement(budget_id, kind="top_up")).scalar()
    with pytest.raises(Conflict):  # the money is spent: taking it back would overdraw
        with store.transaction() as tx:
            ledger.reverse(tx, CITY, top_up.id, "Doppia registrazione", NOW)
    with store.transaction() as tx:
        ledger.reverse(tx, COORD8, entry.id, "Ricevuta annullata", NOW)
    assert read(store, COORD8, request_id)["status"] == "approved"


def test_ledger_entries_are_never_changed_or_deleted(store):
    budget_id = open_budget(store)
    with store.sessions() as session:
        entry = session.execute(ledger.entries_statement(budget_id)).scalar()
        entry.amount_cents = 1
        with pytest.raises(PermissionError):
            session.flush()
        session.rollback()
        session.delete(session.get(LedgerEntry, entry.id))
        with pytest.raises(PermissionError):
            session.flush()


def test_top_ups_of_the_citys_money_are_the_citys(store):
    budget_id = open_budget(store)
    city_money = load(TopUpCreateSchema(), {"source": "city", "amount": "10"})
    for caller, error in ((COORD8, Forbidden), (PARTNER8, Forbidden), (COORD3, NotFound)):
        with pytest.raises(error):
            with store.transaction() as tx:
                budgets.top_up(tx, caller, budget_id, city_money, NOW)
    with store.transaction() as tx:
        budgets.top_up(tx, CITY, budget_id, city_money, NOW)
    assert [e["event_type"] for e in tx.events] == ["fund_topped_up"]
    assert budget_of(store, budget_id)["by_source"] == {
        "city": 1010_00, "foundation": 500_00, "donation": 0, "other": 0}
    with pytest.raises(Conflict):
        open_budget(store)  # one budget per network and period
    with pytest.raises(Forbidden):
        with store.transaction() as tx:
            budgets.create(tx, COORD8, load(BudgetCreateSchema(), {
                "municipio": 8, "period": "2026-2027"}), NOW)


# --- who sees what -----------------------------------------------------------------------------

def test_a_partner_of_municipio_3_cannot_see_municipio_8s_requests(store):
    budget8 = open_budget(store)
    budget3 = open_budget(store, municipio=3)
    request8 = ask(store, budget8, "40")
    request3 = ask(store, budget3, "40", caller=PARTNER3)

    def listed(caller):
        with store.sessions() as session:
            found, total = approvals.requests_page(session, caller, 1, 50)
            assert len(found) == total
            return {r.id for r in found}

    with store.sessions() as session:
        for caller in (PARTNER3, COORD3, OTHER_PARTNER8, ANONYMOUS):
            with pytest.raises(NotFound):
                approvals.visible(session, caller, request8)
        with pytest.raises(NotFound):  # nor its budget
            budgets.visible(session, PARTNER3, budget8)
    assert listed(PARTNER3) == {request3}
    assert listed(PARTNER8) == listed(COLLEAGUE8) == listed(ASC8) == listed(COORD8) == {request8}
    assert listed(CITY) == {request8, request3}
    with pytest.raises(NotFound):  # nor ask for money from it
        ask(store, budget8, "10", caller=PARTNER3)


def test_the_city_sees_a_childs_cost_without_the_code_that_leads_to_the_family(store):
    budget_id = open_budget(store)
    request_id = ask(store, budget_id, "40")
    assert read(store, COORD8, request_id)["referral_code"] == "R-2026-0042"
    assert "referral_code" not in read(store, CITY, request_id)


def test_a_request_names_no_one_and_says_what_it_is_for():
    with pytest.raises(Invalid) as invalid:
        load(FundRequestCreateSchema(), {"budget_id": "x" * 36, "kind": "child",
                                     "child_name": "Mario Rossi", "purpose": "Gita",
                                     "category": "culture", "amount": "12.345"})
    assert set(invalid.value.errors) == {"child_name", "amount"}
    with pytest.raises(Invalid) as invalid:
        load(FundRequestCreateSchema(), {"budget_id": "x" * 36, "kind": "child", "purpose": "Gita",
                                     "category": "hobby", "amount": "0"})
    assert set(invalid.value.errors) == {"category", "amount"}
    with pytest.raises(Invalid) as invalid:
        load(FundRequestCreateSchema(), {"budget_id": "x" * 36, "kind": "child", "purpose": "Gita",
                                     "category": "culture", "amount": "12", "supplier": None})
    assert invalid.value.errors == {"referral_code": [
        "Link the child by a referral's code or the family's reference."]}
    with pytest.raises(Invalid) as invalid:
        load(FundRequestCreateSchema(), {"budget_id": "x" * 36, "kind": "collective",
                                     "purpose": "Campo", "category": "educational",
                                     "amount": 120.5, "referral_code": "R-2026-0001"})
    assert set(invalid.value.errors) == {"action", "referral_code"}
    loaded = load(FundRequestCreateSchema(), {"budget_id": "x" * 36, "kind": "collective",
                                          "action": "Campo", "purpose": "Campo",
                                          "category": "educational", "amount": "120,50"})
    assert loaded["amount"] == 120_50
    with pytest.raises(Invalid) as invalid:
        load(BudgetCreateSchema(), {"municipio": 10, "period": "2025-2027"})
    assert set(invalid.value.errors) == {"municipio", "period"}
    with pytest.raises(Invalid) as invalid:
        load(FundPaymentCreateSchema(), {"amount": "1", "paid_on": "2099-01-01"})
    assert set(invalid.value.errors) == {"paid_on", "receipt_reference"}


def test_what_no_database_could_store_is_refused_not_a_crash(store):
    with store.sessions() as session:
        for lookup in (approvals.visible, budgets.visible):
            with pytest.raises(NotFound):
                lookup(session, CITY, "\x00" * 36)
    with pytest.raises(NotFound):
        with store.transaction() as tx:
            ledger.reverse(tx, CITY, "not-an-id", "x", NOW)
    with pytest.raises(Invalid) as invalid:
        load(DecisionReasonSchema(), {"reason": "ok\x00"})
    assert list(invalid.value.errors) == ["reason"]


# --- reports -----------------------------------------------------------------------------------

def test_reports_add_up_by_category_month_and_action_with_children_as_counts(store):
    budget_id = open_budget(store)
    camp = collective(store, budget_id, "600", action="Campo estivo")
    decide(store, approvals.approve, COORD8, camp)
    decide(store, approvals.approve, CITY, camp)
    pay(store, camp, "250", "FT-10", paid_on="2025-12-30")
    fees = [ask(store, budget_id, "40", family_reference=f"QO-{n}") for n in range(3)]
    for request_id in fees:
        decide(store, approvals.approve, COORD8, request_id)
    pay(store, fees[0], "40", "FT-11")
    ask(store, budget_id, "10")  # submitted only: not in the money

    with store.sessions() as session:
        with pytest.raises(Forbidden):
            reports.report(session, PARTNER8)
        with pytest.raises(Forbidden):
            reports.report(session, COORD3, [8])
        found = reports.report(session, COORD8)
        text = reports.export_csv(found, Sheet("it"))
    [network] = found["networks"]
    assert (network["funded"], network["committed"], network["spent"], network["available"]) == (
        1500_00, 350_00 + 80_00, 290_00, 780_00)
    assert network["by_category"]["educational"] == {"committed": 350_00, "spent": 250_00}
    assert network["by_category"]["sport"] == {"committed": 80_00, "spent": 40_00}
    assert network["by_month"] == {"2025-12": {"approved": 0, "spent": 250_00},
                                   "2026-01": {"approved": 720_00, "spent": 40_00}}
    assert network["by_action"] == {"Campo estivo": {"committed": 350_00, "spent": 250_00}}
    assert network["children"] == {"requests": "<5", "committed": 80_00, "spent": 40_00}
    assert network["requests"]["approved"] == "<5" and network["requests"]["rejected"] == 0
    assert found["by_period"] == {"2025-2026": {"funded": 1500_00, "committed": 430_00,
                                                "spent": 290_00, "available": 780_00}}
    lines = text.lstrip("\ufeff").splitlines()
    assert lines[0] == ("Municipio;Periodo;Sezione;Voce;Stanziato (€);Impegnato (€);Speso (€);"
                        "Disponibile (€);Approvato nel mese (€);Richieste")
    assert "8;2025-2026;totale;fondo;1500,00;430,00;290,00;780,00;;" in lines
    assert "8;2025-2026;costi dei minori;costi dei minori;;80,00;40,00;;;<5" in lines
    assert "R-2026" not in text and "QO-" not in text


# --- demo --------------------------------------------------------------------------------------

def test_the_demo_opens_the_networks_budgets_once(store):
    with store.transaction() as tx:
        assert load_demo(tx.session) == {"fund budgets": 3}
    with store.transaction() as tx:
        assert load_demo(tx.session) == {"fund budgets": 0}
    with store.sessions() as session:
        budget = session.execute(select(Budget).where(Budget.municipio == 8)).scalar_one()
        shown = budgets.present(CITY, budget)
    assert (shown["period"], shown["funded"], shown["available"]) == ("2025-2026", 21_240_00,
                                                                      21_240_00)
    assert shown["by_source"]["donation"] == 1_240_00
