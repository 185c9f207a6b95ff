"""What a write of a referral keeps up to date beside it, in the same transaction: its rows in
referral_municipi, the `overdue_waiting` flag the lists sort by, and the overview's tallies.
Every write goes through `file` (a new referral) or `keeping_up` (a change)."""
from collections import Counter
from contextlib import contextmanager
from functools import cache

from sqlalchemy import update

from services.common.kept_counts import INSERTS
from services.referrals.models import Referral, ReferralMunicipio, Tally
from services.referrals.statistics import facts

WAITING = ("sent", "accepted", "on_hold")  # states in which a referral waits on its receiver


def file(session, referral: Referral):
    """A new referral: listed in the family's municipio and the receiver's, and counted."""
    referral.overdue_waiting = False
    referral.listings = [ReferralMunicipio(municipio=municipio, overdue_waiting=False,
                                           sent_at=referral.sent_at)
                         for municipio in sorted({referral.municipio, *referral.to_municipi})]
    count(session, referral.municipio, facts(referral))


@contextmanager
def keeping_up(session, referral: Referral):
    """Around a change of `referral`'s status or deadlines."""
    before = facts(referral)
    yield referral
    waiting = referral.status in WAITING and referral.overdue_at is not None
    if waiting != referral.overdue_waiting:
        referral.overdue_waiting = waiting
        session.execute(update(ReferralMunicipio).where(
            ReferralMunicipio.referral_id == referral.id).values(overdue_waiting=waiting))
    after = facts(referral)
    after.subtract(before)
    count(session, referral.municipio, after)


def count(session, municipio: int, changes: Counter):
    """Adds `changes` ((kind, key): n) to the municipio's tallies; an upsert, so that two
    first referrals of a month written at once both count. Rows are written in one order, so
    two writers never hold each other's tallies (a deadlock on PostgreSQL)."""
    rows = [{"municipio": municipio, "kind": kind, "key": key, "count": change}
            for (kind, key), change in sorted(changes.items()) if change]
    if rows:
        session.execute(_upsert(session.get_bind().dialect.name), rows)


@cache
def _upsert(dialect: str):
    """Made once per dialect: SQLAlchemy would compile a new one on every write."""
    tallies = Tally.__table__
    statement = INSERTS[dialect](tallies)
    return statement.on_conflict_do_update(
        index_elements=[tallies.c.municipio, tallies.c.kind, tallies.c.key],
        set_={"count": tallies.c.count + statement.excluded["count"]})
