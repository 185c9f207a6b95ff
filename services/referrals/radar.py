"""The unmet-needs radar: per municipio and month (in Rome), how many referrals showed a need
the network could not meet, by need and zone, for the coordination's meeting.

Each sign is an `UnmetNeed` row written when it happened (handovers, forwards, deadlines,
family_cards): a decline or forward for no capacity or a service not provided, an overdue wait,
a hold on a waiting list, a family's "nobody called us". A referral counts once per kind and
month however often it showed that sign, and under each of its needs; its zone is the family's.
Counts of 1 to 4 are shown as "<5" (privacy.shown)."""
from collections import defaultdict
from datetime import date, timedelta

from sqlalchemy import select

from services.common.context import CITY, COORDINATOR, SOCIAL_WORKER, Caller
from services.common.periods import Period, month_of
from services.common.privacy import report_scope, shown
from services.common.schemas import local_time
from services.referrals.models import Family, Referral, UnmetNeed

KINDS = ("no_capacity", "service_not_provided", "overdue", "on_hold", "not_contacted")
READERS = (COORDINATOR, SOCIAL_WORKER, CITY)


def scope(caller: Caller, municipio: int | None) -> list:
    """The municipi the caller's radar covers: the city any (all without one named), a
    coordinator or a social worker its own."""
    return report_scope(caller, [municipio] if municipio else None, READERS)


def default_period(today: date) -> Period:
    """This month and the eleven before it."""
    first = today.replace(day=1)
    for _ in range(11):
        first = (first - timedelta(days=1)).replace(day=1)
    return Period(first, today)


def counts(session, municipi: list, period: Period) -> dict:
    """{(municipio, month, need, zone): {kind: referral ids}}, and the same per (municipio,
    month) under need and zone None, as sets of referral ids."""
    start, end = period.moments()
    found = defaultdict(lambda: defaultdict(set))
    for municipio, kind, at, referral_id, needs, zone in session.execute(
            select(UnmetNeed.municipio, UnmetNeed.kind, UnmetNeed.at, UnmetNeed.referral_id,
                   Referral.needs, Family.zone)
            .join(Referral, Referral.id == UnmetNeed.referral_id)
            .join(Family, Family.id == Referral.family_id)
            .where(UnmetNeed.municipio.in_(municipi), UnmetNeed.at >= start,
                   UnmetNeed.at < end)):
        month = month_of(local_time(at))
        found[municipio, month, None, None][kind].add(referral_id)
        for need in needs:
            found[municipio, month, need, zone or ""][kind].add(referral_id)
    return found


def report(session, municipi: list, period: Period) -> dict:
    """The radar as the API answers it: rows by need and zone, and each month's totals; the
    city's totals across the municipi when it covers more than one."""
    found = counts(session, municipi, period)
    rows, totals = [], []
    city = defaultdict(lambda: defaultdict(set))
    for (municipio, month, need, zone), kinds in sorted(
            found.items(), key=lambda item: tuple("" if part is None else str(part)
                                                  for part in item[0])):
        figures = {kind: shown(len(kinds.get(kind, ()))) for kind in KINDS}
        if need is None:
            totals.append({"municipio": municipio, "month": month, **figures})
            for kind, ids in kinds.items():
                city[month][kind] |= ids
        else:
            rows.append({"municipio": municipio, "month": month, "need": need, "zone": zone,
                         **figures})
    if len(municipi) > 1:
        totals += [{"municipio": None, "month": month,
                    **{kind: shown(len(kinds.get(kind, ()))) for kind in KINDS}}
                   for month, kinds in sorted(city.items())]
    return {"period": {"from": period.first.isoformat(), "to": period.last.isoformat()},
            "municipi": municipi,
            "items": rows, "totals": totals}
