"""co-organisers are invited until they accept; pledges are capped at the need (no over_need)
and organisers cancel them

Revision ID: 0002
Revises: 0001
"""
from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('event_organizers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('status', sa.String(length=20), server_default='accepted',
                                      nullable=False))
    with op.batch_alter_table('pledges', schema=None) as batch_op:
        batch_op.drop_column('over_need')
        batch_op.add_column(sa.Column('cancelled_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('cancelled_by', sa.String(length=36), nullable=True))


def downgrade():
    with op.batch_alter_table('pledges', schema=None) as batch_op:
        batch_op.drop_column('cancelled_by')
        batch_op.drop_column('cancelled_at')
        batch_op.add_column(sa.Column('over_need', sa.Boolean(), server_default=sa.false(),
                                      nullable=False))
    with op.batch_alter_table('event_organizers', schema=None) as batch_op:
        batch_op.drop_column('status')
