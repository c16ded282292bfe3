"""Customers merged into another keep a pointer to it (`/amteam customer merge`): kept,
with their history, shown as merged rather than restorable. An outbox message whose
recipient had left the team says who it was meant for (`rerouted_from`), for the
manager digest.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03
"""
import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("customers") as batch_op:
        batch_op.add_column(sa.Column("merged_into_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            "fk_customers_merged_into_id_customers", "customers", ["merged_into_id"], ["id"], ondelete="SET NULL"
        )
    with op.batch_alter_table("outbox") as batch_op:
        batch_op.add_column(sa.Column("rerouted_from", sa.String(length=40), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("outbox") as batch_op:
        batch_op.drop_column("rerouted_from")
    with op.batch_alter_table("customers") as batch_op:
        batch_op.drop_constraint("fk_customers_merged_into_id_customers", type_="foreignkey")
        batch_op.drop_column("merged_into_id")
