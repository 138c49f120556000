"""notification worded when sent: body may wait for the dispatcher; level and context

Revision ID: 0004
Revises: 0003
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.add_column(sa.Column('level', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('context', sqlmodel.sql.sqltypes.AutoString(), nullable=True))
        batch_op.alter_column('body', existing_type=sqlmodel.sql.sqltypes.AutoString(), nullable=True)


def downgrade() -> None:
    # Messages queued but not yet worded get an empty body rather than blocking the downgrade.
    op.execute("UPDATE notification SET body = '' WHERE body IS NULL")
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.alter_column('body', existing_type=sqlmodel.sql.sqltypes.AutoString(), nullable=False)
        batch_op.drop_column('context')
        batch_op.drop_column('level')
