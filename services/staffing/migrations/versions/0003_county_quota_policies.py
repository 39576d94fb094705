"""county quota policies: effective-dated county-wide default quota rules.

Revision ID: 0003
Revises: 0002
"""
from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('county_quota_policies',
    sa.Column('effective_from', sa.Date(), nullable=False),
    sa.Column('per_mille', sa.String(length=20), nullable=False),
    sa.Column('professional_min_bp', sa.Integer(), nullable=False),
    sa.Column('senior_cap_bp', sa.Integer(), nullable=False),
    sa.Column('township_senior_cap_bp', sa.Integer(), nullable=False),
    sa.Column('intermediate_cap_bp', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('created_by', sa.String(length=100), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('effective_from', name=op.f('pk_county_quota_policies'))
    )


def downgrade() -> None:
    op.drop_table('county_quota_policies')
