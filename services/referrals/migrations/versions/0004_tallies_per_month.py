"""the overview's tallies also per month of sending (in Rome), so that a report of a period
reads its months' tallies, filled from the referrals there are; an index to count a period's
part months

Revision ID: 0004
Revises: 0003
"""
from collections import Counter
from datetime import timezone
from zoneinfo import ZoneInfo

from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

ROME = ZoneInfo('Europe/Rome')
MONTHLY_KINDS = ('m:status', 'm:outcome', 'm:overdue', 'm:wait')

referrals = sa.table('referrals', sa.column('municipio', sa.Integer),
                     sa.column('status', sa.String), sa.column('outcome', sa.String),
                     sa.column('sent_at', sa.DateTime), sa.column('accepted_at', sa.DateTime),
                     sa.column('overdue_waiting', sa.Boolean))
tallies = sa.table('referral_tallies', sa.column('municipio', sa.Integer),
                   sa.column('kind', sa.String), sa.column('key', sa.String),
                   sa.column('count', sa.Integer))


def upgrade():
    op.create_index('ix_referrals_municipio_sent_at', 'referrals', ['municipio', 'sent_at'])
    counts = Counter()
    for referral in op.get_bind().execute(sa.select(referrals)).mappings():
        counts.update(_monthly_facts(referral))
    if counts:
        op.get_bind().execute(tallies.insert(), [
            {'municipio': municipio, 'kind': kind, 'key': key, 'count': count}
            for (municipio, kind, key), count in counts.items()])


def _monthly_facts(referral) -> list:
    """As statistics.facts counts a referral per month of sending."""
    municipio, sent_at = referral['municipio'], _utc(referral['sent_at'])
    month = f'{sent_at.astimezone(ROME):%Y-%m}'
    found = [(municipio, 'm:status', f"{month} {referral['status']}")]
    if referral['outcome']:
        found.append((municipio, 'm:outcome', f"{month} {referral['outcome']}"))
    if referral['overdue_waiting']:
        found.append((municipio, 'm:overdue', f'{month} '))
    if referral['accepted_at']:
        wait = (_utc(referral['accepted_at']) - sent_at).total_seconds() / 86400
        found.append((municipio, 'm:wait', f'{month} {round(wait * 10)}'))
    return found


def _utc(moment):
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else (
        moment.astimezone(timezone.utc))


def downgrade():
    op.execute(tallies.delete().where(tallies.c.kind.in_(MONTHLY_KINDS)))
    op.drop_index('ix_referrals_municipio_sent_at', table_name='referrals')
