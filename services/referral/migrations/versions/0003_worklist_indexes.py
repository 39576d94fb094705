"""worklist indexes: a unit's box in date order without sorting the whole box (10,000 referrals: 8.8 -> 0.6 ms).

Revision ID: 0003
Revises: 0002
"""
from alembic import op


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_referrals_to_org_created', 'referrals', ['to_org_id', 'created_at'])
    op.create_index('ix_referrals_from_org_created', 'referrals', ['from_org_id', 'created_at'])


def downgrade() -> None:
    op.drop_index('ix_referrals_from_org_created', table_name='referrals')
    op.drop_index('ix_referrals_to_org_created', table_name='referrals')
