"""referral's consultation: the 科对科 consultation whose answer "refer up" created an upward referral, as a column
instead of its id written into the referral's reason. Referrals recorded before this revision keep a null link
(their reason still names the consultation).

Revision ID: 0007
Revises: 0006
"""
from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('referrals', schema=None) as batch_op:
        batch_op.add_column(sa.Column('consultation_id', sa.String(length=36), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('referrals', schema=None) as batch_op:
        batch_op.drop_column('consultation_id')
