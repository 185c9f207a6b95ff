"""the referral lists paged in the database (the municipi that see each referral, the list
order's indexes) and the overview's tallies, filled from the referrals there are

Revision ID: 0002
Revises: 0001
"""
from collections import Counter
from datetime import timezone

from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None

LISTED = ('from_user_id', 'from_organization_id', 'to_organization_id')
CHUNK = 5000

referrals = sa.table('referrals', sa.column('id', sa.String), sa.column('municipio', sa.Integer),
                     sa.column('to_municipi', sa.JSON), sa.column('status', sa.String),
                     sa.column('outcome', sa.String), sa.column('sent_at', sa.DateTime),
                     sa.column('accepted_at', sa.DateTime), sa.column('overdue_at', sa.DateTime),
                     sa.column('overdue_waiting', sa.Boolean))


def upgrade():
    with op.batch_alter_table('referrals', schema=None) as batch_op:
        batch_op.add_column(sa.Column('overdue_waiting', sa.Boolean(), server_default=sa.false(),
                                      nullable=False))
        batch_op.drop_index('ix_referrals_from_organization_id')
        batch_op.drop_index('ix_referrals_to_organization_id')
        for column in LISTED:
            batch_op.create_index(f'ix_referrals_{column}_listed',
                                  [column, 'overdue_waiting', 'sent_at', 'id'], unique=False)
    municipi = op.create_table('referral_municipi',
    sa.Column('referral_id', sa.String(length=36), nullable=False),
    sa.Column('municipio', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('overdue_waiting', sa.Boolean(), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['referral_id'], ['referrals.id'], ),
    sa.PrimaryKeyConstraint('referral_id', 'municipio')
    )
    op.create_index('ix_referral_municipi_listed', 'referral_municipi',
                    ['municipio', 'overdue_waiting', 'sent_at', 'referral_id'], unique=False)
    tallies = op.create_table('referral_tallies',
    sa.Column('municipio', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('key', sa.String(length=30), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('municipio', 'kind', 'key')
    )
    _backfill(op.get_bind(), municipi, tallies)


def _backfill(connection, municipi, tallies):
    """What the referrals there are add to the lists and the tallies (as upkeep.py would)."""
    connection.execute(referrals.update().where(
        referrals.c.status == 'sent', referrals.c.overdue_at.is_not(None)
    ).values(overdue_waiting=True))
    counts, rows = Counter(), []
    for referral in connection.execute(sa.select(referrals)).mappings():
        waiting = referral['status'] == 'sent' and referral['overdue_at'] is not None
        rows += [{'referral_id': referral['id'], 'municipio': municipio,
                  'overdue_waiting': waiting, 'sent_at': referral['sent_at']}
                 for municipio in sorted({referral['municipio'], *referral['to_municipi']})]
        if len(rows) >= CHUNK:
            connection.execute(municipi.insert(), rows)
            rows = []
        counts.update(_facts(referral, waiting))
    if rows:
        connection.execute(municipi.insert(), rows)
    if counts:
        connection.execute(tallies.insert(), [
            {'municipio': municipio, 'kind': kind, 'key': key, 'count': count}
            for (municipio, kind, key), count in counts.items()])


def _facts(referral, waiting: bool) -> list:
    municipio, sent_at = referral['municipio'], _utc(referral['sent_at'])
    found = [(municipio, 'status', referral['status']), (municipio, 'month', f'{sent_at:%Y-%m}')]
    if referral['outcome']:
        found.append((municipio, 'outcome', referral['outcome']))
    if waiting:
        found.append((municipio, 'overdue', ''))
    if referral['accepted_at']:
        wait = (_utc(referral['accepted_at']) - sent_at).total_seconds() / 86400
        found.append((municipio, 'wait', str(round(wait * 10))))
    return found


def _utc(moment):
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else (
        moment.astimezone(timezone.utc))


def downgrade():
    op.drop_table('referral_tallies')
    op.drop_index('ix_referral_municipi_listed', table_name='referral_municipi')
    op.drop_table('referral_municipi')
    with op.batch_alter_table('referrals', schema=None) as batch_op:
        for column in reversed(LISTED):
            batch_op.drop_index(f'ix_referrals_{column}_listed')
        batch_op.create_index('ix_referrals_to_organization_id', ['to_organization_id'],
                              unique=False)
        batch_op.create_index('ix_referrals_from_organization_id', ['from_organization_id'],
                              unique=False)
        batch_op.drop_column('overdue_waiting')
