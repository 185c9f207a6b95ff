"""each person's inbox counts kept with the person, indexes that read a page of an inbox
from either end, and one that finds what the next digest gathers

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
    with op.batch_alter_table('recipients', schema=None) as batch_op:
        batch_op.add_column(sa.Column('notifications', sa.Integer(), server_default='0',
                                      nullable=False))
        batch_op.add_column(sa.Column('unread', sa.Integer(), server_default='0', nullable=False))
    op.execute("UPDATE recipients SET "
               "notifications = (SELECT count(*) FROM notifications "
               "WHERE notifications.user_id = recipients.user_id), "
               "unread = (SELECT count(*) FROM notifications "
               "WHERE notifications.user_id = recipients.user_id "
               "AND notifications.read_at IS NULL)")
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_index('ix_notifications_user_id')
        batch_op.drop_index('ix_notifications_created_at')
        batch_op.create_index('ix_notifications_digest_waiting',
                              ['channel', 'digest_id', 'created_at'], unique=False)
        batch_op.create_index('ix_notifications_inbox', ['user_id', 'created_at', 'id'],
                              unique=False)
        batch_op.create_index('ix_notifications_unread',
                              ['user_id', 'read_at', 'created_at', 'id'], unique=False)


def downgrade():
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_index('ix_notifications_unread')
        batch_op.drop_index('ix_notifications_inbox')
        batch_op.drop_index('ix_notifications_digest_waiting')
        batch_op.create_index('ix_notifications_user_id', ['user_id'], unique=False)
        batch_op.create_index('ix_notifications_created_at', ['created_at'], unique=False)
    with op.batch_alter_table('recipients', schema=None) as batch_op:
        batch_op.drop_column('unread')
        batch_op.drop_column('notifications')
