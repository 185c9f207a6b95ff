"""single sign-on: the identities of the city's identity provider linked to accounts

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
    op.create_table('single_sign_on_identities',
    sa.Column('issuer', sa.String(length=300), nullable=False),
    sa.Column('subject', sa.String(length=255), nullable=False),
    sa.Column('user_id', sa.String(length=36), nullable=False),
    sa.Column('linked_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ),
    sa.PrimaryKeyConstraint('issuer', 'subject')
    )
    op.create_index(op.f('ix_single_sign_on_identities_user_id'), 'single_sign_on_identities',
                    ['user_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_single_sign_on_identities_user_id'),
                  table_name='single_sign_on_identities')
    op.drop_table('single_sign_on_identities')
