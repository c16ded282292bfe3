"""Visits indexed by customer, day and withdrawal: the latest visit of each customer
(cadence), the count of a rep's visits and whether a plan was superseded, without
reading every visit of the customer; and by rep and day, for a rep's visit count in a
KPI period

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03
"""
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("visits") as batch_op:
        batch_op.create_index("ix_visits_customer_live_date", ["customer_id", "visit_date", "withdrawn_at"], unique=False)
        batch_op.create_index("ix_visits_rep_date", ["rep_id", "visit_date", "withdrawn_at", "team_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("visits") as batch_op:
        batch_op.drop_index("ix_visits_rep_date")
        batch_op.drop_index("ix_visits_customer_live_date")
