"""Referral statistics per municipio, for the reports: counts only, small ones suppressed.

The counts are tallies (models.Tally) that every write of a referral moves in its own
transaction (upkeep.py), so an overview reads a few rows per municipio, status, outcome and
month, never the referrals. The median days to acceptance comes from a histogram of the waits
in tenths of a day: it is the median of the waits rounded to 0.1 day, which can differ from the
median of the exact waits by up to 0.1 day (the answer is rounded to 0.1 anyway). The database
reads the histogram (as many rows as there are distinct waits, which a real wait's length
bounds, not the table) and answers the one or two buckets holding its middle."""
from collections import Counter
from datetime import timezone

from sqlalchemy import Integer, cast, func, select

from services.common.privacy import shown, shown_counts
from services.referrals.contract import OUTCOMES, STATUSES
from services.referrals.models import Referral, Tally

STATUS, OUTCOME, MONTH, OVERDUE, WAIT = "status", "outcome", "month", "overdue", "wait"


def facts(referral: Referral) -> Counter:
    """What one referral adds to its municipio's tallies, as (kind, key): 1."""
    sent_at = referral.sent_at.astimezone(timezone.utc)
    found = Counter({(STATUS, referral.status): 1, (MONTH, f"{sent_at:%Y-%m}"): 1})
    if referral.outcome:
        found[OUTCOME, referral.outcome] += 1
    if referral.overdue_waiting:
        found[OVERDUE, ""] += 1
    if referral.accepted_at:
        wait = (referral.accepted_at - referral.sent_at).total_seconds() / 86400
        found[WAIT, str(round(wait * 10))] += 1
    return found


def per_municipio(session, municipi: list) -> dict:
    tallies = {municipio: {} for municipio in municipi}
    for municipio, kind, key, count in session.execute(
            select(Tally.municipio, Tally.kind, Tally.key, Tally.count).where(
                Tally.municipio.in_(municipi), Tally.kind != WAIT, Tally.count > 0)):
        tallies[municipio].setdefault(kind, {})[key] = count
    medians = _median_days(session, municipi)
    return {str(m): {"referrals": _summary(found, medians.get(m))} for m, found in tallies.items()}


def _summary(tallies: dict, median_days: float | None) -> dict:
    by_status = tallies.get(STATUS, {})
    by_outcome = tallies.get(OUTCOME, {})
    return {
        "total": shown(sum(by_status.values())),
        "by_status": shown_counts({status: by_status.get(status, 0) for status in STATUSES}),
        "by_outcome": shown_counts({outcome: by_outcome.get(outcome, 0) for outcome in OUTCOMES}),
        "by_month": shown_counts(dict(sorted(tallies.get(MONTH, {}).items()))),
        "overdue": shown(tallies.get(OVERDUE, {}).get("", 0)),
        "median_days_to_acceptance": median_days,
    }


def _median_days(session, municipi: list) -> dict:
    """{municipio: median days to acceptance}, from the one or two buckets of the waits'
    histogram that hold its middle, found by the database (running sums)."""
    tenths = cast(Tally.key, Integer)
    waits = select(
        Tally.municipio, tenths.label("tenths"), Tally.count,
        func.sum(Tally.count).over(partition_by=Tally.municipio, order_by=tenths).label("upto"),
        func.sum(Tally.count).over(partition_by=Tally.municipio).label("total"),
    ).where(Tally.municipio.in_(municipi), Tally.kind == WAIT, Tally.count > 0).subquery()
    middle = session.execute(select(waits).where(
        waits.c.upto > (waits.c.total - 1) / 2, waits.c.upto - waits.c["count"] <= waits.c.total / 2))
    found = {}
    for municipio, tenths_, count, upto, total in middle:
        if total >= 5:  # a median of fewer than 5 waits would describe those few families
            found.setdefault(municipio, []).extend(
                tenths_ for position in ((total - 1) // 2, total // 2)
                if upto - count <= position < upto)
    return {municipio: round(sum(values) / len(values) / 10, 1)
            for municipio, values in found.items()}
