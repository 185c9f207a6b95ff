"""hand-overs that continue: a hold and a first contact, forwards and their chain, the family's
card and word, and the signs of unmet needs the radar counts

Revision ID: 0005
Revises: 0004
"""
from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

WHEN = sa.DateTime(timezone=True)


def upgrade():
    # plain ADD COLUMNs: SQLite's batch mode would copy the table other tables refer to
    for column in (sa.Column('held_at', WHEN), sa.Column('held_until', sa.Date()),
                   sa.Column('hold_reason', sa.String(300)), sa.Column('started_at', WHEN),
                   sa.Column('forwarded_at', WHEN),
                   sa.Column('forward_pending', sa.Boolean(), nullable=False,
                             server_default=sa.false()),
                   sa.Column('chain_id', sa.String(36)),
                   sa.Column('previous_referral_id', sa.String(36)),
                   sa.Column('forwarded_by_organization_id', sa.String(36)),
                   sa.Column('family_answer', sa.String(15))):
        op.add_column('referrals', column)
    op.create_index('ix_referrals_chain_id', 'referrals', ['chain_id'])
    op.create_table(
        'forward_proposals',
        sa.Column('id', sa.String(36), primary_key=True),
        sa.Column('referral_id', sa.String(36), sa.ForeignKey('referrals.id'), nullable=False),
        sa.Column('to_organization_id', sa.String(36), nullable=False),
        sa.Column('to_service_id', sa.String(36), nullable=True),
        sa.Column('to_municipi', sa.JSON(), nullable=False),
        sa.Column('reason', sa.String(30), nullable=False),
        sa.Column('proposed_by_user_id', sa.String(36), nullable=False),
        sa.Column('proposed_at', WHEN, nullable=False),
        sa.Column('consent_given_by', sa.LargeBinary(), nullable=True),
        sa.Column('consent_method', sa.String(10), nullable=False),
        sa.Column('consent_obtained_at', WHEN, nullable=False),
        sa.Column('consent_expires_at', WHEN, nullable=False),
        sa.Column('status', sa.String(10), nullable=False),
        sa.Column('decided_by_user_id', sa.String(36), nullable=True),
        sa.Column('decided_at', WHEN, nullable=True),
        sa.Column('refuse_reason', sa.String(300), nullable=True),
        sa.Column('new_referral_id', sa.String(36), nullable=True))
    op.create_index('ix_forward_proposals_referral_id', 'forward_proposals', ['referral_id'])
    op.create_table(
        'family_cards',
        sa.Column('id', sa.String(36), primary_key=True),
        sa.Column('referral_id', sa.String(36), sa.ForeignKey('referrals.id'), nullable=False),
        sa.Column('code_hash', sa.String(64), nullable=False, unique=True),
        sa.Column('channel', sa.String(10), nullable=False),
        sa.Column('issued_at', WHEN, nullable=False),
        sa.Column('expires_at', WHEN, nullable=False),
        sa.Column('revoked_at', WHEN, nullable=True),
        sa.Column('answer', sa.String(15), nullable=True),
        sa.Column('answered_at', WHEN, nullable=True),
        sa.Column('due_at', WHEN, nullable=True),
        sa.Column('resolved_at', WHEN, nullable=True),
        sa.Column('escalated_at', WHEN, nullable=True))
    op.create_index('ix_family_cards_referral_id', 'family_cards', ['referral_id'])
    op.create_table(
        'unmet_needs',
        sa.Column('id', sa.String(36), primary_key=True),
        sa.Column('referral_id', sa.String(36), sa.ForeignKey('referrals.id'), nullable=False),
        sa.Column('municipio', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(30), nullable=False),
        sa.Column('at', WHEN, nullable=False))
    op.create_index('ix_unmet_needs_referral_id', 'unmet_needs', ['referral_id'])
    op.create_index('ix_unmet_needs_municipio_at', 'unmet_needs', ['municipio', 'at'])


def downgrade():
    op.drop_table('unmet_needs')
    op.drop_table('family_cards')
    op.drop_table('forward_proposals')
    op.drop_index('ix_referrals_chain_id', table_name='referrals')
    for column in ('family_answer', 'forwarded_by_organization_id', 'previous_referral_id',
                   'chain_id', 'forward_pending', 'forwarded_at', 'started_at', 'hold_reason',
                   'held_until', 'held_at'):
        op.drop_column('referrals', column)
