"""Deadlines in working days, and the timer's sweep that marks referrals overdue (telling the
social worker) and, past a second deadline, escalates them to the coordinator.

A referral waits on its receiver in three states, each with its clock (`restart`):
- sent: an answer is due within the urgency's working days;
- accepted: the first contact (in_progress) is due within as many again;
- on_hold: the family waits on the receiver's list until `held_until` (its last day, in Milan).
Once the first contact is made (in_progress) nothing waits on a clock.
"""
from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from services.common.schemas import ROME, local_time
from services.referrals.models import Referral, UnmetNeed
from services.referrals.payloads import event_payload
from services.referrals.upkeep import WAITING, keeping_up

WORKING_DAYS = {"high": 2, "normal": 5, "low": 10}
# national holidays, and Sant'Ambrogio, Milan's patron saint
FIXED_HOLIDAYS = {(1, 1), (1, 6), (4, 25), (5, 1), (6, 2), (8, 15), (11, 1), (12, 7), (12, 8),
                  (12, 25), (12, 26)}


def easter_monday(year: int) -> date:
    """The Gregorian computus (Meeus/Jones/Butcher)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    l_ = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 19 * l_) // 433
    month = (h + l_ - 7 * m + 90) // 25
    day = (h + l_ - 7 * m + 33 * month + 19) % 32
    return date(year, month, day) + timedelta(days=1)


def is_working_day(day: date) -> bool:
    return (day.isoweekday() <= 5 and (day.month, day.day) not in FIXED_HOLIDAYS
            and day != easter_monday(day.year))


def add_working_days(moment: datetime, days: int) -> datetime:
    """The same time of day, `days` working days later (in Milan's calendar)."""
    local = local_time(moment)
    while days:
        local = local + timedelta(days=1)
        if is_working_day(local.date()):
            days -= 1
    return local


def deadline_for(sent_at: datetime, urgency: str) -> datetime:
    return add_working_days(sent_at, WORKING_DAYS[urgency])


def restart(referral: Referral, now: datetime):
    """The clock of the state `referral` just entered (a change under `keeping_up`)."""
    if referral.status not in WAITING:
        return
    referral.overdue_at = referral.escalated_at = None
    if referral.status == "on_hold":
        referral.deadline_at = datetime.combine(referral.held_until + timedelta(days=1), time(),
                                                ROME)
    elif referral.status == "accepted":
        referral.deadline_at = deadline_for(now, referral.urgency)


def sweep(tx, now: datetime) -> dict:
    """Marks unanswered referrals overdue, and escalates those left past a second deadline
    (escalated ones are done with: years of them need not be read every minute). The rows are
    locked, so that an answer given meanwhile is not listed or counted as still overdue."""
    waiting = tx.session.execute(select(Referral).where(
        Referral.status.in_(WAITING), Referral.deadline_at <= now,
        Referral.escalated_at.is_(None), Referral.forward_pending.is_(False)
    ).with_for_update(of=Referral)).scalars().all()
    counts = {"overdue": 0, "escalated": 0}
    for referral in waiting:
        if referral.overdue_at is None:
            with keeping_up(tx.session, referral):
                referral.overdue_at = now
            tx.session.add(UnmetNeed(referral_id=referral.id, municipio=referral.municipio,
                                     kind="overdue", at=now))
            tx.emit("referral_overdue", event_payload(referral))
            counts["overdue"] += 1
        second = add_working_days(referral.deadline_at, WORKING_DAYS[referral.urgency])
        if referral.escalated_at is None and second <= now:
            referral.escalated_at = now
            tx.emit("referral_escalated", event_payload(referral))
            counts["escalated"] += 1
    return counts
