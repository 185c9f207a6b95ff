"""an inbox's total counted in an index (the columns that decide what an inbox holds)

Revision ID: 0003
Revises: 0002
"""
from alembic import op


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_referrals_received', 'referrals',
                    ['to_organization_id', 'status', 'from_organization_id', 'from_user_id'])


def downgrade():
    op.drop_index('ix_referrals_received', table_name='referrals')
