"""capacity: slots county departments publish (outpatient bands, beds kept for referrals, exams), the bookings
referrals hold on them, and the audit trail of both.

Revision ID: 0004
Revises: 0003
"""
from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('capacity_audit',
    sa.Column('seq', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor', sa.String(length=100), nullable=False),
    sa.Column('actor_org_id', sa.String(length=64), nullable=True),
    sa.Column('action', sa.String(length=30), nullable=False),
    sa.Column('org_id', sa.String(length=64), nullable=False),
    sa.Column('slot_id', sa.String(length=36), nullable=True),
    sa.Column('booking_id', sa.String(length=36), nullable=True),
    sa.Column('referral_id', sa.String(length=36), nullable=True),
    sa.Column('detail', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('seq', name=op.f('pk_capacity_audit'))
    )
    with op.batch_alter_table('capacity_audit', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_capacity_audit_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_capacity_audit_org_id'), ['org_id'], unique=False)

    op.create_table('capacity_slots',
    sa.Column('slot_id', sa.String(length=36), nullable=False),
    sa.Column('consortium_id', sa.String(length=64), nullable=False),
    sa.Column('org_id', sa.String(length=64), nullable=False),
    sa.Column('specialty', sa.String(length=40), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('exam_type', sa.String(length=20), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('band_start', sa.String(length=5), nullable=False),
    sa.Column('band_end', sa.String(length=5), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=False),
    sa.Column('booked', sa.Integer(), nullable=False),
    sa.Column('overflow', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by', sa.String(length=100), nullable=False),
    sa.PrimaryKeyConstraint('slot_id', name=op.f('pk_capacity_slots')),
    sa.UniqueConstraint('org_id', 'specialty', 'kind', 'exam_type', 'day', 'band_start', name='uq_capacity_slot')
    )
    with op.batch_alter_table('capacity_slots', schema=None) as batch_op:
        batch_op.create_index('ix_capacity_slots_consortium_day', ['consortium_id', 'day'], unique=False)
        batch_op.create_index('ix_capacity_slots_org_day', ['org_id', 'day', 'specialty', 'kind', 'exam_type',
                                                            'capacity', 'booked', 'overflow'], unique=False)

    op.create_table('capacity_bookings',
    sa.Column('booking_id', sa.String(length=36), nullable=False),
    sa.Column('referral_id', sa.String(length=36), nullable=False),
    sa.Column('slot_id', sa.String(length=36), nullable=True),
    sa.Column('org_id', sa.String(length=64), nullable=False),
    sa.Column('specialty', sa.String(length=40), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('exam_type', sa.String(length=20), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('band_start', sa.String(length=5), nullable=False),
    sa.Column('band_end', sa.String(length=5), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('overflow', sa.Boolean(), nullable=False),
    sa.Column('urgency', sa.String(length=20), nullable=False),
    sa.Column('booked_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('booked_by', sa.String(length=100), nullable=False),
    sa.Column('slot_ends_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('released_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('release_reason', sa.String(length=20), nullable=True),
    sa.ForeignKeyConstraint(['referral_id'], ['referrals.referral_id'], name=op.f('fk_capacity_bookings_referral_id_referrals')),
    sa.ForeignKeyConstraint(['slot_id'], ['capacity_slots.slot_id'], name=op.f('fk_capacity_bookings_slot_id_capacity_slots')),
    sa.PrimaryKeyConstraint('booking_id', name=op.f('pk_capacity_bookings'))
    )
    with op.batch_alter_table('capacity_bookings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_capacity_bookings_referral_id'), ['referral_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_capacity_bookings_slot_id'), ['slot_id'], unique=False)
        batch_op.create_index('ix_capacity_bookings_status_due', ['status', 'slot_ends_at'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('capacity_bookings', schema=None) as batch_op:
        batch_op.drop_index('ix_capacity_bookings_status_due')
        batch_op.drop_index(batch_op.f('ix_capacity_bookings_slot_id'))
        batch_op.drop_index(batch_op.f('ix_capacity_bookings_referral_id'))

    op.drop_table('capacity_bookings')
    with op.batch_alter_table('capacity_slots', schema=None) as batch_op:
        batch_op.drop_index('ix_capacity_slots_org_day')
        batch_op.drop_index('ix_capacity_slots_consortium_day')

    op.drop_table('capacity_slots')
    with op.batch_alter_table('capacity_audit', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_capacity_audit_org_id'))
        batch_op.drop_index(batch_op.f('ix_capacity_audit_at'))

    op.drop_table('capacity_audit')
