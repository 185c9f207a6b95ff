"""initial schema: meetings with their invited, minutes in versions with comments, decisions
with their links, actions, documents

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
    op.create_table('meetings',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('body_id', sa.String(length=36), nullable=False),
    sa.Column('body_kind', sa.String(length=30), nullable=False),
    sa.Column('body_name', sa.String(length=200), nullable=False),
    sa.Column('municipio', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ends_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('place', sa.String(length=300), nullable=True),
    sa.Column('online_url', sa.String(length=500), nullable=True),
    sa.Column('agenda', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('chair_user_id', sa.String(length=36), nullable=False),
    sa.Column('cancel_reason', sa.String(length=500), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.create_index('ix_meetings_body_starts', ['body_id', 'starts_at'], unique=False)

    op.create_table('actions',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('meeting_id', sa.String(length=36), nullable=False),
    sa.Column('decision_id', sa.String(length=36), nullable=True),
    sa.Column('body_id', sa.String(length=36), nullable=False),
    sa.Column('body_kind', sa.String(length=30), nullable=False),
    sa.Column('body_name', sa.String(length=200), nullable=False),
    sa.Column('municipio', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('assignee_user_id', sa.String(length=36), nullable=True),
    sa.Column('assignee_organization_id', sa.String(length=36), nullable=True),
    sa.Column('assignee_name', sa.String(length=200), nullable=True),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('created_by_user_id', sa.String(length=36), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_by_user_id', sa.String(length=36), nullable=True),
    sa.Column('close_note', sa.Text(), nullable=True),
    sa.Column('due_soon_told_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('overdue_told_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('actions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_actions_assignee_organization_id'), ['assignee_organization_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_actions_assignee_user_id'), ['assignee_user_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_actions_body_id'), ['body_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_actions_meeting_id'), ['meeting_id'], unique=False)
        batch_op.create_index('ix_actions_open_due', ['status', 'due_on'], unique=False)

    op.create_table('decisions',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('meeting_id', sa.String(length=36), nullable=False),
    sa.Column('body_id', sa.String(length=36), nullable=False),
    sa.Column('body_kind', sa.String(length=30), nullable=False),
    sa.Column('body_name', sa.String(length=200), nullable=False),
    sa.Column('municipio', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('decided_on', sa.Date(), nullable=False),
    sa.Column('created_by_user_id', sa.String(length=36), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('decisions', schema=None) as batch_op:
        batch_op.create_index('ix_decisions_body_day', ['body_id', 'decided_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_decisions_body_kind'), ['body_kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_decisions_meeting_id'), ['meeting_id'], unique=False)

    op.create_table('documents',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('meeting_id', sa.String(length=36), nullable=False),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('storage_key', sa.String(length=100), nullable=False),
    sa.Column('uploaded_by_user_id', sa.String(length=36), nullable=False),
    sa.Column('uploaded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_documents_meeting_id'), ['meeting_id'], unique=False)

    op.create_table('invitees',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('meeting_id', sa.String(length=36), nullable=False),
    sa.Column('member_id', sa.String(length=36), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=True),
    sa.Column('role', sa.String(length=80), nullable=True),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('answer', sa.String(length=10), nullable=True),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('answered_by_user_id', sa.String(length=36), nullable=True),
    sa.Column('attended', sa.Boolean(), nullable=True),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('meeting_id', 'member_id')
    )
    with op.batch_alter_table('invitees', schema=None) as batch_op:
        batch_op.create_index('ix_invitees_member', ['member_id'], unique=False)

    op.create_table('minutes',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('meeting_id', sa.String(length=36), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=True),
    sa.Column('drafted_by_user_id', sa.String(length=36), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('circulated_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('approved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('approved_by_user_id', sa.String(length=36), nullable=True),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('meeting_id', 'version')
    )
    with op.batch_alter_table('minutes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_minutes_meeting_id'), ['meeting_id'], unique=False)

    op.create_table('decision_links',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('decision_id', sa.String(length=36), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('target_id', sa.String(length=36), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['decision_id'], ['decisions.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('decision_links', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_decision_links_decision_id'), ['decision_id'], unique=False)
        batch_op.create_index('ix_decision_links_target', ['kind', 'target_id'], unique=False)

    op.create_table('minutes_comments',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('minutes_id', sa.String(length=36), nullable=False),
    sa.Column('user_id', sa.String(length=36), nullable=False),
    sa.Column('author', sa.String(length=200), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['minutes_id'], ['minutes.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('minutes_comments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_minutes_comments_minutes_id'), ['minutes_id'], unique=False)



def downgrade():
    with op.batch_alter_table('minutes_comments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_minutes_comments_minutes_id'))

    op.drop_table('minutes_comments')
    with op.batch_alter_table('decision_links', schema=None) as batch_op:
        batch_op.drop_index('ix_decision_links_target')
        batch_op.drop_index(batch_op.f('ix_decision_links_decision_id'))

    op.drop_table('decision_links')
    with op.batch_alter_table('minutes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_minutes_meeting_id'))

    op.drop_table('minutes')
    with op.batch_alter_table('invitees', schema=None) as batch_op:
        batch_op.drop_index('ix_invitees_member')

    op.drop_table('invitees')
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_documents_meeting_id'))

    op.drop_table('documents')
    with op.batch_alter_table('decisions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_decisions_meeting_id'))
        batch_op.drop_index(batch_op.f('ix_decisions_body_kind'))
        batch_op.drop_index('ix_decisions_body_day')

    op.drop_table('decisions')
    with op.batch_alter_table('actions', schema=None) as batch_op:
        batch_op.drop_index('ix_actions_open_due')
        batch_op.drop_index(batch_op.f('ix_actions_meeting_id'))
        batch_op.drop_index(batch_op.f('ix_actions_body_id'))
        batch_op.drop_index(batch_op.f('ix_actions_assignee_user_id'))
        batch_op.drop_index(batch_op.f('ix_actions_assignee_organization_id'))

    op.drop_table('actions')
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.drop_index('ix_meetings_body_starts')

    op.drop_table('meetings')
    drop_bus_tables(op)
