"""the governance bodies' decisions that authorise a request, as the governance service tells
them

Revision ID: 0003
Revises: 0002
"""
from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('governance_decisions',
        sa.Column('request_id', sa.String(length=36), nullable=False),
        sa.Column('decision_id', sa.String(length=36), nullable=False),
        sa.Column('title', sa.String(length=200), nullable=False),
        sa.Column('body_name', sa.String(length=200), nullable=False),
        sa.Column('decided_on', sa.Date(), nullable=False),
        sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['request_id'], ['fund_requests.id']),
        sa.PrimaryKeyConstraint('request_id', 'decision_id')
    )


def downgrade():
    op.drop_table('governance_decisions')
