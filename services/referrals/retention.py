"""Retention: the personal data of closed referrals is erased after a configurable period
(24 months by default, the programme's possible extension); what the statistics need stays."""
from datetime import datetime, timedelta

from sqlalchemy import exists, func, not_, or_, select

from services.referrals.models import AuditEntry, Family, Referral

CLOSED = ("completed", "declined", "withdrawn", "forwarded")


def erase_expired(tx, now: datetime, months: int) -> int:
    """Erases the personal data of each family whose referrals all closed before the cutoff:
    the guardian's details, the consent's signatory, the notes. Codes, dates, needs, ages and
    outcomes stay for the statistics. The database picks those families: the hourly run no
    longer reads every family and its referrals."""
    cutoff = now - timedelta(days=round(months * 30.44))
    kept = exists().where(Referral.family_id == Family.id, or_(
        Referral.status.not_in(CLOSED),
        func.coalesce(Referral.completed_at, Referral.declined_at, Referral.withdrawn_at,
                      Referral.forwarded_at) > cutoff))
    erased = 0
    for family in tx.session.execute(select(Family).where(
            Family.erased_at.is_(None), not_(kept))).scalars().all():
        referrals = tx.session.execute(
            select(Referral).where(Referral.family_id == family.id)).scalars().all()
        family.personal = None
        family.erased_at = now
        for referral in referrals:
            referral.consent.given_by = None
            for note in referral.notes:
                note.body = None
            tx.session.add(AuditEntry(referral_id=referral.id, user_id=None, role="system",
                                      action="personal_data_erased", at=now))
        erased += 1
    return erased
