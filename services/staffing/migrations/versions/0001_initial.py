"""initial: staff pool, postings, quota policies and overrides, secondment requests, rotation plans,
seasonal calendar, demand signals, tidal recommendations; outbox, inbox and the organisation directory.

Revision ID: 0001
Revises: 
Create Date: 2026-11-23 19:29:10.367816
"""
from alembic import op
import sqlalchemy as sa


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('demand_signals',
    sa.Column('event_id', sa.String(length=64), nullable=False),
    sa.Column('referral_id', sa.String(length=64), nullable=False),
    sa.Column('from_org_id', sa.String(length=64), nullable=False),
    sa.Column('specialty', sa.String(length=40), nullable=False),
    sa.Column('occurred_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('event_id', name=op.f('pk_demand_signals')),
    sa.UniqueConstraint('referral_id', name=op.f('uq_demand_signals_referral_id'))
    )
    with op.batch_alter_table('demand_signals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_demand_signals_from_org_id'), ['from_org_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_demand_signals_occurred_at'), ['occurred_at'], unique=False)

    op.create_table('inbox',
    sa.Column('consumer_name', sa.String(length=100), nullable=False),
    sa.Column('event_id', sa.String(length=64), nullable=False),
    sa.Column('event_type', sa.String(length=100), nullable=False),
    sa.Column('processed_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('consumer_name', 'event_id', name=op.f('pk_inbox'))
    )
    op.create_table('organisations',
    sa.Column('org_id', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('consortium_id', sa.String(length=64), nullable=True),
    sa.Column('parent_org_id', sa.String(length=64), nullable=True),
    sa.Column('service_population', sa.Integer(), nullable=True),
    sa.PrimaryKeyConstraint('org_id', name=op.f('pk_organisations'))
    )
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_organisations_consortium_id'), ['consortium_id'], unique=False)

    op.create_table('outbox',
    sa.Column('seq', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('event_id', sa.String(length=64), nullable=False),
    sa.Column('topic', sa.String(length=100), nullable=False),
    sa.Column('aggregate_type', sa.String(length=50), nullable=False),
    sa.Column('aggregate_id', sa.String(length=100), nullable=False),
    sa.Column('event_type', sa.String(length=100), nullable=False),
    sa.Column('envelope', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('seq', name=op.f('pk_outbox')),
    sa.UniqueConstraint('event_id', name=op.f('uq_outbox_event_id'))
    )
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outbox_published_at'), ['published_at'], unique=False)

    op.create_table('postings',
    sa.Column('posting_id', sa.String(length=36), nullable=False),
    sa.Column('staff_id', sa.String(length=36), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('from_org_id', sa.String(length=64), nullable=True),
    sa.Column('org_id', sa.String(length=64), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('arrived_on', sa.Date(), nullable=True),
    sa.Column('ended_on', sa.Date(), nullable=True),
    sa.Column('end_reason', sa.String(length=20), nullable=True),
    sa.Column('request_id', sa.String(length=36), nullable=True),
    sa.Column('plan_id', sa.String(length=36), nullable=True),
    sa.Column('created_by', sa.String(length=100), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('posting_id', name=op.f('pk_postings'))
    )
    with op.batch_alter_table('postings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_postings_org_id'), ['org_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_postings_plan_id'), ['plan_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_postings_request_id'), ['request_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_postings_staff_id'), ['staff_id'], unique=False)

    op.create_table('quota_overrides',
    sa.Column('override_id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('org_id', sa.String(length=64), nullable=False),
    sa.Column('staff_id', sa.String(length=36), nullable=False),
    sa.Column('rule', sa.String(length=40), nullable=False),
    sa.Column('detail', sa.Text(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('decided_by', sa.String(length=100), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('override_id', name=op.f('pk_quota_overrides'))
    )
    with op.batch_alter_table('quota_overrides', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_quota_overrides_org_id'), ['org_id'], unique=False)

    op.create_table('quota_policies',
    sa.Column('policy_id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('org_id', sa.String(length=64), nullable=False),
    sa.Column('effective_from', sa.Date(), nullable=False),
    sa.Column('per_mille', sa.String(length=20), nullable=True),
    sa.Column('quota', sa.Integer(), nullable=True),
    sa.Column('professional_min_bp', sa.Integer(), nullable=True),
    sa.Column('senior_cap_bp', sa.Integer(), nullable=True),
    sa.Column('intermediate_cap_bp', sa.Integer(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('created_by', sa.String(length=100), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('policy_id', name=op.f('pk_quota_policies')),
    sa.UniqueConstraint('org_id', 'effective_from', name=op.f('uq_quota_policies_org_id'))
    )
    with op.batch_alter_table('quota_policies', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_quota_policies_org_id'), ['org_id'], unique=False)

    op.create_table('recommendations',
    sa.Column('recommendation_id', sa.String(length=36), nullable=False),
    sa.Column('township_id', sa.String(length=64), nullable=False),
    sa.Column('specialty', sa.String(length=40), nullable=False),
    sa.Column('headcount', sa.Integer(), nullable=False),
    sa.Column('score', sa.Integer(), nullable=False),
    sa.Column('reasons', sa.JSON(), nullable=False),
    sa.Column('season_id', sa.String(length=36), nullable=True),
    sa.Column('window_volume', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('generated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('request_id', sa.String(length=36), nullable=True),
    sa.Column('decided_by', sa.String(length=100), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('recommendation_id', name=op.f('pk_recommendations'))
    )
    with op.batch_alter_table('recommendations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_recommendations_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_recommendations_township_id'), ['township_id'], unique=False)

    op.create_table('rotation_plans',
    sa.Column('plan_id', sa.String(length=36), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('org_id', sa.String(length=64), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('block_days', sa.Integer(), nullable=False),
    sa.Column('staff_ids', sa.JSON(), nullable=False),
    sa.Column('created_by', sa.String(length=100), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('plan_id', name=op.f('pk_rotation_plans'))
    )
    op.create_table('seasons',
    sa.Column('season_id', sa.String(length=36), nullable=False),
    sa.Column('org_id', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=False),
    sa.Column('specialties', sa.JSON(), nullable=False),
    sa.Column('headcount', sa.Integer(), nullable=False),
    sa.Column('created_by', sa.String(length=100), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('season_id', name=op.f('pk_seasons'))
    )
    with op.batch_alter_table('seasons', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_seasons_org_id'), ['org_id'], unique=False)

    op.create_table('secondment_requests',
    sa.Column('request_id', sa.String(length=36), nullable=False),
    sa.Column('org_id', sa.String(length=64), nullable=False),
    sa.Column('specialty', sa.String(length=40), nullable=False),
    sa.Column('title_level', sa.String(length=20), nullable=False),
    sa.Column('headcount', sa.Integer(), nullable=False),
    sa.Column('dispatched', sa.Integer(), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('recommendation_id', sa.String(length=36), nullable=True),
    sa.Column('requested_by', sa.String(length=100), nullable=False),
    sa.Column('decided_by', sa.String(length=100), nullable=True),
    sa.Column('decision_reason', sa.Text(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('request_id', name=op.f('pk_secondment_requests'))
    )
    with op.batch_alter_table('secondment_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_secondment_requests_org_id'), ['org_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_secondment_requests_status'), ['status'], unique=False)

    op.create_table('staff',
    sa.Column('staff_id', sa.String(length=36), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('id_number_hash', sa.String(length=64), nullable=False),
    sa.Column('id_number_masked', sa.String(length=32), nullable=False),
    sa.Column('qualification', sa.String(length=30), nullable=False),
    sa.Column('title_level', sa.String(length=20), nullable=False),
    sa.Column('specialty', sa.String(length=40), nullable=False),
    sa.Column('pool', sa.String(length=64), nullable=False),
    sa.Column('home_org_id', sa.String(length=64), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('registered_by', sa.String(length=100), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('posting_changes', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('staff_id', name=op.f('pk_staff')),
    sa.UniqueConstraint('id_number_hash', name=op.f('uq_staff_id_number_hash'))
    )
    with op.batch_alter_table('staff', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staff_home_org_id'), ['home_org_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_staff_specialty'), ['specialty'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('staff', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_staff_specialty'))
        batch_op.drop_index(batch_op.f('ix_staff_home_org_id'))

    op.drop_table('staff')
    with op.batch_alter_table('secondment_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_secondment_requests_status'))
        batch_op.drop_index(batch_op.f('ix_secondment_requests_org_id'))

    op.drop_table('secondment_requests')
    with op.batch_alter_table('seasons', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_seasons_org_id'))

    op.drop_table('seasons')
    op.drop_table('rotation_plans')
    with op.batch_alter_table('recommendations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_recommendations_township_id'))
        batch_op.drop_index(batch_op.f('ix_recommendations_status'))

    op.drop_table('recommendations')
    with op.batch_alter_table('quota_policies', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_quota_policies_org_id'))

    op.drop_table('quota_policies')
    with op.batch_alter_table('quota_overrides', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_quota_overrides_org_id'))

    op.drop_table('quota_overrides')
    with op.batch_alter_table('postings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_postings_staff_id'))
        batch_op.drop_index(batch_op.f('ix_postings_request_id'))
        batch_op.drop_index(batch_op.f('ix_postings_plan_id'))
        batch_op.drop_index(batch_op.f('ix_postings_org_id'))

    op.drop_table('postings')
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outbox_published_at'))

    op.drop_table('outbox')
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_organisations_consortium_id'))

    op.drop_table('organisations')
    op.drop_table('inbox')
    with op.batch_alter_table('demand_signals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_demand_signals_occurred_at'))
        batch_op.drop_index(batch_op.f('ix_demand_signals_from_org_id'))

    op.drop_table('demand_signals')
