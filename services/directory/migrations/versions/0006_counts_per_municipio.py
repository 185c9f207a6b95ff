"""counts per municipio kept by each change (the overview reads nine rows); a service's count
where it is listed; a network's organisations read from one index

Revision ID: 0006
Revises: 0005
"""
from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('municipio_counts',
    sa.Column('municipio', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('organizations', sa.Integer(), nullable=False),
    sa.Column('services', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('municipio')
    )
    with op.batch_alter_table('services', schema=None) as batch_op:
        batch_op.add_column(sa.Column('counted_in', sa.Integer(), nullable=True))
    with op.batch_alter_table('memberships', schema=None) as batch_op:
        batch_op.drop_index('ix_memberships_network_id')
        batch_op.create_index('ix_memberships_network_organization',
                              ['network_id', 'organization_id'], unique=False)
    # what is there now, counted as listing.py counts it from here on
    op.execute("UPDATE services SET counted_in = (SELECT locations.municipio FROM locations "
               "WHERE locations.id = services.location_id) WHERE services.status = 'active' "
               "AND services.organization_id IN (SELECT id FROM organizations "
               "WHERE organizations.active)")
    op.execute("INSERT INTO municipio_counts (municipio, organizations, services) "
               "SELECT municipio, SUM(organizations), SUM(services) FROM ("
               "SELECT networks.municipio AS municipio, 1 AS organizations, 0 AS services "
               "FROM memberships JOIN networks ON networks.id = memberships.network_id "
               "UNION ALL SELECT counted_in, 0, 1 FROM services WHERE counted_in IS NOT NULL"
               ") AS counted GROUP BY municipio")


def downgrade():
    with op.batch_alter_table('memberships', schema=None) as batch_op:
        batch_op.drop_index('ix_memberships_network_organization')
        batch_op.create_index('ix_memberships_network_id', ['network_id'], unique=False)
    with op.batch_alter_table('services', schema=None) as batch_op:
        batch_op.drop_column('counted_in')
    op.drop_table('municipio_counts')
