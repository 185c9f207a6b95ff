"""SMS about a referral as well as about an event: the family's card sent to the phone it gave
(its event and registration are none then, its referral is named)

Revision ID: 0005
Revises: 0004
"""
from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('sms', schema=None) as batch_op:
        batch_op.add_column(sa.Column('referral_id', sa.String(length=36), nullable=True))
        batch_op.alter_column('event_id', existing_type=sa.String(length=36), nullable=True)
        batch_op.alter_column('registration_id', existing_type=sa.String(length=36),
                              nullable=True)


def downgrade():
    op.execute("DELETE FROM sms WHERE event_id IS NULL")
    with op.batch_alter_table('sms', schema=None) as batch_op:
        batch_op.alter_column('registration_id', existing_type=sa.String(length=36),
                              nullable=False)
        batch_op.alter_column('event_id', existing_type=sa.String(length=36), nullable=False)
        batch_op.drop_column('referral_id')
