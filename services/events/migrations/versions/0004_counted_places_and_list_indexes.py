"""an event keeps the counts of its registrations, a drive's item its quantities pledged and
delivered, a municipio its totals for the overview; indexes that page the lists in order

Revision ID: 0004
Revises: 0003
"""
from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

COUNTS = ('confirmed_people', 'pending_people', 'unplaced_pending_people', 'waitlisted_people',
          'households')
EVENTS = sa.table('events', sa.column('id'), sa.column('municipio'), sa.column('status'),
                  *(sa.column(count) for count in COUNTS))
DRIVES = sa.table('drives', sa.column('municipio'))
REGISTRATIONS = sa.table('registrations', sa.column('event_id'), sa.column('status'),
                         sa.column('holds_place', sa.Boolean()), sa.column('adults'),
                         sa.column('children'))


def _counted(total, *where):
    return sa.select(sa.func.coalesce(total, 0)).where(
        REGISTRATIONS.c.event_id == EVENTS.c.id, *where).scalar_subquery()


def _people(*where):
    return _counted(sa.func.sum(REGISTRATIONS.c.adults + REGISTRATIONS.c.children), *where)


ITEMS = sa.table('drive_items', sa.column('id'), sa.column('quantity_pledged'),
                 sa.column('quantity_delivered'))
PLEDGES = sa.table('pledges', sa.column('item_id'), sa.column('quantity'),
                   sa.column('cancelled_at'))
DELIVERIES = sa.table('deliveries', sa.column('item_id'), sa.column('quantity'))


def _quantity(table, *where):
    return sa.select(sa.func.coalesce(sa.func.sum(table.c.quantity), 0)).where(
        table.c.item_id == ITEMS.c.id, *where).scalar_subquery()


def _total_municipi():
    """What services/events/models.py moves with each write of an event or a drive."""
    totals = op.create_table('municipio_totals',
        sa.Column('municipio', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('published_events', sa.Integer(), nullable=False),
        sa.Column('confirmed_people', sa.Integer(), nullable=False),
        sa.Column('drives', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('municipio')
    )
    connection = op.get_bind()
    rows = {}
    for municipio, published, people in connection.execute(sa.select(
            EVENTS.c.municipio, sa.func.sum(sa.case((EVENTS.c.status == 'published', 1),
                                                    else_=0)),
            sa.func.sum(EVENTS.c.confirmed_people)).group_by(EVENTS.c.municipio)):
        rows[municipio] = {'municipio': municipio, 'published_events': int(published),
                           'confirmed_people': int(people), 'drives': 0}
    for municipio, drives in connection.execute(
            sa.select(DRIVES.c.municipio, sa.func.count()).group_by(DRIVES.c.municipio)):
        rows.setdefault(municipio, {'municipio': municipio, 'published_events': 0,
                                    'confirmed_people': 0})['drives'] = drives
    if rows:
        op.bulk_insert(totals, list(rows.values()))


def upgrade():
    with op.batch_alter_table('events', schema=None) as batch_op:
        for count in COUNTS:
            batch_op.add_column(sa.Column(count, sa.Integer(), server_default='0',
                                          nullable=False))
    pending = REGISTRATIONS.c.status == 'pending'
    op.execute(EVENTS.update().values(
        confirmed_people=_people(REGISTRATIONS.c.status == 'confirmed'),
        pending_people=_people(pending, REGISTRATIONS.c.holds_place.is_(True)),
        unplaced_pending_people=_people(pending, REGISTRATIONS.c.holds_place.is_(False)),
        waitlisted_people=_people(REGISTRATIONS.c.status == 'waitlisted'),
        households=_counted(sa.func.count(), REGISTRATIONS.c.status != 'cancelled')))
    _total_municipi()
    with op.batch_alter_table('drive_items', schema=None) as batch_op:
        for quantity in ('quantity_pledged', 'quantity_delivered'):
            batch_op.add_column(sa.Column(quantity, sa.Integer(), server_default='0',
                                          nullable=False))
    op.execute(ITEMS.update().values(
        quantity_pledged=_quantity(PLEDGES, PLEDGES.c.cancelled_at.is_(None)),
        quantity_delivered=_quantity(DELIVERIES)))
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_index('ix_events_municipio')
        batch_op.create_index('ix_events_municipio_starts_at', ['municipio', 'starts_at', 'id'])
    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.drop_index('ix_registrations_event_id')
        batch_op.create_index('ix_registrations_event_position', ['event_id', 'position'])
        batch_op.create_index('ix_registrations_event_status',
                              ['event_id', 'status', 'holds_place'])
    with op.batch_alter_table('drives', schema=None) as batch_op:
        batch_op.drop_index('ix_drives_municipio')
        batch_op.create_index('ix_drives_collect_from', ['collect_from'])
        batch_op.create_index('ix_drives_municipio_collect_from', ['municipio', 'collect_from'])
    with op.batch_alter_table('pledges', schema=None) as batch_op:
        batch_op.drop_index('ix_pledges_drive_id')
        batch_op.create_index('ix_pledges_drive_created_at', ['drive_id', 'created_at'])


def downgrade():
    op.drop_table('municipio_totals')
    with op.batch_alter_table('drive_items', schema=None) as batch_op:
        batch_op.drop_column('quantity_delivered')
        batch_op.drop_column('quantity_pledged')
    with op.batch_alter_table('pledges', schema=None) as batch_op:
        batch_op.drop_index('ix_pledges_drive_created_at')
        batch_op.create_index('ix_pledges_drive_id', ['drive_id'])
    with op.batch_alter_table('drives', schema=None) as batch_op:
        batch_op.drop_index('ix_drives_municipio_collect_from')
        batch_op.drop_index('ix_drives_collect_from')
        batch_op.create_index('ix_drives_municipio', ['municipio'])
    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.drop_index('ix_registrations_event_status')
        batch_op.drop_index('ix_registrations_event_position')
        batch_op.create_index('ix_registrations_event_id', ['event_id'])
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_index('ix_events_municipio_starts_at')
        batch_op.create_index('ix_events_municipio', ['municipio'])
        for count in reversed(COUNTS):
            batch_op.drop_column(count)
