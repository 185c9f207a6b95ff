"""each registration has a check-in code (read at the door from its QR code) and the moment it
came in; the registrations there are get their codes

Revision ID: 0005
Revises: 0004
"""
import secrets

from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # as services/events/codes.py, frozen here
REGISTRATIONS = sa.table('registrations', sa.column('id', sa.String),
                         sa.column('check_in_code', sa.String))
CHUNK = 5000


def upgrade():
    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('check_in_code', sa.String(length=8), nullable=True))
        batch_op.add_column(sa.Column('checked_in_at', sa.DateTime(timezone=True),
                                      nullable=True))
    connection = op.get_bind()
    while ids := connection.execute(sa.select(REGISTRATIONS.c.id).where(
            REGISTRATIONS.c.check_in_code.is_(None)).limit(CHUNK)).scalars().all():
        connection.execute(
            REGISTRATIONS.update().where(REGISTRATIONS.c.id == sa.bindparam('row_id'))
            .values(check_in_code=sa.bindparam('code')),
            [{'row_id': row_id, 'code': ''.join(secrets.choice(ALPHABET) for _ in range(8))}
             for row_id in ids])
    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.alter_column('check_in_code', existing_type=sa.String(length=8), nullable=False)
        batch_op.create_unique_constraint('uq_registrations_check_in_code',
                                          ['event_id', 'check_in_code'])


def downgrade():
    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.drop_constraint('uq_registrations_check_in_code', type_='unique')
        batch_op.drop_column('checked_in_at')
        batch_op.drop_column('check_in_code')
