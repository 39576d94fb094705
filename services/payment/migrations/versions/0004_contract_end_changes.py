"""a roster re-upload may move a contract's end date: the history of those changes, and the count per upload.

Revision ID: 0004
Revises: 0003
"""
from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

ContractId = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    op.create_table(
        'contract_end_changes',
        sa.Column('change_id', ContractId, autoincrement=True, nullable=False),
        sa.Column('contract_id', ContractId, nullable=False),
        sa.Column('previous_end_date', sa.Date(), nullable=True),
        sa.Column('end_date', sa.Date(), nullable=True),
        sa.Column('upload_id', sa.String(length=36), nullable=True),
        sa.Column('line', sa.Integer(), nullable=True),
        sa.Column('changed_by', sa.String(length=100), nullable=False),
        sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['contract_id'], ['contracts.contract_id'],
                                name=op.f('fk_contract_end_changes_contract_id_contracts')),
        sa.PrimaryKeyConstraint('change_id', name=op.f('pk_contract_end_changes')),
    )
    with op.batch_alter_table('contract_end_changes', schema=None) as batch_op:
        batch_op.create_index('ix_contract_end_changes_contract', ['contract_id'], unique=False)
    with op.batch_alter_table('uploads', schema=None) as batch_op:
        batch_op.add_column(sa.Column('changed', sa.Integer(), server_default='0', nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('uploads', schema=None) as batch_op:
        batch_op.drop_column('changed')
    with op.batch_alter_table('contract_end_changes', schema=None) as batch_op:
        batch_op.drop_index('ix_contract_end_changes_contract')
    op.drop_table('contract_end_changes')
