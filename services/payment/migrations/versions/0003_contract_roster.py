"""the family-doctor contract roster (contracts, keyed by an HMAC of the resident's ID), capitation runs and their
lines (one per contract and month: never paid twice), the census of units' populations by group, and the referral
figures of each member unit (its appraisal).

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
    op.create_table('capitation_months',
    sa.Column('consortium_id', sa.String(length=64), nullable=False),
    sa.Column('month', sa.String(length=7), nullable=False),
    sa.PrimaryKeyConstraint('consortium_id', 'month', name=op.f('pk_capitation_months'))
    )
    op.create_table('capitation_runs',
    sa.Column('run_id', sa.String(length=36), nullable=False),
    sa.Column('consortium_id', sa.String(length=64), nullable=False),
    sa.Column('month', sa.String(length=7), nullable=False),
    sa.Column('policy_version', sa.Integer(), nullable=False),
    sa.Column('rate_fen', sa.BigInteger(), nullable=False),
    sa.Column('contracts', sa.Integer(), nullable=False),
    sa.Column('amount_fen', sa.BigInteger(), nullable=False),
    sa.Column('fee_fund_fen', sa.BigInteger(), nullable=False),
    sa.Column('entry_id', sa.String(length=36), nullable=True),
    sa.Column('paid_by', sa.String(length=100), nullable=False),
    sa.Column('paid_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('run_id', name=op.f('pk_capitation_runs'))
    )
    with op.batch_alter_table('capitation_runs', schema=None) as batch_op:
        batch_op.create_index('ix_capitation_runs_consortium_month', ['consortium_id', 'month'], unique=False)

    op.create_table('census',
    sa.Column('org_id', sa.String(length=64), nullable=False),
    sa.Column('group', sa.String(length=30), nullable=False),
    sa.Column('consortium_id', sa.String(length=64), nullable=False),
    sa.Column('people', sa.Integer(), nullable=False),
    sa.Column('as_of', sa.Date(), nullable=False),
    sa.Column('recorded_by', sa.String(length=100), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('org_id', 'group', name=op.f('pk_census'))
    )
    op.create_table('contracts',
    sa.Column('contract_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('resident_key', sa.String(length=64), nullable=False),
    sa.Column('resident_masked', sa.String(length=18), nullable=False),
    sa.Column('org_id', sa.String(length=64), nullable=False),
    sa.Column('consortium_id', sa.String(length=64), nullable=False),
    sa.Column('team', sa.String(length=40), nullable=False),
    sa.Column('package', sa.String(length=40), nullable=False),
    sa.Column('key_groups', sa.Integer(), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('upload_id', sa.String(length=36), nullable=True),
    sa.Column('recorded_by', sa.String(length=100), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ended_by', sa.String(length=100), nullable=True),
    sa.Column('end_reason', sa.String(length=200), nullable=True),
    sa.PrimaryKeyConstraint('contract_id', name=op.f('pk_contracts')),
    sa.UniqueConstraint('resident_key', 'start_date', name='uq_contracts_resident_start')
    )
    op.create_table('unit_indicators',
    sa.Column('consortium_id', sa.String(length=64), nullable=False),
    sa.Column('org_id', sa.String(length=64), nullable=False),
    sa.Column('period', sa.String(length=7), nullable=False),
    sa.Column('occurred_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('event_id', sa.String(length=64), nullable=False),
    sa.Column('county_domain_visit_rate_bp', sa.Integer(), nullable=True),
    sa.Column('in_county_visits', sa.Integer(), nullable=True),
    sa.Column('out_of_county_count', sa.Integer(), nullable=False),
    sa.Column('acceptance_rate_bp', sa.Integer(), nullable=True),
    sa.Column('median_response_minutes', sa.Integer(), nullable=True),
    sa.Column('chronic_downward_share_bp', sa.Integer(), nullable=True),
    sa.PrimaryKeyConstraint('consortium_id', 'org_id', 'period', name=op.f('pk_unit_indicators'))
    )
    op.create_table('capitation_lines',
    sa.Column('contract_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('month', sa.String(length=7), nullable=False),
    sa.Column('run_id', sa.String(length=36), nullable=False),
    sa.Column('org_id', sa.String(length=64), nullable=False),
    sa.Column('weight_bp', sa.Integer(), nullable=False),
    sa.Column('amount_fen', sa.BigInteger(), nullable=False),
    sa.Column('fee_fund_fen', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['contract_id'], ['contracts.contract_id'], name=op.f('fk_capitation_lines_contract_id_contracts')),
    sa.ForeignKeyConstraint(['run_id'], ['capitation_runs.run_id'], name=op.f('fk_capitation_lines_run_id_capitation_runs')),
    sa.PrimaryKeyConstraint('contract_id', 'month', name=op.f('pk_capitation_lines'))
    )
    with op.batch_alter_table('capitation_lines', schema=None) as batch_op:
        batch_op.create_index('ix_capitation_lines_run', ['run_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('capitation_lines', schema=None) as batch_op:
        batch_op.drop_index('ix_capitation_lines_run')

    op.drop_table('capitation_lines')
    op.drop_table('unit_indicators')
    op.drop_table('contracts')
    op.drop_table('census')
    with op.batch_alter_table('capitation_runs', schema=None) as batch_op:
        batch_op.drop_index('ix_capitation_runs_consortium_month')

    op.drop_table('capitation_runs')
    op.drop_table('capitation_months')
