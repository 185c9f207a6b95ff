"""SMS to families who registered to an event with a phone: the SMS owed, the numbers that said
STOP, and the short links the SMS carry

Revision ID: 0004
Revises: 0003
"""
from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'sms',
        sa.Column('id', sa.String(length=36), nullable=False),
        sa.Column('kind', sa.String(length=60), nullable=False),
        sa.Column('event_id', sa.String(length=36), nullable=False),
        sa.Column('registration_id', sa.String(length=36), nullable=False),
        sa.Column('to_number', sa.String(length=20), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('reason', sa.String(length=20), nullable=True),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('last_error', sa.String(length=500), nullable=True),
        sa.Column('report_token', sa.String(length=64), nullable=False),
        sa.Column('report_status', sa.Integer(), nullable=True),
        sa.Column('reported_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('delivered_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id'))
    with op.batch_alter_table('sms', schema=None) as batch_op:
        batch_op.create_index('ix_sms_due', ['status', 'next_attempt_at'], unique=False)
        batch_op.create_index('ix_sms_number_day', ['to_number', 'created_at'], unique=False)
        batch_op.create_index('ix_sms_number_event', ['to_number', 'event_id'], unique=False)
    op.create_table(
        'sms_opt_outs',
        sa.Column('to_number', sa.String(length=20), nullable=False),
        sa.Column('opted_out_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('to_number'))
    op.create_table(
        'short_links',
        sa.Column('code', sa.String(length=12), nullable=False),
        sa.Column('target', sa.String(length=300), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('code'))


def downgrade():
    op.drop_table('short_links')
    op.drop_table('sms_opt_outs')
    with op.batch_alter_table('sms', schema=None) as batch_op:
        batch_op.drop_index('ix_sms_number_event')
        batch_op.drop_index('ix_sms_number_day')
        batch_op.drop_index('ix_sms_due')
    op.drop_table('sms')
