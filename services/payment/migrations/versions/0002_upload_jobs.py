"""upload jobs: an upload's status (running/done/failed, with why), format and size; every rejected row in
upload_errors (the errors JSON kept the first thousand only), moved over from the old column.

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
    op.create_table('upload_errors',
    sa.Column('upload_id', sa.String(length=36), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('line', sa.Integer(), nullable=False),
    sa.Column('claim_no', sa.String(length=64), nullable=True),
    sa.Column('field', sa.String(length=40), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['upload_id'], ['uploads.upload_id'], name=op.f('fk_upload_errors_upload_id_uploads')),
    sa.PrimaryKeyConstraint('upload_id', 'seq', name=op.f('pk_upload_errors'))
    )
    uploads = sa.table('uploads', sa.column('upload_id', sa.String), sa.column('errors', sa.JSON))
    errors = sa.table('upload_errors', sa.column('upload_id', sa.String), sa.column('seq', sa.Integer),
                      sa.column('line', sa.Integer), sa.column('claim_no', sa.String), sa.column('field', sa.String),
                      sa.column('reason', sa.Text))
    conn = op.get_bind()
    for upload_id, listed in conn.execute(sa.select(uploads.c.upload_id, uploads.c.errors)).all():
        rows = [{"upload_id": upload_id, "seq": i, "line": int(e.get("line") or 0), "claim_no": e.get("claim_no"),
                 "field": str(e.get("field") or "row")[:40], "reason": str(e.get("reason") or "")}
                for i, e in enumerate(listed or [])]
        if rows:
            conn.execute(sa.insert(errors), rows)
    with op.batch_alter_table('uploads', schema=None) as batch_op:
        batch_op.add_column(sa.Column('status', sa.String(length=10), server_default='done', nullable=False))
        batch_op.add_column(sa.Column('failure', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('file_format', sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column('size_bytes', sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.drop_column('errors')
        batch_op.create_index(batch_op.f('ix_uploads_purpose_uploaded_at'), ['purpose', 'uploaded_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('uploads', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_uploads_purpose_uploaded_at'))
        batch_op.add_column(sa.Column('errors', sa.JSON(), nullable=False, server_default='[]'))
        batch_op.drop_column('finished_at')
        batch_op.drop_column('size_bytes')
        batch_op.drop_column('file_format')
        batch_op.drop_column('failure')
        batch_op.drop_column('status')
    op.drop_table('upload_errors')
