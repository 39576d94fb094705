"""post structure: the caps' base (professional-technical posts), targeted posts, the seniority exemptions'
inputs (date of birth, a person's own retirement age), the exemption recorded with a promotion, and the
county versions' new effective-dated rules.

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
    with op.batch_alter_table('staff') as t:
        t.add_column(sa.Column('date_of_birth', sa.Date(), nullable=True))
        t.add_column(sa.Column('retirement_age_years', sa.Integer(), nullable=True))
        t.add_column(sa.Column('targeted_post', sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table('title_changes') as t:
        t.add_column(sa.Column('targeted_post', sa.Boolean(), nullable=True))
        t.add_column(sa.Column('exemption', sa.String(length=40), nullable=True))
        t.add_column(sa.Column('exemption_reason', sa.Text(), nullable=True))
    with op.batch_alter_table('quota_policies') as t:
        t.add_column(sa.Column('professional_posts', sa.Integer(), nullable=True))
        t.add_column(sa.Column('targeted_bp', sa.Integer(), nullable=True))
    # The documented defaults (定向岗位 10%, one public-health physician, 20 years, 5 years) for versions already
    # stored: before this revision no version spoke of them and the settings' defaults applied.
    with op.batch_alter_table('county_quota_policies') as t:
        t.add_column(sa.Column('township_targeted_bp', sa.Integer(), nullable=False, server_default='1000'))
        t.add_column(sa.Column('public_health_min', sa.Integer(), nullable=False, server_default='1'))
        t.add_column(sa.Column('seniority_service_years', sa.Integer(), nullable=False, server_default='20'))
        t.add_column(sa.Column('retirement_window_years', sa.Integer(), nullable=False, server_default='5'))


def downgrade() -> None:
    with op.batch_alter_table('county_quota_policies') as t:
        for name in ('retirement_window_years', 'seniority_service_years', 'public_health_min', 'township_targeted_bp'):
            t.drop_column(name)
    with op.batch_alter_table('quota_policies') as t:
        t.drop_column('targeted_bp')
        t.drop_column('professional_posts')
    with op.batch_alter_table('title_changes') as t:
        for name in ('exemption_reason', 'exemption', 'targeted_post'):
            t.drop_column(name)
    with op.batch_alter_table('staff') as t:
        for name in ('targeted_post', 'retirement_age_years', 'date_of_birth'):
            t.drop_column(name)
