"""who recorded a contract, when and how, once per recording instead of on every contract row: a roster import
writes one contract_recordings row for its million contracts, an API add or transfer one for its contract. The
contract keeps `recording_id`; source, upload_id, recorded_by and recorded_at move to the recording. Existing
contracts get one recording per distinct (source, upload, recorder, instant), i.e. one per import.

Revision ID: 0007
Revises: 0006
"""
from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

RowId = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')
MOVED = ('source', 'upload_id', 'recorded_by', 'recorded_at')


def upgrade() -> None:
    op.create_table(
        'contract_recordings',
        sa.Column('recording_id', RowId, autoincrement=True, nullable=False),
        sa.Column('source', sa.String(length=20), nullable=False),
        sa.Column('upload_id', sa.String(length=36), nullable=True),
        sa.Column('recorded_by', sa.String(length=100), nullable=False),
        sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('recording_id', name=op.f('pk_contract_recordings')),
    )
    with op.batch_alter_table('contracts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('recording_id', RowId, nullable=True))
    op.execute("INSERT INTO contract_recordings (source, upload_id, recorded_by, recorded_at) "
               "SELECT DISTINCT source, upload_id, recorded_by, recorded_at FROM contracts")
    # Each contract finds its recording through an index (single adds make one recording each: without it, a
    # million contracts would each scan them all). upload_id, the only nullable one, is compared NULL-safe.
    op.create_index('ix_contract_recordings_match', 'contract_recordings', ['recorded_at', 'recorded_by', 'source'])
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("UPDATE contracts AS c SET recording_id = r.recording_id FROM contract_recordings AS r "
                   "WHERE r.recorded_at = c.recorded_at AND r.recorded_by = c.recorded_by AND r.source = c.source "
                   "AND r.upload_id IS NOT DISTINCT FROM c.upload_id")
    else:
        op.execute("UPDATE contracts SET recording_id = (SELECT r.recording_id FROM contract_recordings r "
                   "WHERE r.recorded_at = contracts.recorded_at AND r.recorded_by = contracts.recorded_by "
                   "AND r.source = contracts.source AND r.upload_id IS contracts.upload_id)")
    op.drop_index('ix_contract_recordings_match', table_name='contract_recordings')
    with op.batch_alter_table('contracts', schema=None) as batch_op:
        batch_op.alter_column('recording_id', existing_type=RowId, nullable=False)
        batch_op.create_foreign_key(op.f('fk_contracts_recording_id_contract_recordings'), 'contract_recordings',
                                    ['recording_id'], ['recording_id'])
        for column in MOVED:
            batch_op.drop_column(column)


def downgrade() -> None:
    with op.batch_alter_table('contracts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('source', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('upload_id', sa.String(length=36), nullable=True))
        batch_op.add_column(sa.Column('recorded_by', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=True))
    for column in MOVED:
        op.execute(f"UPDATE contracts SET {column} = (SELECT r.{column} FROM contract_recordings r "
                   f"WHERE r.recording_id = contracts.recording_id)")
    with op.batch_alter_table('contracts', schema=None) as batch_op:
        for column in ('source', 'recorded_by', 'recorded_at'):
            batch_op.alter_column(column, nullable=False)
        batch_op.drop_constraint(op.f('fk_contracts_recording_id_contract_recordings'), type_='foreignkey')
        batch_op.drop_column('recording_id')
    op.drop_table('contract_recordings')
