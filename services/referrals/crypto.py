"""Rotation of the referrals' sealed values (services/common/sealing.py seals them)."""
from sqlalchemy import bindparam, select, update

from services.common.sealing import Cipher
from services.referrals.models import Consent, Family, ForwardProposal, Note

BATCH = 500


def rotate_all(session, cipher: Cipher) -> int:
    """Rewrites every sealed value with the newest key, in the caller's transaction; returns
    how many. Rows are read a batch at a time in the order of their ids, so five years of
    families are never held at once."""
    rotated = 0
    for model, column in ((Family, "personal"), (Consent, "given_by"), (Note, "body"),
                          (ForwardProposal, "consent_given_by")):
        table = model.__table__
        sealed = table.c[column]
        rewrite = (update(table).where(table.c.id == bindparam("row_id"))
                   .values({column: bindparam("value")}))
        first = select(table.c.id, sealed).where(sealed.is_not(None)).order_by(table.c.id)
        rows = session.execute(first.limit(BATCH)).all()
        while rows:
            session.execute(rewrite, [{"row_id": row_id, "value": cipher.rotate(value)}
                                      for row_id, value in rows])
            rotated += len(rows)
            rows = session.execute(first.where(table.c.id > rows[-1][0]).limit(BATCH)).all()
    return rotated
