"""Referral statistics per municipio, for the reports: counts only, small ones suppressed."""
import statistics as stats
from collections import Counter

from sqlalchemy import select

from services.common.privacy import shown, shown_counts
from services.referrals.contract import OUTCOMES, STATUSES
from services.referrals.models import Referral


def per_municipio(session, municipi: list) -> dict:
    referrals = session.execute(select(Referral).where(Referral.municipio.in_(municipi))).scalars()
    grouped = {m: [] for m in municipi}
    for referral in referrals:
        grouped[referral.municipio].append(referral)
    return {str(m): {"referrals": _summary(found)} for m, found in grouped.items()}


def _summary(referrals: list) -> dict:
    by_status = Counter(r.status for r in referrals)
    by_outcome = Counter(r.outcome for r in referrals if r.outcome)
    by_month = Counter(r.sent_at.strftime("%Y-%m") for r in referrals)
    waits = [(r.accepted_at - r.sent_at).total_seconds() / 86400 for r in referrals
             if r.accepted_at]
    return {
        "total": shown(len(referrals)),
        "by_status": shown_counts({status: by_status.get(status, 0) for status in STATUSES}),
        "by_outcome": shown_counts({outcome: by_outcome.get(outcome, 0) for outcome in OUTCOMES}),
        "by_month": shown_counts(dict(sorted(by_month.items()))),
        "overdue": shown(sum(1 for r in referrals if r.status == "sent" and r.overdue_at)),
        # a median of fewer than 5 waits would describe those few families
        "median_days_to_acceptance": round(stats.median(waits), 1) if len(waits) >= 5 else None,
    }
