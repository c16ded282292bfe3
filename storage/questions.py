"""Queries on backend questions (SPEC §4.3): look-ups, queues, the knowledge-base pool,
and the compare-and-set updates that make Claim, Answer and escalation race-safe.

Every state change is an UPDATE … WHERE <the state we saw>: when two people (or two
schedulers) act at once, exactly one UPDATE matches a row and the other learns it lost
from the row count, on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import case, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import Session, selectinload

from storage.models import Customer, KnowledgeEntry, Member, Question, QuestionEvent, Topic
from storage.question_stats import ResponseStats, response_stats  # noqa: F401 - for the digests

OPEN = "open"
CLAIMED = "claimed"
ANSWERED = "answered"
RESOLVED = "resolved"
ACTIVE_STATUSES = (OPEN, CLAIMED)
DONE_STATUSES = (ANSWERED, RESOLVED)
KNOWLEDGE_POOL = 500  # newest answered questions compared for deflection and search


@dataclass(frozen=True)
class QuestionCard:
    """A question as messages show it, detached from the session."""

    id: int
    team_id: int
    text: str
    status: str
    level: int
    topic_id: int | None
    topic_key: str | None
    topic_name: str | None
    lead_time: str | None
    lead_time_days: int | None
    asker: str | None  # Slack ids
    assignee: str | None
    answered_by: str | None
    customer: str | None
    asked_at: datetime
    sla_due_at: datetime | None
    claimed_at: datetime | None
    answered_at: datetime | None
    answer: str | None
    escalations: int
    asker_channel: str | None
    asker_ts: str | None
    assignee_channel: str | None
    assignee_ts: str | None


def card(session: Session, question: Question) -> QuestionCard:
    def slack_id(member_id: int | None) -> str | None:
        member = session.get(Member, member_id) if member_id else None
        return member.slack_id if member else None

    topic = session.get(Topic, question.topic_id) if question.topic_id else None
    customer = session.get(Customer, question.customer_id) if question.customer_id else None
    return QuestionCard(
        id=question.id,
        team_id=question.team_id,
        text=question.text,
        status=question.status,
        level=question.level,
        topic_id=question.topic_id,
        topic_key=topic.key if topic else None,
        topic_name=topic.name if topic else None,
        lead_time=topic.lead_time if topic else None,
        lead_time_days=topic.lead_time_days if topic else None,
        asker=slack_id(question.asker_id),
        assignee=slack_id(question.assignee_id),
        answered_by=slack_id(question.answered_by_id),
        customer=customer.name if customer else None,
        asked_at=question.asked_at,
        sla_due_at=question.sla_due_at,
        claimed_at=question.claimed_at,
        answered_at=question.answered_at,
        answer=question.answer,
        escalations=question.escalations,
        asker_channel=question.asker_channel,
        asker_ts=question.asker_ts,
        assignee_channel=question.assignee_channel,
        assignee_ts=question.assignee_ts,
    )


# --- look-ups --------------------------------------------------------------------------


def get(session: Session, question_id: int) -> Question | None:
    return session.get(Question, question_id, populate_existing=True)


def fresh(session: Session, question_id: int) -> Question:
    """The question as stored now, when it is known to exist (e.g. just changed)."""
    return session.get_one(Question, question_id, populate_existing=True)


def by_source_key(session: Session, source_key: str) -> Question | None:
    return session.scalar(select(Question).where(Question.source_key == source_key))


def insert_once(session: Session, values: dict[str, Any]) -> int | None:
    """Insert a question; None when its `source_key` is already taken (a retry)."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = (
        insert(Question)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["source_key"])
        .returning(Question.id)
    )
    return session.execute(statement).scalar()


def add_event(session: Session, question_id: int, kind: str, at: datetime, *, actor_id: int | None = None, assignee_id: int | None = None, level: int | None = None, **detail: Any) -> None:
    session.add(QuestionEvent(question_id=question_id, kind=kind, actor_id=actor_id, assignee_id=assignee_id, level=level, at=at, detail=detail))


def open_counts(session: Session, team_id: int) -> dict[int, int]:
    """{member id: questions open or claimed on them}: the load the router balances."""
    rows = session.execute(
        select(Question.assignee_id, func.count(Question.id))
        .where(Question.team_id == team_id, Question.status.in_(ACTIVE_STATUSES), Question.assignee_id.is_not(None))
        .group_by(Question.assignee_id)
    ).all()
    return {member_id: count for member_id, count in rows if member_id is not None}


ASSIGNING = ("routed", "reassigned", "escalated", "followup")  # events that hand a question to someone


