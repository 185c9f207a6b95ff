"""Demo funds for `qubi-admin seed`: the 2025-2026 budgets of the networks the demo users
belong to, with their sources. Loading twice changes nothing."""
from datetime import datetime, timezone

from sqlalchemy import select

from services.common.context import Caller
from services.funds import ledger
from services.funds.contract import DEFAULT_THRESHOLD_CENTS, TOP_UP
from services.funds.models import Budget

PERIOD = "2025-2026"
OPENED = datetime(2025, 5, 8, 8, 0, tzinfo=timezone.utc)
SEEDER = Caller(roles=["city"])
# municipio -> (source, euros, description)
SOURCES = {
    8: [("city", 15_000, "Comune di Milano - Direzione Welfare e Salute"),
        ("foundation", 5_000, "Bando di una fondazione del territorio (demo)"),
        ("donation", 1_240, "Festa di Natale, ingresso a offerta libera")],
    2: [("city", 12_000, "Comune di Milano - Direzione Welfare e Salute"),
        ("donation", 380, "Zaino sospeso: contributi in denaro")],
    3: [("city", 10_000, "Comune di Milano - Direzione Welfare e Salute")],
}


def load_demo(session) -> dict:
    opened = 0
    for municipio, sources in SOURCES.items():
        if session.execute(select(Budget.id).where(Budget.municipio == municipio,
                                                   Budget.period == PERIOD)).first():
            continue
        budget = Budget(municipio=municipio, period=PERIOD,
                        approval_threshold_cents=DEFAULT_THRESHOLD_CENTS, funded_cents=0,
                        committed_cents=0, spent_cents=0, entry_count=0, created_at=OPENED)
        session.add(budget)
        session.flush()
        for source, amount, description in sources:
            ledger.post(session, budget, TOP_UP, amount * 100, SEEDER, OPENED, source=source,
                        description=description)
        opened += 1
    return {"fund budgets": opened}
