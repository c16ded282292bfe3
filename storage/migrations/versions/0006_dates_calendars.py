"""Calendars that never run out, configurable visit types, planned visits

- calendar_overrides: a team's own holidays and make-up working days (soft-removed, never deleted)
- teams.visit_types: the kinds of visit a team logs (NULL: all)
- ix_visits_team_next_visit: planned visits (visits.next_visit) looked up by day

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03
"""
import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "calendar_overrides",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=True),
        sa.Column("source", sa.String(length=8), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("removed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["team_id"], ["teams.id"], name=op.f("fk_calendar_overrides_team_id_teams"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["created_by_id"], ["members.id"], name=op.f("fk_calendar_overrides_created_by_id_members"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calendar_overrides")),
    )
    op.create_index("ix_calendar_overrides_team_day", "calendar_overrides", ["team_id", "day"], unique=False)
    with op.batch_alter_table("teams") as batch_op:
        batch_op.add_column(sa.Column("visit_types", sa.JSON(), nullable=True))
    op.create_index("ix_visits_team_next_visit", "visits", ["team_id", "next_visit"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_visits_team_next_visit", table_name="visits")
    with op.batch_alter_table("teams") as batch_op:
        batch_op.drop_column("visit_types")
    op.drop_index("ix_calendar_overrides_team_day", table_name="calendar_overrides")
    op.drop_table("calendar_overrides")
