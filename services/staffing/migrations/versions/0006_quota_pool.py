"""the pooled county quota: loans of unused quota between units, quota reviews, and the county versions'
review period.

Revision ID: 0006
Revises: 0005
"""
from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('quota_loans',
    sa.Column('loan_id', sa.String(length=36), nullable=False),
    sa.Column('lender_org_id', sa.String(length=64), nullable=False),
    sa.Column('borrower_org_id', sa.String(length=64), nullable=False),
    sa.Column('posts', sa.Integer(), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=False),
    sa.Column('returned_on', sa.Date(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('requested_by', sa.String(length=100), nullable=False),
    sa.Column('requested_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('decided_by', sa.String(length=100), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decision_reason', sa.Text(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('loan_id', name=op.f('pk_quota_loans'))
    )
    op.create_index(op.f('ix_quota_loans_lender_org_id'), 'quota_loans', ['lender_org_id'])
    op.create_index(op.f('ix_quota_loans_borrower_org_id'), 'quota_loans', ['borrower_org_id'])
    op.create_index(op.f('ix_quota_loans_status'), 'quota_loans', ['status'])
    op.create_table('quota_reviews',
    sa.Column('review_id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('org_id', sa.String(length=64), nullable=False),
    sa.Column('reviewed_on', sa.Date(), nullable=False),
    sa.Column('quota', sa.Integer(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('reviewed_by', sa.String(length=100), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('review_id', name=op.f('pk_quota_reviews'))
    )
    op.create_index(op.f('ix_quota_reviews_org_id'), 'quota_reviews', ['org_id'])
    # the review period of the versions already stored: the settings' default (5 years) applied
    with op.batch_alter_table('county_quota_policies') as t:
        t.add_column(sa.Column('quota_review_years', sa.Integer(), nullable=False, server_default='5'))


def downgrade() -> None:
    with op.batch_alter_table('county_quota_policies') as t:
        t.drop_column('quota_review_years')
    op.drop_table('quota_reviews')
    op.drop_table('quota_loans')
