"""Who is away and who covers for them, at a given moment (SPEC §4.2).

A handover grants cover only while it is accepted or active and its window contains
the moment asked about, so access ends exactly when the handover ends, whether or not
the `handover_transitions` job has run yet.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from storage.models import Handover

COVERING_STATUSES = ("accepted", "active")


def _in_force(at: datetime) -> tuple[ColumnElement[bool], ...]:
    return (
        Handover.status.in_(COVERING_STATUSES),
        Handover.starts_at <= at,
        Handover.ends_at > at,
    )


def away_member_ids(session: Session, team_id: int, at: datetime) -> set[int]:
    """Members of the team who are on an accepted handover at `at`."""
    return set(session.scalars(select(Handover.member_id).where(Handover.team_id == team_id, *_in_force(at))))


def is_away(session: Session, member_id: int, at: datetime) -> bool:
    return session.scalar(select(Handover.id).where(Handover.member_id == member_id, *_in_force(at)).limit(1)) is not None


def cover_for(session: Session, member_id: int, at: datetime) -> int | None:
    """The member standing in for `member_id` at `at`, if any."""
    return session.scalar(
        select(Handover.cover_id).where(Handover.member_id == member_id, *_in_force(at)).order_by(Handover.id).limit(1)
    )


def covered_by(session: Session, cover_id: int, at: datetime) -> list[int]:
    """The members `cover_id` is standing in for at `at`."""
    return list(session.scalars(select(Handover.member_id).where(Handover.cover_id == cover_id, *_in_force(at))))


def acting_owner_id(session: Session, owner_id: int | None, at: datetime) -> int | None:
    """Who acts for `owner_id` now: their cover while they are away, else themselves."""
    if owner_id is None:
        return None
    return cover_for(session, owner_id, at) or owner_id


def acting_owners(session: Session, team_id: int, at: datetime) -> dict[int, int]:
    """{away member id: cover id} for the whole team, in one query (for jobs and reports)."""
    rows = session.execute(
        select(Handover.member_id, Handover.cover_id).where(Handover.team_id == team_id, *_in_force(at)).order_by(Handover.id)
    ).all()
    out: dict[int, int] = {}
    for member_id, cover_id in rows:
        if cover_id is not None:
            out.setdefault(member_id, cover_id)
    return out
