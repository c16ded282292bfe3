"""SQLAlchemy 2 typed models. Alembic migrations (storage/migrations) define the schema.

All datetimes are timezone-aware UTC; calendar dates (visit date, due date) are plain
dates in the team's time zone.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from uuid import uuid4

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    event,
    update,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator):
    """Timezone-aware datetimes on every backend (SQLite stores naive UTC)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UTCDateTime(), dict[str, Any]: JSON, list[str]: JSON}


# --- team and people -------------------------------------------------------------------


class Team(Base):
    __tablename__ = "teams"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    channel: Mapped[str | None] = mapped_column(String(40))
    timezone: Mapped[str] = mapped_column(String(64), default="Asia/Shanghai")
    language: Mapped[str] = mapped_column(String(8), default="zh")
    calendar: Mapped[str] = mapped_column(String(8), default="CN")  # a country code, or "none"
    meeting_day: Mapped[str] = mapped_column(String(3), default="fri")
    meeting_time: Mapped[str] = mapped_column(String(5), default="16:00")
    # Times and days of the scheduled jobs (SPEC §7 `schedule:`); empty means defaults.
    schedule: Mapped[dict[str, Any]] = mapped_column(default=dict)
    require_followup_due: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime]
    # A new random value whenever one of the team's customers is added, changed or
    # removed (see `_restamp_customers`): per-process caches of the list compare it.
    customers_stamp: Mapped[str | None] = mapped_column(String(32), default=lambda: uuid4().hex)
    # The kinds of visit the team logs (domain.visit_types); None: all of them.
    visit_types: Mapped[list[str] | None] = mapped_column(JSON, default=None)
    version: Mapped[int] = mapped_column(Integer, server_default="1")
    # Slack refused the last post to `post_error_channel` (e.g. `not_in_channel`: ambot was
    # never invited to a private channel); cleared by the next post that gets through.
    post_error: Mapped[str | None] = mapped_column(String(40))
    post_error_channel: Mapped[str | None] = mapped_column(String(40))
    post_error_at: Mapped[datetime | None]
    # The same for the knowledge base: renewed in every flush that changes one of its entries.
    knowledge_stamp: Mapped[str | None] = mapped_column(String(32), default=lambda: uuid4().hex)

    members: Mapped[list[Member]] = relationship(
        back_populates="team", foreign_keys="Member.team_id", order_by="Member.id"
    )

    __mapper_args__ = {"version_id_col": version}


