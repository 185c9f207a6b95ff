"""an event counts the people who came (marked, or checked in at the door), and so does each
municipio's totals; filled from the registrations marked as come

Revision ID: 0007
Revises: 0006
"""
from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

EVENTS = sa.table('events', sa.column('id'), sa.column('municipio'),
                  sa.column('attended_people', sa.Integer))
TOTALS = sa.table('municipio_totals', sa.column('municipio'),
                  sa.column('attended_people', sa.Integer))
REGISTRATIONS = sa.table('registrations', sa.column('event_id'), sa.column('adults'),
                         sa.column('children'), sa.column('attended', sa.Boolean))


def upgrade():
    for table in ('events', 'municipio_totals'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('attended_people', sa.Integer(), nullable=False,
                                          server_default='0'))
    came = sa.select(sa.func.coalesce(sa.func.sum(REGISTRATIONS.c.adults
                                                  + REGISTRATIONS.c.children), 0)).where(
        REGISTRATIONS.c.event_id == EVENTS.c.id, REGISTRATIONS.c.attended.is_(True))
    op.execute(EVENTS.update().values(attended_people=came.scalar_subquery()))
    op.execute(TOTALS.update().values(attended_people=sa.select(
        sa.func.coalesce(sa.func.sum(EVENTS.c.attended_people), 0)).where(
        EVENTS.c.municipio == TOTALS.c.municipio).scalar_subquery()))


def downgrade():
    for table in ('municipio_totals', 'events'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('attended_people')