def open_counts_at(session: Session, topic_id: int, level: int) -> dict[int, int]:
    """{member id: questions of this topic at this level open or claimed on them}."""
    rows = session.execute(
        select(Question.assignee_id, func.count(Question.id))
        .where(Question.topic_id == topic_id, Question.level == level, Question.status.in_(ACTIVE_STATUSES), Question.assignee_id.is_not(None))
        .group_by(Question.assignee_id)
    ).all()
    return {member_id: count for member_id, count in rows if member_id is not None}


def last_assigned_at(session: Session, topic_id: int, level: int, member_ids: list[int]) -> dict[int, int]:
    """{member id: the id of their latest assignment event for this topic at this level}:
    event ids grow with every assignment, so they order turns even within one second."""
    if not member_ids:
        return {}
    rows = session.execute(
        select(QuestionEvent.assignee_id, func.max(QuestionEvent.id))
        .join(Question, Question.id == QuestionEvent.question_id)
        .where(
            QuestionEvent.assignee_id.in_(member_ids),
            QuestionEvent.level == level,
            QuestionEvent.kind.in_(ASSIGNING),
            Question.topic_id == topic_id,
        )
        .group_by(QuestionEvent.assignee_id)
    ).all()
    return {member_id: last for member_id, last in rows if member_id is not None}


def asked_by(session: Session, member_id: int, *, limit: int = 10, statuses: tuple[str, ...] | None = None) -> list[Question]:
    """The member's questions (only those in `statuses`, if given): unfinished first, then
    the most recent."""
    finished = case((Question.status.in_(ACTIVE_STATUSES), 0), else_=1)
    query = select(Question).where(Question.asker_id == member_id)
    if statuses is not None:
        query = query.where(Question.status.in_(statuses))
    return list(session.scalars(query.order_by(finished, Question.asked_at.desc(), Question.id.desc()).limit(limit)))


def count_asked_by(session: Session, member_id: int, statuses: tuple[str, ...] | None = None) -> int:
    """How many questions the member asked (in `statuses`, if given): for "…and N more"."""
    query = select(func.count(Question.id)).where(Question.asker_id == member_id)
    if statuses is not None:
        query = query.where(Question.status.in_(statuses))
    return session.scalar(query) or 0


def queue_for(session: Session, member_id: int, *, limit: int = 20) -> list[Question]:
    """Questions waiting on a responder (open or claimed), oldest first: their queue."""
    return list(
        session.scalars(
            select(Question)
            .where(Question.assignee_id == member_id, Question.status.in_(ACTIVE_STATUSES))
            .order_by(Question.asked_at, Question.id)
            .limit(limit)
        )
    )


def open_questions(session: Session, team_id: int) -> list[Question]:
    """Every question still waiting for an answer in the team, oldest first (digests)."""
    return list(
        session.scalars(
            select(Question).where(Question.team_id == team_id, Question.status.in_(ACTIVE_STATUSES)).order_by(Question.asked_at, Question.id)
        )
    )


def escalated_questions(session: Session, team_id: int, since: datetime, until: datetime) -> list[Question]:
    """Questions with at least one escalation in [since, until), newest escalation first."""
    last = (
        select(QuestionEvent.question_id, func.max(QuestionEvent.at).label("at"))
        .where(QuestionEvent.kind == "escalated", QuestionEvent.at >= since, QuestionEvent.at < until)
        .group_by(QuestionEvent.question_id)
        .subquery()
    )
    return list(
        session.scalars(
            select(Question).join(last, last.c.question_id == Question.id).where(Question.team_id == team_id).order_by(last.c.at.desc(), Question.id)
        )
    )


def answered_pool(session: Session, team_id: int, *, topic_id: int | None = None, limit: int = KNOWLEDGE_POOL) -> list[Question]:
    """The knowledge base: answered questions of the team (or one topic), newest first."""
    query = select(Question).where(Question.team_id == team_id, Question.status.in_(DONE_STATUSES), Question.answer.is_not(None))
    if topic_id is not None:
        query = query.where(Question.topic_id == topic_id)
    return list(session.scalars(query.order_by(Question.answered_at.desc(), Question.id.desc()).limit(limit)))


def overdue_open(session: Session, team_id: int, now: datetime) -> list[Question]:
    """Routed questions nobody claimed within their SLA."""
    return list(
        session.scalars(
            select(Question)
            .where(Question.team_id == team_id, Question.status == OPEN, Question.sla_due_at.is_not(None), Question.sla_due_at <= now)
            .order_by(Question.sla_due_at, Question.id)
            .options(selectinload(Question.topic))
        )
    )


def overdue_claimed(session: Session, team_id: int, now: datetime) -> list[Question]:
    """Claimed questions past their answer SLA whose claimer has not been reminded yet."""
    return list(
        session.scalars(
            select(Question)
            .where(
                Question.team_id == team_id,
                Question.status == CLAIMED,
                Question.sla_due_at.is_not(None),
                Question.sla_due_at <= now,
                Question.reminded_at.is_(None),
            )
            .order_by(Question.sla_due_at, Question.id)
        )
    )


