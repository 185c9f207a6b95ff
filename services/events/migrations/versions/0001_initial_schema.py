"""initial schema

Revision ID: 0001
Revises:
"""
from alembic import op

from services.common.migrations import create_bus_tables, drop_bus_tables


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    create_bus_tables(op)


def downgrade():
    drop_bus_tables(op)
