"""initial schema

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
    op.create_table('drives',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('municipio', sa.Integer(), nullable=False),
    sa.Column('collect_from', sa.Date(), nullable=False),
    sa.Column('collect_to', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('drives', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_drives_collect_to'), ['collect_to'], unique=False)
        batch_op.create_index(batch_op.f('ix_drives_municipio'), ['municipio'], unique=False)
        batch_op.create_index(batch_op.f('ix_drives_status'), ['status'], unique=False)

    op.create_table('events',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('programme', sa.JSON(), nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ends_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('location_id', sa.String(length=36), nullable=True),
    sa.Column('place', sa.String(length=200), nullable=True),
    sa.Column('address', sa.String(length=300), nullable=True),
    sa.Column('zone', sa.String(length=120), nullable=True),
    sa.Column('municipio', sa.Integer(), nullable=False),
    sa.Column('min_age', sa.Integer(), nullable=True),
    sa.Column('max_age', sa.Integer(), nullable=True),
    sa.Column('category', sa.String(length=40), nullable=True),
    sa.Column('dimension', sa.String(length=40), nullable=True),
    sa.Column('visibility', sa.String(length=20), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=True),
    sa.Column('registration_required', sa.Boolean(), nullable=False),
    sa.Column('price_note', sa.String(length=300), nullable=True),
    sa.Column('fundraising_purpose', sa.String(length=300), nullable=True),
    sa.Column('accessibility', sa.Text(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('cancelled_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_events_ends_at'), ['ends_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_events_municipio'), ['municipio'], unique=False)
        batch_op.create_index(batch_op.f('ix_events_starts_at'), ['starts_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_events_status'), ['status'], unique=False)

    op.create_table('drive_items',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('drive_id', sa.String(length=36), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('unit', sa.String(length=40), nullable=False),
    sa.Column('quantity_needed', sa.Integer(), nullable=False),
    sa.Column('fulfilled_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['drive_id'], ['drives.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('drive_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_drive_items_drive_id'), ['drive_id'], unique=False)

    op.create_table('drive_organizers',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('drive_id', sa.String(length=36), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.String(length=36), nullable=False),
    sa.ForeignKeyConstraint(['drive_id'], ['drives.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('drive_id', 'organization_id')
    )
    with op.batch_alter_table('drive_organizers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_drive_organizers_drive_id'), ['drive_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_drive_organizers_organization_id'), ['organization_id'], unique=False)

    op.create_table('drop_off_points',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('drive_id', sa.String(length=36), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('address', sa.String(length=300), nullable=False),
    sa.Column('schedules', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['drive_id'], ['drives.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('drop_off_points', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_drop_off_points_drive_id'), ['drive_id'], unique=False)

    op.create_table('event_organizers',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('event_id', sa.String(length=36), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.String(length=36), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('event_id', 'organization_id')
    )
    with op.batch_alter_table('event_organizers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_event_organizers_event_id'), ['event_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_event_organizers_organization_id'), ['organization_id'], unique=False)

    op.create_table('registrations',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('event_id', sa.String(length=36), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('contact', sa.String(length=200), nullable=False),
    sa.Column('adults', sa.Integer(), nullable=False),
    sa.Column('children', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('cancel_token_hash', sa.String(length=64), nullable=False),
    sa.Column('attended', sa.Boolean(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('promoted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('cancelled_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_registrations_event_id'), ['event_id'], unique=False)

    op.create_table('deliveries',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('drive_id', sa.String(length=36), nullable=False),
    sa.Column('item_id', sa.String(length=36), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('recorded_by', sa.String(length=36), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['drive_id'], ['drives.id'], ),
    sa.ForeignKeyConstraint(['item_id'], ['drive_items.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('deliveries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_deliveries_drive_id'), ['drive_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_deliveries_item_id'), ['item_id'], unique=False)

    op.create_table('pledges',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('drive_id', sa.String(length=36), nullable=False),
    sa.Column('item_id', sa.String(length=36), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('donor_name', sa.String(length=200), nullable=True),
    sa.Column('over_need', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['drive_id'], ['drives.id'], ),
    sa.ForeignKeyConstraint(['item_id'], ['drive_items.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('pledges', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pledges_drive_id'), ['drive_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_pledges_item_id'), ['item_id'], unique=False)



def downgrade():
    with op.batch_alter_table('pledges', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pledges_item_id'))
        batch_op.drop_index(batch_op.f('ix_pledges_drive_id'))

    op.drop_table('pledges')
    with op.batch_alter_table('deliveries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_deliveries_item_id'))
        batch_op.drop_index(batch_op.f('ix_deliveries_drive_id'))

    op.drop_table('deliveries')
    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_registrations_event_id'))

    op.drop_table('registrations')
    with op.batch_alter_table('event_organizers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_event_organizers_organization_id'))
        batch_op.drop_index(batch_op.f('ix_event_organizers_event_id'))

    op.drop_table('event_organizers')
    with op.batch_alter_table('drop_off_points', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_drop_off_points_drive_id'))

    op.drop_table('drop_off_points')
    with op.batch_alter_table('drive_organizers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_drive_organizers_organization_id'))
        batch_op.drop_index(batch_op.f('ix_drive_organizers_drive_id'))

    op.drop_table('drive_organizers')
    with op.batch_alter_table('drive_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_drive_items_drive_id'))

    op.drop_table('drive_items')
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_events_status'))
        batch_op.drop_index(batch_op.f('ix_events_starts_at'))
        batch_op.drop_index(batch_op.f('ix_events_municipio'))
        batch_op.drop_index(batch_op.f('ix_events_ends_at'))

    op.drop_table('events')
    with op.batch_alter_table('drives', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_drives_status'))
        batch_op.drop_index(batch_op.f('ix_drives_municipio'))
        batch_op.drop_index(batch_op.f('ix_drives_collect_to'))

    op.drop_table('drives')
    drop_bus_tables(op)
