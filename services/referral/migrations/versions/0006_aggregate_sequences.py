"""aggregate sequences: each aggregate's events numbered 1, 2, 3… in the envelope (`aggregate_sequence`), the
counter in aggregate_sequences; each consumer's highest applied number per aggregate in aggregate_positions.
Events recorded before this revision carry no number; an aggregate's numbering starts at 1 with its next event.

Revision ID: 0006
Revises: 0005
"""
from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('aggregate_sequences',
    sa.Column('aggregate_type', sa.String(length=50), nullable=False),
    sa.Column('aggregate_id', sa.String(length=100), nullable=False),
    sa.Column('last_sequence', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('aggregate_type', 'aggregate_id', name=op.f('pk_aggregate_sequences'))
    )
    op.create_table('aggregate_positions',
    sa.Column('consumer_name', sa.String(length=100), nullable=False),
    sa.Column('aggregate_type', sa.String(length=50), nullable=False),
    sa.Column('aggregate_id', sa.String(length=100), nullable=False),
    sa.Column('last_sequence', sa.BigInteger(), nullable=False),
    sa.Column('out_of_order', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('consumer_name', 'aggregate_type', 'aggregate_id', name=op.f('pk_aggregate_positions'))
    )


def downgrade() -> None:
    op.drop_table('aggregate_positions')
    op.drop_table('aggregate_sequences')
