"""a service's capacity: the places free and the families waiting, as its organisation says them

Revision ID: 0007
Revises: 0006
"""
from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('service_capacities',
    sa.Column('service_id', sa.String(length=36), nullable=False),
    sa.Column('available', sa.Integer(), nullable=False),
    sa.Column('waiting_list', sa.Integer(), nullable=False),
    sa.Column('note', sa.String(length=300), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by', sa.String(length=36), nullable=False),
    sa.ForeignKeyConstraint(['service_id'], ['services.id'], ),
    sa.PrimaryKeyConstraint('service_id')
    )


def downgrade():
    op.drop_table('service_capacities')
