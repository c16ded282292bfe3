"""Queries on the knowledge base: entries, their audit trail, and the rows the search
index is built from. Changes are compare-and-set on the entry's version, so an edit made
from a stale form loses, on SQLite and PostgreSQL alike."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast
from uuid import uuid4

from sqlalchemy import func, select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import Session

from storage.models import (
    KnowledgeEntry,
    KnowledgeEvent,
    Member,
    Question,
    QuestionEvent,
    Team,
    Topic,
)

LIVE = "live"
RETIRED = "retired"
MERGED = "merged"


@dataclass(frozen=True)
class EntryCard:
    """An entry as messages and forms show it, detached from the session."""

    id: int
    team_id: int
    topic_id: int | None
    topic_key: str | None
    topic_name: str | None
    question: str
    answer: str
    tags: tuple[str, ...]
    alternates: tuple[str, ...]
    status: str
    merged_into: int | None
    source_question_id: int | None
    created_by: str | None  # Slack ids
    created_at: datetime
    updated_by: str | None
    updated_at: datetime
    version: int
    deflections: int  # "This answers it" clicks on this entry, ever

    @property
    def live(self) -> bool:
        return self.status == LIVE


def card(session: Session, entry: KnowledgeEntry, *, deflections: int | None = None) -> EntryCard:
    def slack_id(member_id: int | None) -> str | None:
        member = session.get(Member, member_id) if member_id else None
        return member.slack_id if member else None

    topic = session.get(Topic, entry.topic_id) if entry.topic_id else None
    if deflections is None:
        deflections = deflection_counts(session, [entry.id]).get(entry.id, 0)
    return EntryCard(
        id=entry.id,
        team_id=entry.team_id,
        topic_id=entry.topic_id,
        topic_key=topic.key if topic else None,
        topic_name=topic.name if topic else None,
        question=entry.question,
        answer=entry.answer,
        tags=tuple(entry.tags or ()),
        alternates=tuple(entry.alternates or ()),
        status=entry.status,
        merged_into=entry.merged_into_id,
        source_question_id=entry.source_question_id,
        created_by=slack_id(entry.created_by_id),
        created_at=entry.created_at,
        updated_by=slack_id(entry.updated_by_id),
        updated_at=entry.updated_at,
        version=entry.version,
        deflections=deflections,
    )


def cards(session: Session, entries: list[KnowledgeEntry]) -> list[EntryCard]:
    counts = deflection_counts(session, [e.id for e in entries])
    return [card(session, e, deflections=counts.get(e.id, 0)) for e in entries]


# --- look-ups ----------------------------------------------------------------------------


def get(session: Session, entry_id: int) -> KnowledgeEntry | None:
    return session.get(KnowledgeEntry, entry_id, populate_existing=True)


def fresh(session: Session, entry_id: int) -> KnowledgeEntry:
    return session.get_one(KnowledgeEntry, entry_id, populate_existing=True)


def by_source_question(session: Session, question_id: int) -> KnowledgeEntry | None:
    return session.scalar(select(KnowledgeEntry).where(KnowledgeEntry.source_question_id == question_id))


def by_ids(session: Session, entry_ids: list[int]) -> dict[int, KnowledgeEntry]:
    if not entry_ids:
        return {}
    return {e.id: e for e in session.scalars(select(KnowledgeEntry).where(KnowledgeEntry.id.in_(entry_ids)))}


def live_rows(session: Session, team_id: int) -> list[Any]:
    """What the search index reads of each live entry: one statement for the whole team."""
    return list(
        session.execute(
            select(
                KnowledgeEntry.id, KnowledgeEntry.version, Topic.key, KnowledgeEntry.question, KnowledgeEntry.alternates,
                KnowledgeEntry.answer, KnowledgeEntry.tags, KnowledgeEntry.updated_at,
            )
            .outerjoin(Topic, Topic.id == KnowledgeEntry.topic_id)
            .where(KnowledgeEntry.team_id == team_id, KnowledgeEntry.status == LIVE)
            .order_by(KnowledgeEntry.id)
        ).all()
    )


def listing(session: Session, team_id: int, statuses: tuple[str, ...], *, limit: int) -> list[KnowledgeEntry]:
    """Entries in `statuses`, the most recently changed first."""
    return list(
        session.scalars(
            select(KnowledgeEntry)
            .where(KnowledgeEntry.team_id == team_id, KnowledgeEntry.status.in_(statuses))
            .order_by(KnowledgeEntry.updated_at.desc(), KnowledgeEntry.id.desc())
            .limit(limit)
        )
    )


def count(session: Session, team_id: int, statuses: tuple[str, ...]) -> int:
    return session.scalar(
        select(func.count(KnowledgeEntry.id)).where(KnowledgeEntry.team_id == team_id, KnowledgeEntry.status.in_(statuses))
    ) or 0


def deflection_counts(session: Session, entry_ids: list[int]) -> dict[int, int]:
    if not entry_ids:
        return {}
    rows = session.execute(
        select(KnowledgeEvent.entry_id, func.count(KnowledgeEvent.id))
        .where(KnowledgeEvent.entry_id.in_(entry_ids), KnowledgeEvent.kind == "deflected")
        .group_by(KnowledgeEvent.entry_id)
    ).all()
    return {entry_id: n for entry_id, n in rows}


def deflected_between(session: Session, team_id: int, since: datetime, until: datetime) -> int:
    """"This answers it" clicks in [since, until): questions that never had to be asked."""
    return session.scalar(
        select(func.count(KnowledgeEvent.id))
        .join(KnowledgeEntry, KnowledgeEntry.id == KnowledgeEvent.entry_id)
        .where(KnowledgeEntry.team_id == team_id, KnowledgeEvent.kind == "deflected", KnowledgeEvent.at >= since, KnowledgeEvent.at < until)
    ) or 0


def answers_in_thread(session: Session, question: Question) -> list[str]:
    """Every answer given on a question, first to last (a follow-up brings another)."""
    texts = [
        str((detail or {}).get("answer") or "")
        for (detail,) in session.execute(
            select(QuestionEvent.detail).where(QuestionEvent.question_id == question.id, QuestionEvent.kind == "answered").order_by(QuestionEvent.id)
        )
    ]
    texts = [t for t in dict.fromkeys(t.strip() for t in texts) if t]
    return texts or ([question.answer] if question.answer else [])


# --- changes -------------------------------------------------------------------------------


def add(session: Session, values: dict[str, Any]) -> KnowledgeEntry:
    entry = KnowledgeEntry(**values)
    session.add(entry)
    session.flush()
    return entry


def add_event(session: Session, entry_id: int, kind: str, at: datetime, *, actor_id: int | None = None, **detail: Any) -> None:
    session.add(KnowledgeEvent(entry_id=entry_id, kind=kind, actor_id=actor_id, at=at, detail=detail))


def change_if_version(session: Session, entry: KnowledgeEntry, version: int, values: dict[str, Any]) -> bool:
    """Apply `values` (and a new version) if the entry is still at `version`."""
    result = cast(
        CursorResult[Any],
        session.execute(
            update(KnowledgeEntry)
            .where(KnowledgeEntry.id == entry.id, KnowledgeEntry.version == version)
            .values(**values, version=version + 1)
            .execution_options(synchronize_session=False)
        ),
    )
    if result.rowcount != 1:
        return False
    # An UPDATE statement skips the flush hook that renews the team's knowledge stamp.
    session.execute(update(Team).where(Team.id == entry.team_id).values(knowledge_stamp=uuid4().hex))
    return True
