"""title changes: promotions and changes of qualification, checked against the quota rules.

Revision ID: 0002
Revises: 0001
"""
from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('title_changes',
    sa.Column('change_id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('staff_id', sa.String(length=36), nullable=False),
    sa.Column('from_title', sa.String(length=20), nullable=False),
    sa.Column('to_title', sa.String(length=20), nullable=False),
    sa.Column('from_qualification', sa.String(length=30), nullable=False),
    sa.Column('to_qualification', sa.String(length=30), nullable=False),
    sa.Column('effective_date', sa.Date(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('override_reason', sa.Text(), nullable=True),
    sa.Column('decided_by', sa.String(length=100), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('change_id', name=op.f('pk_title_changes'))
    )
    with op.batch_alter_table('title_changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_title_changes_staff_id'), ['staff_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('title_changes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_title_changes_staff_id'))
    op.drop_table('title_changes')
