"""The knowledge base: entries (live, retired, merged) and their audit trail; the team's
knowledge stamp for per-process indexes; an index for fair routing

Existing answered questions become live entries (they were the knowledge base until
now), and the "That answers it" clicks recorded on them move to those entries.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03
"""
from uuid import uuid4

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("teams") as batch_op:
        batch_op.add_column(sa.Column("knowledge_stamp", sa.String(length=32), nullable=True))
    with op.batch_alter_table("question_events") as batch_op:
        batch_op.create_index("ix_question_events_assignee_level", ["assignee_id", "level"], unique=False)
    op.create_table(
        "knowledge_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("topic_id", sa.Integer(), nullable=True),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("tags", sa.JSON(), nullable=False),
        sa.Column("alternates", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("merged_into_id", sa.Integer(), nullable=True),
        sa.Column("source_question_id", sa.Integer(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["created_by_id"], ["members.id"], name=op.f("fk_knowledge_entries_created_by_id_members"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["merged_into_id"], ["knowledge_entries.id"], name=op.f("fk_knowledge_entries_merged_into_id_knowledge_entries"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["source_question_id"], ["questions.id"], name=op.f("fk_knowledge_entries_source_question_id_questions"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["team_id"], ["teams.id"], name=op.f("fk_knowledge_entries_team_id_teams"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["topic_id"], ["topics.id"], name=op.f("fk_knowledge_entries_topic_id_topics"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["updated_by_id"], ["members.id"], name=op.f("fk_knowledge_entries_updated_by_id_members"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_knowledge_entries")),
        sa.UniqueConstraint("source_question_id", name=op.f("uq_knowledge_entries_source_question_id")),
    )
    with op.batch_alter_table("knowledge_entries") as batch_op:
        batch_op.create_index("ix_knowledge_entries_team_status", ["team_id", "status"], unique=False)
    op.create_table(
        "knowledge_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["actor_id"], ["members.id"], name=op.f("fk_knowledge_events_actor_id_members"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["entry_id"], ["knowledge_entries.id"], name=op.f("fk_knowledge_events_entry_id_knowledge_entries"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_knowledge_events")),
    )
    with op.batch_alter_table("knowledge_events") as batch_op:
        batch_op.create_index(batch_op.f("ix_knowledge_events_entry_id"), ["entry_id"], unique=False)
        batch_op.create_index("ix_knowledge_events_kind_at", ["kind", "at"], unique=False)
    _answered_questions_become_entries()


def _answered_questions_become_entries() -> None:
    connection = op.get_bind()
    teams = sa.table("teams", sa.column("id", sa.Integer), sa.column("knowledge_stamp", sa.String))
    questions = sa.table(
        "questions", sa.column("id", sa.Integer), sa.column("team_id", sa.Integer), sa.column("topic_id", sa.Integer),
        sa.column("text", sa.Text), sa.column("answer", sa.Text), sa.column("status", sa.String),
        sa.column("answered_by_id", sa.Integer), sa.column("answered_at", sa.DateTime(timezone=True)),
        sa.column("asked_at", sa.DateTime(timezone=True)),
    )
    events = sa.table(
        "question_events", sa.column("question_id", sa.Integer), sa.column("kind", sa.String), sa.column("actor_id", sa.Integer),
        sa.column("at", sa.DateTime(timezone=True)),
    )
    entries = sa.table(
        "knowledge_entries", sa.column("id", sa.Integer), sa.column("team_id", sa.Integer), sa.column("topic_id", sa.Integer),
        sa.column("question", sa.Text), sa.column("answer", sa.Text), sa.column("tags", sa.JSON), sa.column("alternates", sa.JSON),
        sa.column("status", sa.String), sa.column("source_question_id", sa.Integer), sa.column("created_by_id", sa.Integer),
        sa.column("created_at", sa.DateTime(timezone=True)), sa.column("updated_by_id", sa.Integer),
        sa.column("updated_at", sa.DateTime(timezone=True)), sa.column("version", sa.Integer),
    )
    knowledge_events = sa.table(
        "knowledge_events", sa.column("entry_id", sa.Integer), sa.column("kind", sa.String), sa.column("actor_id", sa.Integer),
        sa.column("at", sa.DateTime(timezone=True)), sa.column("detail", sa.JSON),
    )
    answered = connection.execute(
        sa.select(questions).where(questions.c.status.in_(("answered", "resolved")), questions.c.answer.is_not(None)).order_by(questions.c.id)
    ).all()
    for q in answered:
        at = q.answered_at or q.asked_at
        entry_id = connection.execute(
            entries.insert().values(
                team_id=q.team_id, topic_id=q.topic_id, question=q.text, answer=q.answer, tags=[], alternates=[], status="live",
                source_question_id=q.id, created_by_id=q.answered_by_id, created_at=at, updated_by_id=q.answered_by_id,
                updated_at=at, version=1,
            ).returning(entries.c.id)
        ).scalar_one()
        connection.execute(knowledge_events.insert().values(entry_id=entry_id, kind="created", actor_id=q.answered_by_id, at=at, detail={"from_question": q.id}))
        for clicked in connection.execute(sa.select(events).where(events.c.question_id == q.id, events.c.kind == "deflected")).all():
            connection.execute(knowledge_events.insert().values(entry_id=entry_id, kind="deflected", actor_id=clicked.actor_id, at=clicked.at, detail={}))
    for (team_id,) in connection.execute(sa.select(teams.c.id)).all():
        connection.execute(teams.update().where(teams.c.id == team_id).values(knowledge_stamp=uuid4().hex))


def downgrade() -> None:
    op.drop_table("knowledge_events")
    op.drop_table("knowledge_entries")
    with op.batch_alter_table("question_events") as batch_op:
        batch_op.drop_index("ix_question_events_assignee_level")
    with op.batch_alter_table("teams") as batch_op:
        batch_op.drop_column("knowledge_stamp")
