"""teams.customers_stamp: changes with the team's customers, for per-process caches

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22
"""
from uuid import uuid4

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("teams") as batch_op:
        batch_op.add_column(sa.Column("customers_stamp", sa.String(length=32), nullable=True))
    teams = sa.table("teams", sa.column("id", sa.Integer), sa.column("customers_stamp", sa.String))
    connection = op.get_bind()
    for (team_id,) in connection.execute(sa.select(teams.c.id)).all():
        connection.execute(teams.update().where(teams.c.id == team_id).values(customers_stamp=uuid4().hex))


def downgrade() -> None:
    with op.batch_alter_table("teams") as batch_op:
        batch_op.drop_column("customers_stamp")
