"""Referral statistics per municipio, for the reports: counts only, small ones suppressed.

The counts are tallies (models.Tally) that every write of a referral moves in its own
transaction (upkeep.py), so an overview reads a few rows per municipio, status, outcome and
month, never the referrals. Each fact is kept twice: all time, and for the month (in Rome) the
referral was sent in (`MONTHLY` kinds, keys "YYYY-MM key"), so that a period reads the tallies
of its whole months and the referrals of its part months only (periods.Period).

The median days to acceptance comes from a histogram of the waits in tenths of a day: it is the
median of the waits rounded to 0.1 day, which can differ from the median of the exact waits by
up to 0.1 day (the answer is rounded to 0.1 anyway). All time, the database reads the histogram
(as many rows as there are distinct waits, which a real wait's length bounds, not the table)
and answers the one or two buckets holding its middle."""
from collections import Counter
from datetime import timezone

from sqlalchemy import Integer, cast, func, select

from services.common.periods import Period, month_of
from services.common.privacy import SMALL_COUNT, shown_figures
from services.referrals.contract import FAMILY_ANSWERS, OUTCOMES, STATUSES
from services.referrals.models import Referral, Tally

STATUS, OUTCOME, MONTH, OVERDUE, WAIT = "status", "outcome", "month", "overdue", "wait"
FAMILY = "family"  # the family's latest word on its card
MONTHLY = "m:"  # before a kind: its tallies per month of sending
MONTHLY_COUNTS = tuple(MONTHLY + kind for kind in (STATUS, OUTCOME, OVERDUE, FAMILY))


def facts(referral: Referral) -> Counter:
    """What one referral adds to its municipio's tallies, as (kind, key): 1."""
    sent_at = referral.sent_at.astimezone(timezone.utc)
    found = _facts(referral)
    month = month_of(referral.sent_at)
    found.update({(MONTHLY + kind, f"{month} {key}"): n for (kind, key), n in found.items()})
    found[MONTH, f"{sent_at:%Y-%m}"] += 1
    return found


def _facts(referral) -> Counter:
    found = _counted(referral.status, referral.outcome, referral.overdue_waiting,
                     referral.family_answer)
    if referral.accepted_at:
        found[WAIT, str(_tenths(referral.sent_at, referral.accepted_at))] += 1
    return found


def _counted(status: str, outcome: str | None, overdue: bool, family_answer: str | None,
             count: int = 1) -> Counter:
    found = Counter({(STATUS, status): count})
    if outcome:
        found[OUTCOME, outcome] += count
    if overdue:
        found[OVERDUE, ""] += count
    if family_answer:
        found[FAMILY, family_answer] += count
    return found


def _tenths(sent_at, accepted_at) -> int:
    """The wait to acceptance in tenths of a day."""
    return round((accepted_at - sent_at).total_seconds() / 86400 * 10)


def per_municipio(session, municipi: list, period=None) -> dict:
    if period:
        tallies, medians = _in_period(session, municipi, period)
    else:
        tallies = {municipio: {} for municipio in municipi}
        for municipio, kind, key, count in session.execute(
                select(Tally.municipio, Tally.kind, Tally.key, Tally.count).where(
                    Tally.municipio.in_(municipi), Tally.count > 0,
                    Tally.kind.in_((STATUS, OUTCOME, MONTH, OVERDUE, FAMILY)))):
            tallies[municipio].setdefault(kind, {})[key] = count
        medians = _median_days(session, municipi)
    return {str(m): shown_figures({"referrals": _summary(found, medians.get(m))})
            for m, found in tallies.items()}


def _summary(tallies: dict, median_days: float | None) -> dict:
    by_status = tallies.get(STATUS, {})
    by_outcome = tallies.get(OUTCOME, {})
    return {
        "total": sum(by_status.values()),
        "by_status": {status: by_status.get(status, 0) for status in STATUSES},
        "by_outcome": {outcome: by_outcome.get(outcome, 0) for outcome in OUTCOMES},
        "by_month": dict(sorted(tallies.get(MONTH, {}).items())),
        "overdue": tallies.get(OVERDUE, {}).get("", 0),
        "median_days_to_acceptance": median_days,
        "family_answers": {answer: tallies.get(FAMILY, {}).get(answer, 0)
                           for answer in FAMILY_ANSWERS},
    }


def _in_period(session, municipi: list, period) -> tuple:
    """The tallies of the referrals sent in `period` ({municipio: {kind: {key: n}}}, months in
    Rome) and their medians: its whole months' tallies, its part months' referrals."""
    tallies = {municipio: {} for municipio in municipi}
    waits = {municipio: Counter() for municipio in municipi}

    def add(municipio, kind, key, month, count):
        if kind == WAIT:
            waits[municipio][int(key)] += count
            return
        found = tallies[municipio]
        found.setdefault(kind, Counter())[key] += count
        if kind == STATUS:
            found.setdefault(MONTH, Counter())[month] += count

    whole = period.whole_months()
    if whole:
        months = (Tally.municipio.in_(municipi), Tally.key >= whole[0],
                  Tally.key < whole[1] + "~", Tally.count > 0)
        for municipio, kind, key, count in session.execute(
                select(Tally.municipio, Tally.kind, Tally.key, Tally.count).where(
                    Tally.kind.in_(MONTHLY_COUNTS), *months)):
            month, _, fact = key.partition(" ")
            add(municipio, kind.removeprefix(MONTHLY), fact, month, count)
        # the waits' histogram of those months, summed by the database: a row per wait
        tenths = func.substr(Tally.key, len("YYYY-MM ") + 1)
        for municipio, wait, count in session.execute(
                select(Tally.municipio, tenths, func.sum(Tally.count))
                .where(Tally.kind == MONTHLY + WAIT, *months).group_by(Tally.municipio, tenths)):
            add(municipio, WAIT, wait, None, int(count))
    for first, last in period.part_months():  # each within one month
        start, end = Period(first, last).moments()
        month = f"{first:%Y-%m}"
        sent = (Referral.municipio.in_(municipi), Referral.sent_at >= start,
                Referral.sent_at < end)
        facts_ = (Referral.municipio, Referral.status, Referral.outcome, Referral.overdue_waiting,
                  Referral.family_answer)
        for municipio, *fact, count in session.execute(
                select(*facts_, func.count()).where(*sent).group_by(*facts_)):
            for (kind, key), n in _counted(*fact, count).items():
                add(municipio, kind, key, month, n)
        for municipio, sent_at, accepted_at in session.execute(
                select(Referral.municipio, Referral.sent_at, Referral.accepted_at)
                .where(*sent, Referral.accepted_at.is_not(None))):
            add(municipio, WAIT, _tenths(sent_at, accepted_at), month, 1)
    return tallies, {municipio: _median_of(found) for municipio, found in waits.items()}


def _median_of(waits: Counter) -> float | None:
    """The median of a histogram of waits in tenths of a day, in days; None under 5 waits."""
    total = sum(waits.values())
    if total < SMALL_COUNT:
        return None
    middle, seen = [], 0
    for tenths, count in sorted(waits.items()):
        middle += [tenths for position in ((total - 1) // 2, total // 2)
                   if seen <= position < seen + count]
        seen += count
    return round(sum(middle) / len(middle) / 10, 1)


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
        if total >= SMALL_COUNT:  # a median of fewer than 5 waits would describe those families
            found.setdefault(municipio, []).extend(
                tenths_ for position in ((total - 1) // 2, total // 2)
                if upto - count <= position < upto)
    return {municipio: round(sum(values) / len(values) / 10, 1)
            for municipio, values in found.items()}
