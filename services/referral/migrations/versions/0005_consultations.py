"""consultations: advice before referral (科对科) a township unit asks a county department, and its audit trail.

Revision ID: 0005
Revises: 0004
"""
from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('consultations',
    sa.Column('consultation_id', sa.String(length=36), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('consortium_id', sa.String(length=64), nullable=False),
    sa.Column('from_org_id', sa.String(length=64), nullable=False),
    sa.Column('to_org_id', sa.String(length=64), nullable=False),
    sa.Column('specialty', sa.String(length=40), nullable=False),
    sa.Column('urgency', sa.String(length=20), nullable=False),
    sa.Column('question', sa.Text(), nullable=False),
    sa.Column('icd10', sa.String(length=20), nullable=False),
    sa.Column('diagnosis', sa.String(length=500), nullable=False),
    sa.Column('attachments', sa.JSON(), nullable=False),
    sa.Column('pairing_override_reason', sa.Text(), nullable=True),
    sa.Column('patient_name', sa.String(length=100), nullable=False),
    sa.Column('patient_sex', sa.String(length=10), nullable=False),
    sa.Column('patient_birth_date', sa.Date(), nullable=False),
    sa.Column('patient_id_masked', sa.String(length=18), nullable=False),
    sa.Column('patient_key', sa.String(length=64), nullable=False),
    sa.Column('asked_by', sa.String(length=100), nullable=False),
    sa.Column('asked_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('answer_deadline', sa.DateTime(timezone=True), nullable=True),
    sa.Column('overdue_announced_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('answered_by', sa.String(length=100), nullable=True),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('answer_minutes', sa.Integer(), nullable=True),
    sa.Column('outcome', sa.String(length=30), nullable=True),
    sa.Column('advice', sa.Text(), nullable=True),
    sa.Column('remote_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('referral_id', sa.String(length=36), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('consultation_id', name=op.f('pk_consultations'))
    )
    with op.batch_alter_table('consultations', schema=None) as batch_op:
        batch_op.create_index('ix_consultations_consortium_asked', ['consortium_id', 'asked_at'], unique=False)
        batch_op.create_index('ix_consultations_from_org_status', ['from_org_id', 'status'], unique=False)
        batch_op.create_index('ix_consultations_to_org_status', ['to_org_id', 'status'], unique=False)

    op.create_table('consultation_transitions',
    sa.Column('seq', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('consultation_id', sa.String(length=36), nullable=False),
    sa.Column('action', sa.String(length=20), nullable=False),
    sa.Column('from_status', sa.String(length=20), nullable=True),
    sa.Column('to_status', sa.String(length=20), nullable=False),
    sa.Column('actor', sa.String(length=100), nullable=False),
    sa.Column('actor_org_id', sa.String(length=64), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['consultation_id'], ['consultations.consultation_id'], name=op.f('fk_consultation_transitions_consultation_id_consultations')),
    sa.PrimaryKeyConstraint('seq', name=op.f('pk_consultation_transitions'))
    )
    with op.batch_alter_table('consultation_transitions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_consultation_transitions_consultation_id'), ['consultation_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('consultation_transitions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_consultation_transitions_consultation_id'))

    op.drop_table('consultation_transitions')
    with op.batch_alter_table('consultations', schema=None) as batch_op:
        batch_op.drop_index('ix_consultations_to_org_status')
        batch_op.drop_index('ix_consultations_from_org_status')
        batch_op.drop_index('ix_consultations_consortium_asked')

    op.drop_table('consultations')
