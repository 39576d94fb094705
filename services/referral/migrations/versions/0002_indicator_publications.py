"""indicator publications: the months the service published by itself, once per consortium and period.

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
    op.create_table('indicator_publications',
    sa.Column('consortium_id', sa.String(length=64), nullable=False),
    sa.Column('period', sa.String(length=7), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('unit_count', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('consortium_id', 'period', name=op.f('pk_indicator_publications'))
    )


def downgrade() -> None:
    op.drop_table('indicator_publications')
