"""claims carry the main diagnosis (主诊断, ICD-10) when the insurance office's file or the request gives it: the
chronic (两慢病) patients' primary-care visit rate of the appraisal counts by it.

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
    with op.batch_alter_table('claims', schema=None) as batch_op:
        batch_op.add_column(sa.Column('diagnosis_code', sa.String(length=16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('claims', schema=None) as batch_op:
        batch_op.drop_column('diagnosis_code')
