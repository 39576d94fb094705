"""referral's consultation: the 科对科 consultation whose answer "refer up" created an upward referral, as a column
instead of its id written into the referral's reason. Referrals a consultation created before this revision get
their link from the consultation's `referral_id`; their reason, clinical text the desks have read, is left as it was.

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
    op.execute("UPDATE referrals SET consultation_id = (SELECT c.consultation_id FROM consultations c "
               "WHERE c.referral_id = referrals.referral_id) "
               "WHERE referral_id IN (SELECT referral_id FROM consultations WHERE referral_id IS NOT NULL)")


def downgrade() -> None:
    with op.batch_alter_table('referrals', schema=None) as batch_op:
        batch_op.drop_column('consultation_id')
