"""The demo's meeting: the Coordinamento municipale 8's next one, its coordinator chairing and its
members invited; loaded once, and not at all without the coordinator (no demo users)."""
from datetime import date, datetime

from sqlalchemy import select

from services.common.schemas import ROME
from services.governance.demo import load_demo
from services.governance.models import Meeting

MONDAY = date(2026, 12, 7)
COORDINATION8 = {"id": "b8" + "0" * 34, "kind": "municipal_coordination",
                 "name": "Coordinamento municipale 8", "municipio": 8,
                 "people": [{"user_id": "u-coord8", "name": "Coordinamento Municipio 8",
                             "role": "Coordinamento"}],
                 "organizations": [{"id": "8" * 36, "name": "Cooperativa Otto",
                                    "role": "Rete di primo livello"}]}
CABINA = {"id": "bc" + "0" * 34, "kind": "city_committee", "name": "Cabina di regia cittadina",
          "municipio": None, "people": [], "organizations": []}
USERS = {"coord8": "u-coord8", "citta": "u-city"}


def meetings(store) -> list:
    with store.transaction() as tx:
        return [(m.body_name, m.chair_user_id, m.starts_at.astimezone(ROME),
                 [i.member_id for i in m.invitees])
                for m in tx.session.execute(select(Meeting)).scalars()]


def test_the_demo_convenes_the_coordinations_next_meeting_once(store):
    for expected in (1, 0):
        with store.transaction() as tx:
            assert load_demo(tx.session, [CABINA, COORDINATION8], USERS, MONDAY) == {
                "meetings": expected}
    assert meetings(store) == [("Coordinamento municipale 8", "u-coord8",
                                datetime(2026, 12, 15, 17, 30, tzinfo=ROME),
                                ["u-coord8", "8" * 36])]


def test_without_the_coordinator_the_demo_convenes_nothing(store):
    with store.transaction() as tx:
        assert load_demo(tx.session, [COORDINATION8], {}, MONDAY) == {"meetings": 0}
    assert meetings(store) == []
