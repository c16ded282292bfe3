"""Slack requests already acted on, so a retried delivery has one effect."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from storage.models import ProcessedRequest


def remember(session: Session, key: str, now: datetime) -> bool:
    """Record `key` in the caller's transaction; False when it is already recorded (by an
    earlier delivery, or a concurrent one that has committed: the insert waits for it)."""
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    statement = (
        insert(ProcessedRequest)
        .values(key=key[:200], created_at=now, result={})
        .on_conflict_do_nothing(index_elements=["key"])
        .returning(ProcessedRequest.key)
    )
    return session.execute(statement).scalar() is not None