def first_routed_levels(session: Session, question_ids: list[int]) -> dict[int, int]:
    """{question id: the level of its first routing}, for the export's SLA columns."""
    first = (
        select(QuestionEvent.question_id, func.min(QuestionEvent.id).label("first"))
        .where(QuestionEvent.kind == "routed")
        .group_by(QuestionEvent.question_id)
        .subquery()
    )
    rows = session.execute(select(QuestionEvent.question_id, QuestionEvent.level).join(first, first.c.first == QuestionEvent.id)).all()
    wanted = set(question_ids)
    return {qid: level for qid, level in rows if qid in wanted and level}


def entry_ids_of(session: Session, question_ids: list[int]) -> dict[int, int]:
    """{question id: the knowledge-base entry made from it}."""
    rows = session.execute(select(KnowledgeEntry.source_question_id, KnowledgeEntry.id).where(KnowledgeEntry.source_question_id.is_not(None))).all()
    wanted = set(question_ids)
    return {qid: eid for qid, eid in rows if qid in wanted}


def export_rows(session: Session, since: datetime | None) -> list[Question]:
    query = select(Question).options(selectinload(Question.asker), selectinload(Question.assignee), selectinload(Question.topic))
    if since is not None:
        query = query.where(Question.asked_at >= since)
    return list(session.scalars(query.order_by(Question.asked_at, Question.id)))


# --- compare-and-set state changes ----------------------------------------------------


def _changed(session: Session, question_id: int, where: list, values: dict[str, Any]) -> bool:
    # UPDATE gives a CursorResult (rowcount); Session.execute is typed as plain Result
    result = cast(CursorResult[Any], session.execute(
        update(Question).where(Question.id == question_id, *where).values(**values).execution_options(synchronize_session=False)
    ))
    return result.rowcount == 1


def claim_if_open(session: Session, question_id: int, member_id: int, now: datetime, answer_due: datetime | None) -> bool:
    return _changed(
        session,
        question_id,
        [Question.status == OPEN],
        {"status": CLAIMED, "assignee_id": member_id, "claimed_at": now, "sla_due_at": answer_due, "reminded_at": None},
    )


def answer_if_assigned(session: Session, question_id: int, member_id: int, values: dict[str, Any]) -> bool:
    return _changed(
        session, question_id, [Question.status.in_(ACTIVE_STATUSES), Question.assignee_id == member_id], dict(values, status=ANSWERED)
    )


def move_if_unchanged(session: Session, question: Question, values: dict[str, Any]) -> bool:
    """Reassign or escalate, provided nobody changed status, level or assignee meanwhile."""
    assignee = Question.assignee_id.is_(None) if question.assignee_id is None else Question.assignee_id == question.assignee_id
    return _changed(session, question.id, [Question.status == question.status, Question.level == question.level, assignee], values)


def resolve_if_answered(session: Session, question_id: int) -> bool:
    return _changed(session, question_id, [Question.status == ANSWERED], {"status": RESOLVED})


def reopen_if_done(session: Session, question_id: int, values: dict[str, Any]) -> bool:
    return _changed(session, question_id, [Question.status.in_(DONE_STATUSES)], dict(values, status=CLAIMED))


def mark_reminded(session: Session, question_id: int, now: datetime) -> bool:
    return _changed(session, question_id, [Question.status == CLAIMED, Question.reminded_at.is_(None)], {"reminded_at": now})


def remember_thread(session: Session, question_id: int, *, asker: tuple[str, str] | None = None, assignee: tuple[str, str] | None = None) -> None:
    """Where the asker's and the responder's DMs about a question are, for threading."""
    values: dict[str, Any] = {}
    if asker:
        values["asker_channel"], values["asker_ts"] = asker
    if assignee:
        values["assignee_channel"], values["assignee_ts"] = assignee
    if values:
        session.execute(update(Question).where(Question.id == question_id).values(**values))


def is_topic_responder(session: Session, topic_id: int | None, member_id: int) -> bool:
    from storage.models import TopicResponder

    if topic_id is None:
        return False
    return session.scalar(
        select(TopicResponder.id).where(TopicResponder.topic_id == topic_id, TopicResponder.member_id == member_id).limit(1)
    ) is not None


def team_managers(session: Session, team_id: int) -> list[Member]:
    members = session.scalars(select(Member).where(Member.team_id == team_id, Member.active.is_(True)).order_by(Member.id))
    return [m for m in members if m.has_role("manager")]


def topics_of(session: Session, team_id: int) -> list[Topic]:
    return list(session.scalars(select(Topic).where(Topic.team_id == team_id).order_by(Topic.key)))
