"""Queries over members' calendar feeds (the hash of each token, never the token)."""

from __future__ import annotations

import hashlib

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import CalendarFeed, Member


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def live_feed(session: Session, member_id: int) -> CalendarFeed | None:
    """The member's feed that still works, if they have one."""
    return session.scalar(
        select(CalendarFeed)
        .where(CalendarFeed.member_id == member_id, CalendarFeed.revoked_at.is_(None))
        .order_by(CalendarFeed.id.desc())
        .limit(1)
    )


def owner_of(session: Session, token: str) -> tuple[CalendarFeed, Member] | None:
    """The live feed a token opens, and its member, who must still be on the team."""
    row = session.execute(
        select(CalendarFeed, Member)
        .join(Member, CalendarFeed.member_id == Member.id)
        .where(CalendarFeed.token_hash == token_hash(token), CalendarFeed.revoked_at.is_(None), Member.active.is_(True))
    ).first()
    return None if row is None else (row[0], row[1])
