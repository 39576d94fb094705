"""registry changes: the history of the organisation and user registry

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27 10:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('registry_changes',
    sa.Column('seq', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor', sa.String(length=64), nullable=False),
    sa.Column('subject', sa.String(length=20), nullable=False),
    sa.Column('subject_id', sa.String(length=64), nullable=False),
    sa.Column('org_id', sa.String(length=64), nullable=False),
    sa.Column('action', sa.String(length=20), nullable=False),
    sa.Column('before', sa.JSON(), nullable=True),
    sa.Column('after', sa.JSON(), nullable=False),
    sa.Column('request_id', sa.String(length=100), nullable=True),
    sa.PrimaryKeyConstraint('seq', name=op.f('pk_registry_changes'))
    )
    with op.batch_alter_table('registry_changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_registry_changes_org_id'), ['org_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_registry_changes_subject_id'), ['subject_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('registry_changes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_registry_changes_subject_id'))
        batch_op.drop_index(batch_op.f('ix_registry_changes_org_id'))
    op.drop_table('registry_changes')
