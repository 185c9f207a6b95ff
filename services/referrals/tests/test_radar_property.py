"""Property: whatever happens to a set of referrals (declines, forwards, holds, overdue sweeps,
families saying nobody called), the unmet-needs radar counts, per municipio, month, need and
zone, exactly the referrals that showed each sign in that month; and its report shows them
with small counts suppressed."""
from collections import defaultdict
from datetime import timedelta

import pytest
from cryptography.fernet import Fernet
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from services.common.database import Store
from services.common.errors import Conflict, Gone, NotFound
from services.common.periods import Period, month_of
from services.common.privacy import shown
from services.common.schemas import load
from services.common.sealing import Cipher
from services.referrals import deadlines, family_cards, forwards, handovers, radar
from services.referrals.contract import ReferralCreateSchema
from services.referrals.models import Base
from services.referrals.tests.test_continued import forward_data
from services.referrals.tests.test_handovers import (ASC8, NOW, OTHER_ORG, RECEIVER,
                                                     RECEIVER_ORG, SENDER, request)

NEEDS = st.lists(st.sampled_from(["educational", "sport", "health"]), min_size=1, max_size=2,
                 unique=True)
FAMILIES = st.lists(st.tuples(NEEDS, st.sampled_from(["Quarto Oggiaro", "Comasina", None]),
                              st.sampled_from([3, 8])), min_size=1, max_size=6)
STEPS = st.lists(st.tuples(
    st.sampled_from(["decline_no_capacity", "decline_not_provided", "decline_other", "accept",
                     "hold", "start", "forward_no_capacity", "forward_better_fit", "sweep",
                     "not_contacted", "met"]),
    st.integers(0, 5), st.integers(0, 12)), min_size=1, max_size=25)
SIGNS = {"decline_no_capacity": "no_capacity", "decline_not_provided": "service_not_provided",
         "forward_no_capacity": "no_capacity", "hold": "on_hold"}


@pytest.fixture
def store(databases):
    store = Store(databases["referrals"], Base.metadata)
    yield store
    store.dispose()


def empty(store):
    with store.engine.begin() as connection:
        for table in reversed(Base.metadata.sorted_tables):
            connection.execute(table.delete())


# Bounded to run in seconds, without shrinking (as the events' counts property)
@settings(max_examples=25, deadline=None, database=None,
          phases=[Phase.explicit, Phase.reuse, Phase.generate],
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(families=FAMILIES, steps=STEPS)
def test_the_radar_counts_the_referrals_that_showed_each_sign(store, families, steps):
    empty(store)
    cipher = Cipher([Fernet.generate_key()])
    expected = defaultdict(lambda: defaultdict(set))
    zone_of, needs_of, municipio_of, cards, ids = {}, {}, {}, {}, []
    now = NOW
    for number, (needs, zone, municipio) in enumerate(families):
        family = {**request()["family"], "reference": f"P-{number}", "zone": zone,
                  "municipio": municipio}
        if zone is None:
            del family["zone"]
        data = load(ReferralCreateSchema(), request(family=family, needs=needs))
        with store.transaction() as tx:
            referral = handovers.send(tx, SENDER, data, {"id": RECEIVER_ORG, "municipi": [4]},
                                      cipher, now=now)
            code, _card = family_cards.issue(tx, referral, "print", cipher, now)
        ids.append(referral.id)
        cards[referral.id] = code
        zone_of[referral.id], needs_of[referral.id] = zone or "", needs
        municipio_of[referral.id] = municipio

    def sign(referral_id, kind, at):
        for key in ((municipio_of[referral_id], month_of(at), None, None),
                    *((municipio_of[referral_id], month_of(at), need, zone_of[referral_id])
                      for need in needs_of[referral_id])):
            expected[key][kind].add(referral_id)

    for step, which, days in steps:
        now += timedelta(days=days)
        referral_id = ids[which % len(ids)]
        try:
            with store.transaction() as tx:
                if step.startswith("decline"):
                    reason = {"decline_no_capacity": "no_capacity", "decline_other": "other",
                              "decline_not_provided": "service_not_provided"}[step]
                    handovers.move(tx, RECEIVER, referral_id, "declined", now=now,
                                   decline_reason=reason)
                elif step == "accept":
                    handovers.move(tx, RECEIVER, referral_id, "accepted", now=now)
                elif step == "hold":
                    handovers.move(tx, RECEIVER, referral_id, "on_hold", now=now,
                                   held_until=(now + timedelta(days=10)).date(),
                                   hold_reason="lista d'attesa")
                elif step == "start":
                    handovers.move(tx, RECEIVER, referral_id, "in_progress", now=now)
                elif step.startswith("forward"):
                    reason = step.removeprefix("forward_")
                    forwards.propose(tx, RECEIVER, referral_id, forward_data(reason=reason),
                                     {"id": OTHER_ORG, "municipi": [8]}, cipher, now)
                    new = forwards.agree(tx, ASC8, referral_id, cipher, now).id
                    for known in (zone_of, needs_of, municipio_of, cards):
                        known[new] = known[referral_id]
                    ids.append(new)
                elif step == "sweep":
                    deadlines.sweep(tx, now)
                    for event in tx.events:
                        if event["event_type"] == "referral_overdue":
                            sign(event["payload"]["referral_id"], "overdue", now)
                    continue
                else:  # the card answers for the referral it follows to, told on the bus
                    family_cards.answer(tx, cards[referral_id], step, now)
                    for event in tx.events:
                        if event["payload"].get("answer") == "not_contacted":
                            sign(event["payload"]["referral_id"], "not_contacted", now)
                    continue
        except (Conflict, Gone, NotFound):  # an illegal move, an expired or followed card
            continue
        if step in SIGNS:
            sign(referral_id, SIGNS[step], now)

    period = Period(NOW.date(), now.date() + timedelta(days=1))
    with store.sessions() as session:
        counted = radar.counts(session, [3, 8], period)
        report = radar.report(session, [3, 8], period)
    assert {key: {kind: ids_ for kind, ids_ in kinds.items() if ids_}
            for key, kinds in counted.items()} == {
        key: dict(kinds) for key, kinds in expected.items()}
    for row in report["items"]:
        key = (row["municipio"], row["month"], row["need"], row["zone"])
        assert {kind: row[kind] for kind in radar.KINDS} == {
            kind: shown(len(expected[key].get(kind, ()))) for kind in radar.KINDS}
