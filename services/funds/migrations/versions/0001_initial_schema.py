"""initial schema

Revision ID: 0001
Revises:
"""
from alembic import op
import sqlalchemy as sa

from services.common.migrations import create_bus_tables, drop_bus_tables


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    create_bus_tables(op)
    op.create_table('budgets',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('municipio', sa.Integer(), nullable=False),
    sa.Column('period', sa.String(length=9), nullable=False),
    sa.Column('approval_threshold_cents', sa.BigInteger(), nullable=False),
    sa.Column('funded_cents', sa.BigInteger(), nullable=False),
    sa.Column('committed_cents', sa.BigInteger(), nullable=False),
    sa.Column('spent_cents', sa.BigInteger(), nullable=False),
    sa.Column('entry_count', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_user_id', sa.String(length=36), nullable=True),
    sa.CheckConstraint('committed_cents >= 0', name='ck_budgets_committed_not_negative'),
    sa.CheckConstraint('funded_cents - committed_cents - spent_cents >= 0', name='ck_budgets_never_overdrawn'),
    sa.CheckConstraint('spent_cents >= 0', name='ck_budgets_spent_not_negative'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('municipio', 'period')
    )
    with op.batch_alter_table('budgets', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_budgets_municipio'), ['municipio'], unique=False)

    op.create_table('code_counters',
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('value', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('year')
    )
    op.create_table('fund_requests',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('code', sa.String(length=20), nullable=False),
    sa.Column('budget_id', sa.String(length=36), nullable=False),
    sa.Column('municipio', sa.Integer(), nullable=False),
    sa.Column('period', sa.String(length=9), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('action', sa.String(length=200), nullable=True),
    sa.Column('referral_code', sa.String(length=20), nullable=True),
    sa.Column('family_reference', sa.String(length=60), nullable=True),
    sa.Column('purpose', sa.Text(), nullable=False),
    sa.Column('category', sa.String(length=30), nullable=False),
    sa.Column('amount_cents', sa.BigInteger(), nullable=False),
    sa.Column('supplier', sa.String(length=200), nullable=True),
    sa.Column('status', sa.String(length=15), nullable=False),
    sa.Column('requested_by_user_id', sa.String(length=36), nullable=False),
    sa.Column('requested_by_role', sa.String(length=20), nullable=False),
    sa.Column('organization_id', sa.String(length=36), nullable=True),
    sa.Column('needs_city', sa.Boolean(), nullable=True),
    sa.Column('paid_cents', sa.BigInteger(), nullable=False),
    sa.Column('released_cents', sa.BigInteger(), nullable=False),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint('paid_cents + released_cents <= amount_cents', name='ck_fund_requests_within_amount'),
    sa.ForeignKeyConstraint(['budget_id'], ['budgets.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('code')
    )
    with op.batch_alter_table('fund_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_fund_requests_budget_id'), ['budget_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_fund_requests_municipio'), ['municipio'], unique=False)
        batch_op.create_index(batch_op.f('ix_fund_requests_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_fund_requests_status'), ['status'], unique=False)

    op.create_table('decisions',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('request_id', sa.String(length=36), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('stage', sa.String(length=12), nullable=False),
    sa.Column('outcome', sa.String(length=12), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('user_id', sa.String(length=36), nullable=True),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['request_id'], ['fund_requests.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('request_id', 'position')
    )
    with op.batch_alter_table('decisions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_decisions_request_id'), ['request_id'], unique=False)

    op.create_table('ledger_entries',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('budget_id', sa.String(length=36), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=15), nullable=False),
    sa.Column('amount_cents', sa.BigInteger(), nullable=False),
    sa.Column('available_after_cents', sa.BigInteger(), nullable=False),
    sa.Column('booked_on', sa.Date(), nullable=False),
    sa.Column('source', sa.String(length=15), nullable=True),
    sa.Column('description', sa.String(length=300), nullable=True),
    sa.Column('reference', sa.String(length=100), nullable=True),
    sa.Column('request_id', sa.String(length=36), nullable=True),
    sa.Column('request_code', sa.String(length=20), nullable=True),
    sa.Column('request_kind', sa.String(length=12), nullable=True),
    sa.Column('category', sa.String(length=30), nullable=True),
    sa.Column('action', sa.String(length=200), nullable=True),
    sa.Column('paid_on', sa.Date(), nullable=True),
    sa.Column('receipt_reference', sa.String(length=100), nullable=True),
    sa.Column('reverses_id', sa.String(length=36), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('recorded_by_user_id', sa.String(length=36), nullable=True),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('available_after_cents >= 0', name='ck_ledger_entries_never_overdrawn'),
    sa.ForeignKeyConstraint(['budget_id'], ['budgets.id'], ),
    sa.ForeignKeyConstraint(['request_id'], ['fund_requests.id'], ),
    sa.ForeignKeyConstraint(['reverses_id'], ['ledger_entries.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('budget_id', 'position'),
    sa.UniqueConstraint('reverses_id')
    )
    with op.batch_alter_table('ledger_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ledger_entries_budget_id'), ['budget_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_ledger_entries_request_id'), ['request_id'], unique=False)



def downgrade():
    with op.batch_alter_table('ledger_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ledger_entries_request_id'))
        batch_op.drop_index(batch_op.f('ix_ledger_entries_budget_id'))

    op.drop_table('ledger_entries')
    with op.batch_alter_table('decisions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_decisions_request_id'))

    op.drop_table('decisions')
    with op.batch_alter_table('fund_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_fund_requests_status'))
        batch_op.drop_index(batch_op.f('ix_fund_requests_organization_id'))
        batch_op.drop_index(batch_op.f('ix_fund_requests_municipio'))
        batch_op.drop_index(batch_op.f('ix_fund_requests_budget_id'))

    op.drop_table('fund_requests')
    op.drop_table('code_counters')
    with op.batch_alter_table('budgets', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_budgets_municipio'))

    op.drop_table('budgets')
    drop_bus_tables(op)
