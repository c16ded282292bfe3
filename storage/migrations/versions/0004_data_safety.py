"""Data safety: row versions, withdrawal instead of deletion, the audit trail

Every editable row gets a `version` (optimistic concurrency: SQLAlchemy's version_id_col);
visits, follow-ups, customers and KPI entries get `withdrawn_at` / `withdrawn_by_id` (KPI
targets, removed only by `config load --replace`, `withdrawn_at`);
follow-ups remember who created them (existing ones: whoever logged their visit); and
`audit_log` records every change to team data.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03
"""
import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

VERSIONED = ("teams", "customers", "kpi_entries", "visits", "followups", "handovers")
WITHDRAWABLE = ("customers", "kpi_entries", "visits", "followups")


def upgrade() -> None:
    for table in VERSIONED:
        with op.batch_alter_table(table) as batch_op:
            batch_op.add_column(sa.Column("version", sa.Integer(), server_default="1", nullable=False))
            if table in WITHDRAWABLE:
                batch_op.add_column(sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True))
                batch_op.add_column(sa.Column("withdrawn_by_id", sa.Integer(), nullable=True))
                batch_op.create_foreign_key(
                    batch_op.f(f"fk_{table}_withdrawn_by_id_members"), "members", ["withdrawn_by_id"], ["id"], ondelete="SET NULL"
                )
            if table == "followups":
                batch_op.add_column(sa.Column("created_by_id", sa.Integer(), nullable=True))
                batch_op.create_foreign_key(
                    batch_op.f("fk_followups_created_by_id_members"), "members", ["created_by_id"], ["id"], ondelete="SET NULL"
                )
    with op.batch_alter_table("kpi_targets") as batch_op:
        batch_op.add_column(sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True))
    # Who created an existing follow-up: whoever logged its visit.
    followups = sa.table("followups", sa.column("visit_id", sa.Integer), sa.column("created_by_id", sa.Integer))
    visits = sa.table("visits", sa.column("id", sa.Integer), sa.column("logged_by_id", sa.Integer))
    op.execute(
        followups.update()
        .where(followups.c.visit_id.is_not(None))
        .values(created_by_id=sa.select(visits.c.logged_by_id).where(visits.c.id == followups.c.visit_id).scalar_subquery())
    )
    # Rows withdrawn before withdrawal had a name: customers set inactive, KPI entries undone.
    # Their who and when are unknown; withdrawn_at stays empty and `active`/`undone` say it.

    op.create_table(
        "audit_log",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=32), nullable=True),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("entity", sa.String(length=32), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("version", sa.Integer(), nullable=True),
        sa.Column("before", sa.JSON(), nullable=True),
        sa.Column("after", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(["team_id"], ["teams.id"], name=op.f("fk_audit_log_team_id_teams"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    with op.batch_alter_table("audit_log") as batch_op:
        batch_op.create_index("ix_audit_log_entity", ["entity", "entity_id", "id"], unique=False)
        batch_op.create_index("ix_audit_log_team_at", ["team_id", "at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("audit_log") as batch_op:
        batch_op.drop_index("ix_audit_log_team_at")
        batch_op.drop_index("ix_audit_log_entity")
    op.drop_table("audit_log")
    with op.batch_alter_table("kpi_targets") as batch_op:
        batch_op.drop_column("withdrawn_at")
    for table in reversed(VERSIONED):
        with op.batch_alter_table(table) as batch_op:
            if table == "followups":
                batch_op.drop_constraint(batch_op.f("fk_followups_created_by_id_members"), type_="foreignkey")
                batch_op.drop_column("created_by_id")
            if table in WITHDRAWABLE:
                batch_op.drop_constraint(batch_op.f(f"fk_{table}_withdrawn_by_id_members"), type_="foreignkey")
                batch_op.drop_column("withdrawn_by_id")
                batch_op.drop_column("withdrawn_at")
            batch_op.drop_column("version")