class Member(Base):
    __tablename__ = "members"
    __table_args__ = (UniqueConstraint("team_id", "slack_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), index=True)
    slack_id: Mapped[str] = mapped_column(String(32), index=True)
    name: Mapped[str] = mapped_column(String(200))
    roles: Mapped[list[str]] = mapped_column(default=list)  # rep, support, manager
    rep_level: Mapped[str | None] = mapped_column(String(20))  # junior … relationship
    support_level: Mapped[int | None] = mapped_column(Integer)  # 1–3
    backup_id: Mapped[int | None] = mapped_column(
        ForeignKey("members.id", ondelete="SET NULL")
    )
    locale: Mapped[str | None] = mapped_column(String(16))  # from Slack users.info
    tz: Mapped[str | None] = mapped_column(String(64))  # from Slack users.info
    profile_checked_at: Mapped[datetime | None]
    # Last time they opened ambot's Home tab: only recent viewers get it redrawn after actions.
    home_seen_at: Mapped[datetime | None]
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    team: Mapped[Team] = relationship(back_populates="members", foreign_keys=[team_id])
    backup: Mapped[Member | None] = relationship(remote_side=[id], foreign_keys=[backup_id])

    def has_role(self, role: str) -> bool:
        return role in (self.roles or [])


class Customer(Base):
    __tablename__ = "customers"
    __table_args__ = (UniqueConstraint("team_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    aliases: Mapped[list[str]] = mapped_column(default=list)
    owner_id: Mapped[int | None] = mapped_column(
        ForeignKey("members.id", ondelete="SET NULL"), index=True
    )
    tier: Mapped[str] = mapped_column(String(10), default="regular")  # key, premium, regular
    industry: Mapped[str | None] = mapped_column(String(100))
    cadence_days: Mapped[int | None] = mapped_column(Integer)  # None: the tier's default
    # False once withdrawn (kept, with who and when, and restorable) or removed by a load.
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    withdrawn_at: Mapped[datetime | None]
    withdrawn_by_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    # Merged into another customer (`/amteam customer merge`): inactive, its name an alias there.
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id", ondelete="SET NULL"))
    version: Mapped[int] = mapped_column(Integer, server_default="1")

    owner: Mapped[Member | None] = relationship(foreign_keys=[owner_id])

    __mapper_args__ = {"version_id_col": version}


class Topic(Base):
    __tablename__ = "topics"
    __table_args__ = (UniqueConstraint("team_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    keywords: Mapped[list[str]] = mapped_column(default=list)
    lead_time: Mapped[str | None] = mapped_column(Text)
    lead_time_days: Mapped[int | None] = mapped_column(Integer)
    sla_minutes: Mapped[dict[str, Any]] = mapped_column(default=dict)  # {"1": 120, …}

    # Changed only through storage.topics.set_responders (rows updated in place, never
    # replaced wholesale: a new row beside its old self breaks the UNIQUE constraint).
    responders: Mapped[list[TopicResponder]] = relationship(
        back_populates="topic",
        cascade="save-update, merge",
        order_by="(TopicResponder.level, TopicResponder.position)",
    )


class TopicResponder(Base):
    __tablename__ = "topic_responders"
    __table_args__ = (UniqueConstraint("topic_id", "level", "member_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    topic_id: Mapped[int] = mapped_column(ForeignKey("topics.id", ondelete="CASCADE"), index=True)
    level: Mapped[int] = mapped_column(Integer)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer, default=0)

    topic: Mapped[Topic] = relationship(back_populates="responders")
    member: Mapped[Member] = relationship()


class KpiTarget(Base):
    __tablename__ = "kpi_targets"
    __table_args__ = (UniqueConstraint("member_id", "period", "metric"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    period: Mapped[str] = mapped_column(String(7))  # 2026Q4 or 2026-12
    metric: Mapped[str] = mapped_column(String(40))
    value: Mapped[Decimal] = mapped_column(Numeric(18, 2))
    # Removed by `config load --replace`: kept, hidden from every read (storage.withdrawal).
    withdrawn_at: Mapped[datetime | None]

    member: Mapped[Member] = relationship()


class KpiEntry(Base):
    __tablename__ = "kpi_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    metric: Mapped[str] = mapped_column(String(40))
    value: Mapped[Decimal] = mapped_column(Numeric(18, 2))
    occurred_on: Mapped[date] = mapped_column(Date, index=True)
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id", ondelete="SET NULL"))
    note: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(16), default="slash")  # slash, import, visit
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    entered_at: Mapped[datetime]
    # Withdrawn (`/kpi undo`, the Undo button): kept with who and when, counted nowhere.
    undone: Mapped[bool] = mapped_column(Boolean, default=False)
    withdrawn_at: Mapped[datetime | None]
    withdrawn_by_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    source_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    version: Mapped[int] = mapped_column(Integer, server_default="1")

    __mapper_args__ = {"version_id_col": version}


class CalendarOverride(Base):
    """A team's own answer for one day (domain.workdays.CalendarDay): a holiday it takes off
    or a make-up working day (调休). Never deleted: replaced or withdrawn ones keep their row
    with `removed_at` set, so the calendar's history stays readable."""

    __tablename__ = "calendar_overrides"
    __table_args__ = (Index("ix_calendar_overrides_team_day", "team_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"))
    day: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(8))  # holiday, workday
    name: Mapped[str | None] = mapped_column(String(200))
    source: Mapped[str] = mapped_column(String(8), default="command")  # config, command
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    created_at: Mapped[datetime]
    removed_at: Mapped[datetime | None]


# --- visits ---------------------------------------------------------------------------


class Visit(Base):
    __tablename__ = "visits"
    __table_args__ = (
        Index("ix_visits_team_date", "team_id", "visit_date"),
        Index("ix_visits_team_next_visit", "team_id", "next_visit"),  # planned visits
        # A customer's latest visit (cadence), a rep's visit count and later visits than a
        # plan, read from the index.
        Index("ix_visits_customer_live_date", "customer_id", "visit_date", "withdrawn_at"),
        # A rep's visits in a KPI period, counted from the index alone.
        Index("ix_visits_rep_date", "rep_id", "visit_date", "withdrawn_at", "team_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"), index=True)
    rep_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"), index=True)
    logged_by_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    visit_date: Mapped[date] = mapped_column(Date)
    type: Mapped[str] = mapped_column(String(10), default="onsite")  # domain.visit_types.VISIT_TYPES
    purpose: Mapped[str | None] = mapped_column(Text)
    needs: Mapped[str | None] = mapped_column(Text)
    concerns: Mapped[str | None] = mapped_column(Text)
    notes: Mapped[str | None] = mapped_column(Text)
    next_visit: Mapped[date | None] = mapped_column(Date)
    logged_at: Mapped[datetime]
    # Idempotency: a retried or double-clicked submission carries the same key.
    source_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    # Withdrawn visits are kept, hidden from every read unless asked for (storage.withdrawal).
    withdrawn_at: Mapped[datetime | None]
    withdrawn_by_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    version: Mapped[int] = mapped_column(Integer, server_default="1")

    customer: Mapped[Customer] = relationship()
    rep: Mapped[Member | None] = relationship(foreign_keys=[rep_id])
    logged_by: Mapped[Member | None] = relationship(foreign_keys=[logged_by_id])
    # No delete-orphan: a follow-up leaves a visit only by being withdrawn.
    followups: Mapped[list[Followup]] = relationship(back_populates="visit", cascade="save-update, merge", order_by="Followup.id")

    __mapper_args__ = {"version_id_col": version}


class Followup(Base):
    __tablename__ = "followups"
    __table_args__ = (Index("ix_followups_owner_status_due", "owner_id", "status", "due"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), index=True)
    visit_id: Mapped[int | None] = mapped_column(ForeignKey("visits.id", ondelete="CASCADE"), index=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    text: Mapped[str] = mapped_column(Text)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    due: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(10), default="open")  # open, done
    done_at: Mapped[datetime | None]
    done_by_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    created_at: Mapped[datetime]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    withdrawn_at: Mapped[datetime | None]
    withdrawn_by_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    version: Mapped[int] = mapped_column(Integer, server_default="1")

    visit: Mapped[Visit | None] = relationship(back_populates="followups")
    customer: Mapped[Customer] = relationship()
    owner: Mapped[Member | None] = relationship(foreign_keys=[owner_id])

    __mapper_args__ = {"version_id_col": version}


# --- handovers ------------------------------------------------------------------------


class Handover(Base):
    __tablename__ = "handovers"

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    cover_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"), index=True)
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    reason: Mapped[str | None] = mapped_column(Text)
    via: Mapped[bool] = mapped_column(Boolean, default=False)  # cover is not the usual B
    # requested, approval, accepted, active, declined, cancelled, ended, escalated
    status: Mapped[str] = mapped_column(String(12), default="requested")
    created_at: Mapped[datetime]
    decided_at: Mapped[datetime | None]
    started_at: Mapped[datetime | None]
    ended_at: Mapped[datetime | None]
    source_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    version: Mapped[int] = mapped_column(Integer, server_default="1")

    member: Mapped[Member] = relationship(foreign_keys=[member_id])
    cover: Mapped[Member | None] = relationship(foreign_keys=[cover_id])

    __mapper_args__ = {"version_id_col": version}


# --- questions ------------------------------------------------------------------------


class Question(Base):
    __tablename__ = "questions"
    __table_args__ = (Index("ix_questions_assignee_status", "assignee_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), index=True)
    asker_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"), index=True)
    topic_id: Mapped[int | None] = mapped_column(ForeignKey("topics.id", ondelete="SET NULL"))
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id", ondelete="SET NULL"))
    level: Mapped[int] = mapped_column(Integer, default=1)
    text: Mapped[str] = mapped_column(Text)
    # open (routed, unclaimed), claimed, answered, resolved, closed
    status: Mapped[str] = mapped_column(String(10), default="open")
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    asked_at: Mapped[datetime]
    routed_at: Mapped[datetime | None]
    sla_due_at: Mapped[datetime | None]
    claimed_at: Mapped[datetime | None]
    answered_at: Mapped[datetime | None]
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    answer: Mapped[str | None] = mapped_column(Text)
    reminded_at: Mapped[datetime | None]
    escalations: Mapped[int] = mapped_column(Integer, default=0)
    # Where the asker and the responder were told, to thread later messages.
    asker_channel: Mapped[str | None] = mapped_column(String(40))
    asker_ts: Mapped[str | None] = mapped_column(String(40))
    assignee_channel: Mapped[str | None] = mapped_column(String(40))
    assignee_ts: Mapped[str | None] = mapped_column(String(40))
    source_key: Mapped[str | None] = mapped_column(String(200), unique=True)

    asker: Mapped[Member | None] = relationship(foreign_keys=[asker_id])
    assignee: Mapped[Member | None] = relationship(foreign_keys=[assignee_id])
    topic: Mapped[Topic | None] = relationship()
    events: Mapped[list[QuestionEvent]] = relationship(
        back_populates="question", cascade="save-update, merge", order_by="QuestionEvent.id"
    )


class QuestionEvent(Base):
    __tablename__ = "question_events"
    # Fair routing reads each responder's last assignment at a level (services/question_routing.py).
    __table_args__ = (Index("ix_question_events_assignee_level", "assignee_id", "level"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # routed, claimed, reassigned, escalated, answered…
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    level: Mapped[int | None] = mapped_column(Integer)
    at: Mapped[datetime]
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)

    question: Mapped[Question] = relationship(back_populates="events")


# --- the audit trail -------------------------------------------------------------------


class AuditRecord(Base):
    """One change to team data: who, when, what, and the values before and after.

    Written by storage.audit in the flush that makes the change (and by the few bulk
    updates that bypass the ORM), never changed afterwards."""

    __tablename__ = "audit_log"
    __table_args__ = (
        Index("ix_audit_log_entity", "entity", "entity_id", "id"),
        Index("ix_audit_log_team_at", "team_id", "at"),
    )

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"))
    at: Mapped[datetime]
    actor: Mapped[str | None] = mapped_column(String(32))  # a Slack user id; None: ambot itself
    source: Mapped[str] = mapped_column(String(16))  # slack, config, import, job, cli
    entity: Mapped[str] = mapped_column(String(32))  # the table: visits, followups, customers…
    entity_id: Mapped[int] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(16))  # create, update, withdraw, restore, delete
    version: Mapped[int | None] = mapped_column(Integer)  # the row's version after the change
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
# --- the knowledge base --------------------------------------------------------------


class KnowledgeEntry(Base):
    """A reusable answer: made from an answered question, edited, merged or retired —
    never deleted. Only live entries are searched and offered before routing."""

    __tablename__ = "knowledge_entries"
    __table_args__ = (Index("ix_knowledge_entries_team_status", "team_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"))
    topic_id: Mapped[int | None] = mapped_column(ForeignKey("topics.id", ondelete="SET NULL"))
    question: Mapped[str] = mapped_column(Text)
    answer: Mapped[str] = mapped_column(Text)
    tags: Mapped[list[str]] = mapped_column(default=list)
    # Other wordings of the question, gathered when entries are merged into this one.
    alternates: Mapped[list[str]] = mapped_column(default=list)
    status: Mapped[str] = mapped_column(String(10), default="live")  # live, retired, merged
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("knowledge_entries.id", ondelete="SET NULL"))
    source_question_id: Mapped[int | None] = mapped_column(ForeignKey("questions.id", ondelete="SET NULL"), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    created_at: Mapped[datetime]
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime]
    version: Mapped[int] = mapped_column(Integer, default=1)

    topic: Mapped[Topic | None] = relationship()


class KnowledgeEvent(Base):
    """The audit trail of an entry: created, edited (before and after), merged, retired,
    restored; and each "This answers it" (`deflected`)."""

    __tablename__ = "knowledge_events"
    __table_args__ = (Index("ix_knowledge_events_kind_at", "kind", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("knowledge_entries.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    at: Mapped[datetime]
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)


# --- calendar feeds -------------------------------------------------------------------


class CalendarFeed(Base):
    """A member's private calendar feed (`/visit calendar`, served at /calendar/<token>.ics).

    Only the SHA-256 of the random token is kept: the address is shown once, to its owner,
    and nobody who reads the database (or a backup) can read a calendar with it. A reset
    revokes the old feed (`revoked_at`, never a delete) and makes a new one; a member has at
    most one live feed."""

    __tablename__ = "calendar_feeds"

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"))
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]


# --- delivery -------------------------------------------------------------------------


class OutboxMessage(Base):
    """A message a job wants delivered, exactly once per (job, recipient, period)."""

    __tablename__ = "outbox"
    __table_args__ = (
        UniqueConstraint("job", "recipient", "period"),
        Index("ix_outbox_status_next", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"))
    job: Mapped[str] = mapped_column(String(40))
    recipient: Mapped[str] = mapped_column(String(40))  # a user id (DM) or a channel id
    period: Mapped[str] = mapped_column(String(40))
    payload: Mapped[dict[str, Any]] = mapped_column()  # text, blocks, thread_ts, …
    status: Mapped[str] = mapped_column(String(10), default="pending")  # pending, sending, sent, failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime]
    lease_until: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
    slack_ts: Mapped[str | None] = mapped_column(String(40))
    slack_channel: Mapped[str | None] = mapped_column(String(40))
    # Meant for someone no longer on the team, delivered to `recipient` instead (their Slack id).
    rerouted_from: Mapped[str | None] = mapped_column(String(40))


class ProcessedRequest(Base):
    """Slack request ids already acted on, so a retried request has one effect."""

    __tablename__ = "processed_requests"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    created_at: Mapped[datetime]
    result: Mapped[dict[str, Any]] = mapped_column(default=dict)


@event.listens_for(Session, "before_flush")
def _restamp_customers(session: Session, _context: Any, _instances: Any) -> None:
    """Give a team a new `customers_stamp` in the flush that changes one of its customers,
    and a new `knowledge_stamp` in the flush that changes one of its knowledge entries."""
    changed = [obj for obj in (*session.new, *session.dirty, *session.deleted) if obj not in session.dirty or session.is_modified(obj)]
    stamps: dict[int, dict[str, str]] = {}
    for obj in changed:
        if isinstance(obj, Customer) and obj.team_id is not None:
            stamps.setdefault(obj.team_id, {})["customers_stamp"] = uuid4().hex
        elif isinstance(obj, KnowledgeEntry) and obj.team_id is not None:
            stamps.setdefault(obj.team_id, {})["knowledge_stamp"] = uuid4().hex
    # A statement, not an attribute change: a stamp is no setting of the team, so it
    # neither bumps the team's version nor waits on an edit of its settings.
    with session.no_autoflush:
        for team_id, values in stamps.items():
            session.execute(
                update(Team).where(Team.id == team_id).values(**values),
                execution_options={"synchronize_session": "evaluate"},
            )
