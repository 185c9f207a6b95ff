"""Rotation of the referrals' sealed values (services/common/sealing.py seals them)."""
from sqlalchemy import select

from services.common.sealing import Cipher
from services.referrals.models import Consent, Family, Note


def rotate_all(session, cipher: Cipher) -> int:
    """Rewrites every encrypted value with the newest key; returns how many."""
    rotated = 0
    for model, column in ((Family, "personal"), (Consent, "given_by"), (Note, "body")):
        for row in session.execute(select(model)).scalars():
            if getattr(row, column) is not None:
                setattr(row, column, cipher.rotate(getattr(row, column)))
                rotated += 1
    return rotated
