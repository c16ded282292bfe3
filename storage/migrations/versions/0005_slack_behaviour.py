"""teams.post_error*: the last failure to post to the team's channel, until a post succeeds

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03
"""
import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("teams") as batch_op:
        batch_op.add_column(sa.Column("post_error", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("post_error_channel", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("post_error_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("teams") as batch_op:
        batch_op.drop_column("post_error_at")
        batch_op.drop_column("post_error_channel")
        batch_op.drop_column("post_error")
