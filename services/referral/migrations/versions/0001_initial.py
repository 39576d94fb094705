"""initial: referrals with their audit trail and follow-ups, receiving capabilities, visit volumes,
plus the outbox, inbox and organisation directory every service keeps.

Revision ID: 0001
Revises: 
Create Date: 2026-11-23 19:29:04.719444
"""
from alembic import op
import sqlalchemy as sa


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
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

    op.create_table('receiving_capabilities',
    sa.Column('secondment_id', sa.String(length=64), nullable=False),
    sa.Column('org_id', sa.String(length=64), nullable=True),
    sa.Column('specialty', sa.String(length=40), nullable=True),
    sa.Column('start_date', sa.Date(), nullable=True),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('ended_on', sa.Date(), nullable=True),
    sa.PrimaryKeyConstraint('secondment_id', name=op.f('pk_receiving_capabilities'))
    )
    with op.batch_alter_table('receiving_capabilities', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_receiving_capabilities_org_id'), ['org_id'], unique=False)

    op.create_table('referrals',
    sa.Column('referral_id', sa.String(length=36), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('direction', sa.String(length=20), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('consortium_id', sa.String(length=64), nullable=True),
    sa.Column('from_org_id', sa.String(length=64), nullable=False),
    sa.Column('to_org_id', sa.String(length=64), nullable=True),
    sa.Column('specialty', sa.String(length=40), nullable=False),
    sa.Column('urgency', sa.String(length=20), nullable=False),
    sa.Column('emergency_category', sa.String(length=30), nullable=True),
    sa.Column('icd10', sa.String(length=20), nullable=False),
    sa.Column('diagnosis', sa.String(length=500), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('chronic_condition', sa.String(length=20), nullable=True),
    sa.Column('patient_name', sa.String(length=100), nullable=False),
    sa.Column('patient_sex', sa.String(length=10), nullable=False),
    sa.Column('patient_birth_date', sa.Date(), nullable=False),
    sa.Column('patient_id_masked', sa.String(length=18), nullable=False),
    sa.Column('patient_key', sa.String(length=64), nullable=False),
    sa.Column('attachments', sa.JSON(), nullable=False),
    sa.Column('created_by', sa.String(length=100), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('routed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('response_deadline', sa.DateTime(timezone=True), nullable=True),
    sa.Column('overdue_announced_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('responded_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('appointment_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('bed_no', sa.String(length=40), nullable=True),
    sa.Column('priority_reception', sa.Boolean(), nullable=False),
    sa.Column('priority_examination', sa.Boolean(), nullable=False),
    sa.Column('priority_admission', sa.Boolean(), nullable=False),
    sa.Column('decision_code', sa.String(length=40), nullable=True),
    sa.Column('decision_text', sa.Text(), nullable=True),
    sa.Column('arrived_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('completed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('service_date', sa.Date(), nullable=True),
    sa.Column('final_icd10', sa.String(length=20), nullable=True),
    sa.Column('discharge_summary', sa.Text(), nullable=True),
    sa.Column('fund_amount_fen', sa.BigInteger(), nullable=True),
    sa.Column('recommend_downward', sa.Boolean(), nullable=False),
    sa.Column('plan', sa.JSON(), nullable=True),
    sa.Column('source_referral_id', sa.String(length=36), nullable=True),
    sa.Column('capability_override_reason', sa.Text(), nullable=True),
    sa.Column('destination', sa.String(length=200), nullable=True),
    sa.PrimaryKeyConstraint('referral_id', name=op.f('pk_referrals'))
    )
    with op.batch_alter_table('referrals', schema=None) as batch_op:
        batch_op.create_index('ix_referrals_created_at', ['created_at'], unique=False)
        batch_op.create_index('ix_referrals_from_org_status', ['from_org_id', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_referrals_patient_key'), ['patient_key'], unique=False)
        batch_op.create_index('ix_referrals_to_org_status', ['to_org_id', 'status'], unique=False)

    op.create_table('visit_volumes',
    sa.Column('org_id', sa.String(length=64), nullable=False),
    sa.Column('month', sa.String(length=7), nullable=False),
    sa.Column('visits', sa.Integer(), nullable=False),
    sa.Column('reported_by', sa.String(length=100), nullable=False),
    sa.Column('reported_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('org_id', 'month', name=op.f('pk_visit_volumes'))
    )
    op.create_table('follow_ups',
    sa.Column('follow_up_id', sa.String(length=36), nullable=False),
    sa.Column('referral_id', sa.String(length=36), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=False),
    sa.Column('focus', sa.String(length=500), nullable=True),
    sa.Column('done_on', sa.Date(), nullable=True),
    sa.Column('on_time', sa.Boolean(), nullable=True),
    sa.Column('findings', sa.Text(), nullable=True),
    sa.Column('recorded_by', sa.String(length=100), nullable=True),
    sa.ForeignKeyConstraint(['referral_id'], ['referrals.referral_id'], name=op.f('fk_follow_ups_referral_id_referrals')),
    sa.PrimaryKeyConstraint('follow_up_id', name=op.f('pk_follow_ups'))
    )
    with op.batch_alter_table('follow_ups', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_follow_ups_referral_id'), ['referral_id'], unique=False)

    op.create_table('referral_transitions',
    sa.Column('seq', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('referral_id', sa.String(length=36), nullable=False),
    sa.Column('action', sa.String(length=20), nullable=False),
    sa.Column('from_status', sa.String(length=20), nullable=True),
    sa.Column('to_status', sa.String(length=20), nullable=False),
    sa.Column('actor', sa.String(length=100), nullable=False),
    sa.Column('actor_org_id', sa.String(length=64), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('response_minutes', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['referral_id'], ['referrals.referral_id'], name=op.f('fk_referral_transitions_referral_id_referrals')),
    sa.PrimaryKeyConstraint('seq', name=op.f('pk_referral_transitions'))
    )
    with op.batch_alter_table('referral_transitions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_referral_transitions_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_referral_transitions_referral_id'), ['referral_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('referral_transitions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_referral_transitions_referral_id'))
        batch_op.drop_index(batch_op.f('ix_referral_transitions_at'))

    op.drop_table('referral_transitions')
    with op.batch_alter_table('follow_ups', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_follow_ups_referral_id'))

    op.drop_table('follow_ups')
    op.drop_table('visit_volumes')
    with op.batch_alter_table('referrals', schema=None) as batch_op:
        batch_op.drop_index('ix_referrals_to_org_status')
        batch_op.drop_index(batch_op.f('ix_referrals_patient_key'))
        batch_op.drop_index('ix_referrals_from_org_status')
        batch_op.drop_index('ix_referrals_created_at')

    op.drop_table('referrals')
    with op.batch_alter_table('receiving_capabilities', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_receiving_capabilities_org_id'))

    op.drop_table('receiving_capabilities')
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outbox_published_at'))

    op.drop_table('outbox')
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_organisations_consortium_id'))

    op.drop_table('organisations')
    op.drop_table('inbox')
