"""each budget's figures kept added up for the reports (budget_totals, filled from the ledger and
the requests already there); indexes that page the requests in order

Revision ID: 0002
Revises: 0001
"""
from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None

ENTRIES = sa.table('ledger_entries', sa.column('budget_id'), sa.column('kind'),
                   sa.column('amount_cents'), sa.column('booked_on', sa.Date()),
                   sa.column('source'), sa.column('category'), sa.column('request_kind'),
                   sa.column('action'))
REQUESTS = sa.table('fund_requests', sa.column('budget_id'), sa.column('status'))


def upgrade():
    totals = op.create_table('budget_totals',
        sa.Column('budget_id', sa.String(length=36), nullable=False),
        sa.Column('section', sa.String(length=10), nullable=False),
        sa.Column('item', sa.String(length=200), nullable=False),
        sa.Column('funded_cents', sa.BigInteger(), nullable=False),
        sa.Column('committed_cents', sa.BigInteger(), nullable=False),
        sa.Column('spent_cents', sa.BigInteger(), nullable=False),
        sa.Column('approved_cents', sa.BigInteger(), nullable=False),
        sa.Column('number', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['budget_id'], ['budgets.id']),
        sa.PrimaryKeyConstraint('budget_id', 'section', 'item')
    )
    _fill(totals)
    with op.batch_alter_table('fund_requests', schema=None) as batch_op:
        batch_op.drop_index('ix_fund_requests_municipio')
        batch_op.drop_index('ix_fund_requests_organization_id')
        batch_op.create_index('ix_fund_requests_submitted_at_code', ['submitted_at', 'code'])
        batch_op.create_index('ix_fund_requests_municipio_submitted_at',
                              ['municipio', 'submitted_at', 'code'])
        batch_op.create_index('ix_fund_requests_organization_submitted_at',
                              ['organization_id', 'submitted_at', 'code'])
        batch_op.create_index('ix_fund_requests_requester_submitted_at',
                              ['requested_by_user_id', 'submitted_at', 'code'])
    with op.batch_alter_table('ledger_entries', schema=None) as batch_op:
        batch_op.create_index('ix_ledger_entries_budget_receipt',
                              ['budget_id', 'receipt_reference'])


FIGURES = ('funded_cents', 'committed_cents', 'spent_cents', 'approved_cents', 'number')
# what an entry of each kind moves (services/funds/totals.py)
MOVES = {'commitment': {'committed_cents': 1, 'approved_cents': 1},
         'cancellation': {'committed_cents': -1, 'approved_cents': -1},
         'payment': {'committed_cents': -1, 'spent_cents': 1}}


def _fill(totals):
    """What services/funds/totals.py adds as entries and requests are written."""
    connection = op.get_bind()
    sums = {}

    def add(budget_id, section, item, figure, amount):
        row = sums.setdefault((budget_id, section, item), dict.fromkeys(FIGURES, 0))
        row[figure] += amount

    for entry in connection.execute(sa.select(ENTRIES)):
        if entry.kind == 'top_up':
            add(entry.budget_id, 'source', entry.source, 'funded_cents', entry.amount_cents)
            continue
        for section, item in (('category', entry.category),
                              ('month', entry.booked_on.strftime('%Y-%m')),
                              ('children', '') if entry.request_kind == 'child'
                              else ('action', entry.action)):
            for figure, sign in MOVES[entry.kind].items():
                add(entry.budget_id, section, item, figure, sign * entry.amount_cents)
            if entry.kind == 'commitment':
                add(entry.budget_id, section, item, 'number', 1)
    for request in connection.execute(sa.select(REQUESTS)):
        add(request.budget_id, 'requests', request.status, 'number', 1)
    if sums:
        op.bulk_insert(totals, [{'budget_id': budget_id, 'section': section, 'item': item, **row}
                                for (budget_id, section, item), row in sums.items()])


def downgrade():
    with op.batch_alter_table('ledger_entries', schema=None) as batch_op:
        batch_op.drop_index('ix_ledger_entries_budget_receipt')
    with op.batch_alter_table('fund_requests', schema=None) as batch_op:
        batch_op.drop_index('ix_fund_requests_requester_submitted_at')
        batch_op.drop_index('ix_fund_requests_organization_submitted_at')
        batch_op.drop_index('ix_fund_requests_municipio_submitted_at')
        batch_op.drop_index('ix_fund_requests_submitted_at_code')
        batch_op.create_index('ix_fund_requests_organization_id', ['organization_id'])
        batch_op.create_index('ix_fund_requests_municipio', ['municipio'])
    op.drop_table('budget_totals')
