"""village schedules: tours (巡诊) and stations (派驻) of doctors at village clinics, kept when removed; the
county versions' licence-share target.

Village doctors themselves are staff rows (pool `village`) and their village postings are postings (kind
`village`): no new columns.

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
    op.create_table('village_schedules',
    sa.Column('schedule_id', sa.String(length=36), nullable=False),
    sa.Column('staff_id', sa.String(length=36), nullable=False),
    sa.Column('clinic_id', sa.String(length=64), nullable=False),
    sa.Column('township_id', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('weekdays', sa.JSON(), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('created_by', sa.String(length=100), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('removed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('removed_by', sa.String(length=100), nullable=True),
    sa.PrimaryKeyConstraint('schedule_id', name=op.f('pk_village_schedules'))
    )
    op.create_index(op.f('ix_village_schedules_staff_id'), 'village_schedules', ['staff_id'])
    op.create_index(op.f('ix_village_schedules_clinic_id'), 'village_schedules', ['clinic_id'])
    op.create_index(op.f('ix_village_schedules_township_id'), 'village_schedules', ['township_id'])
    # the licence-share target (45% by 2025) of the versions already stored: the settings' default applied
    with op.batch_alter_table('county_quota_policies') as t:
        t.add_column(sa.Column('village_licence_target_bp', sa.Integer(), nullable=False, server_default='4500'))


def downgrade() -> None:
    with op.batch_alter_table('county_quota_policies') as t:
        t.drop_column('village_licence_target_bp')
    op.drop_table('village_schedules')
