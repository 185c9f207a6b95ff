"""Referral statistics per municipio, for the reports: counts only, small ones suppressed.

The counts are tallies (models.Tally) that every write of a referral moves in its own
transaction (upkeep.py), so an overview reads a few rows per municipio, status, outcome and
month, never the referrals. The median days to acceptance comes from a histogram of the waits
in tenths of a day: it is the median of the waits rounded to 0.1 day, which can differ from the
median of the exact waits by up to 0.1 day (the answer is rounded to 0.1 anyway); its cost grows
with how many distinct waits there are, which a real wait's length bounds, not with the table."""
from collections import Counter
from datetime import timezone

from sqlalchemy import select

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
                Tally.municipio.in_(municipi), Tally.count > 0)):
        tallies[municipio].setdefault(kind, {})[key] = count
    return {str(m): {"referrals": _summary(found)} for m, found in tallies.items()}


def _summary(tallies: dict) -> dict:
    by_status = tallies.get(STATUS, {})
    by_outcome = tallies.get(OUTCOME, {})
    return {
        "total": shown(sum(by_status.values())),
        "by_status": shown_counts({status: by_status.get(status, 0) for status in STATUSES}),
        "by_outcome": shown_counts({outcome: by_outcome.get(outcome, 0) for outcome in OUTCOMES}),
        "by_month": shown_counts(dict(sorted(tallies.get(MONTH, {}).items()))),
        "overdue": shown(tallies.get(OVERDUE, {}).get("", 0)),
        "median_days_to_acceptance": _median_days(tallies.get(WAIT, {})),
    }


def _median_days(histogram: dict) -> float | None:
    waits = sorted((int(tenths), count) for tenths, count in histogram.items())
    total = sum(count for _tenths, count in waits)
    if total < 5:  # a median of fewer than 5 waits would describe those few families
        return None
    middle = [(total - 1) // 2, total // 2]
    values, seen = [], 0
    for tenths, count in waits:
        values += [tenths] * sum(1 for position in middle if seen <= position < seen + count)
        seen += count
    return round(sum(values) / 2 / 10, 1)
