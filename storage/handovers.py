"""Queries over handovers (SPEC §4.2). Status changes are compare-and-set, so a button
pressed twice, a retried request or two schedulers running at once change a row once."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any, cast

from sqlalchemy import select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import Session

from domain.handover_rules import LIVE_STATUSES, Absence
from storage import audit
from storage.models import Handover, Member

# Asked, but nobody stands in yet.
PENDING_STATUSES = ("requested", "approval", "escalated")
# Someone stands in (coverage.py grants access from these).
COVERING_STATUSES = ("accepted", "active")


def get(session: Session, handover_id: int) -> Handover | None:
    return session.get(Handover, handover_id)


def by_source_key(session: Session, source_key: str) -> Handover | None:
    return session.scalar(select(Handover).where(Handover.source_key == source_key))


def live_overlapping(
    session: Session, team_id: int, starts_at: datetime, ends_at: datetime, *, exclude_id: int | None = None
) -> list[Handover]:
    """The team's live handovers whose window meets [starts_at, ends_at)."""
    query = select(Handover).where(
        Handover.team_id == team_id,
        Handover.status.in_(sorted(LIVE_STATUSES)),
        Handover.starts_at < ends_at,
        Handover.ends_at > starts_at,
    )
    if exclude_id is not None:
        query = query.where(Handover.id != exclude_id)
    return list(session.scalars(query.order_by(Handover.starts_at, Handover.id)))


def as_absences(rows: Iterable[Handover]) -> list[Absence]:
    return [Absence(h.member_id, h.starts_at, h.ends_at, h.id, h.status, h.cover_id) for h in rows]


def of_member(session: Session, member_id: int, now: datetime, statuses: Iterable[str] = LIVE_STATUSES) -> list[Handover]:
    """A member's own handovers in the given statuses that have not ended by `now`."""
    return list(
        session.scalars(
            select(Handover)
            .where(Handover.member_id == member_id, Handover.status.in_(sorted(statuses)), Handover.ends_at > now)
            .order_by(Handover.starts_at, Handover.id)
        )
    )


def for_cover(session: Session, cover_id: int, now: datetime, statuses: Iterable[str]) -> list[Handover]:
    """Handovers where `cover_id` is (asked to be) the cover and that have not ended."""
    return list(
        session.scalars(
            select(Handover)
            .where(Handover.cover_id == cover_id, Handover.status.in_(sorted(statuses)), Handover.ends_at > now)
            .order_by(Handover.starts_at, Handover.id)
        )
    )


def of_team_between(
    session: Session, team_id: int, starts_at: datetime, ends_at: datetime, statuses: Iterable[str] = LIVE_STATUSES
) -> list[Handover]:
    """The team's handovers in `statuses` whose window meets [starts_at, ends_at)."""
    return list(
        session.scalars(
            select(Handover)
            .where(
                Handover.team_id == team_id,
                Handover.status.in_(sorted(statuses)),
                Handover.starts_at < ends_at,
                Handover.ends_at > starts_at,
            )
            .order_by(Handover.starts_at, Handover.id)
        )
    )


def due_to_start(session: Session, team_id: int, now: datetime) -> list[Handover]:
    return list(
        session.scalars(
            select(Handover)
            .where(Handover.team_id == team_id, Handover.status == "accepted", Handover.starts_at <= now, Handover.ends_at > now)
            .order_by(Handover.id)
        )
    )


def due_to_end(session: Session, team_id: int, now: datetime) -> list[Handover]:
    return list(
        session.scalars(
            select(Handover)
            .where(Handover.team_id == team_id, Handover.status.in_(COVERING_STATUSES), Handover.ends_at <= now)
            .order_by(Handover.id)
        )
    )


def unanswered_since_start(session: Session, team_id: int, now: datetime) -> list[Handover]:
    return list(
        session.scalars(
            select(Handover)
            .where(Handover.team_id == team_id, Handover.status.in_(("requested", "approval")), Handover.starts_at <= now)
            .order_by(Handover.id)
        )
    )


def change_status(session: Session, handover_id: int, from_statuses: Iterable[str], **values: Any) -> bool:
    """Set `values` (a new `status` among them) only if the row is still in `from_statuses`
    (compare-and-set: a button pressed on an old message changes nothing), bumping its
    version and recording the change in the audit trail."""
    row = session.get(Handover, handover_id)
    before = {key: getattr(row, key) for key in values} if row is not None else None
    # UPDATE gives a CursorResult (rowcount); Session.execute is typed as plain Result
    result = cast(CursorResult[Any], session.execute(
        update(Handover)
        .where(Handover.id == handover_id, Handover.status.in_(sorted(from_statuses)))
        .values(**values, version=Handover.version + 1)
        .execution_options(synchronize_session=False)
    ))
    if result.rowcount and row is not None:
        session.refresh(row)
        audit.record(session, entity="handovers", entity_id=row.id, team_id=row.team_id, action="update",
                     before=before, after={key: getattr(row, key) for key in values}, version=row.version)
    return bool(result.rowcount)


def managers(session: Session, team_id: int) -> list[Member]:
    members = session.scalars(
        select(Member).where(Member.team_id == team_id, Member.active.is_(True)).order_by(Member.id)
    )
    return [m for m in members if m.has_role("manager")]


def member_by_slack_id(session: Session, team_id: int, slack_id: str) -> Member | None:
    return session.scalar(
        select(Member).where(Member.team_id == team_id, Member.slack_id == slack_id, Member.active.is_(True))
    )


def active_members(session: Session, team_id: int) -> list[Member]:
    return list(
        session.scalars(select(Member).where(Member.team_id == team_id, Member.active.is_(True)).order_by(Member.id))
    )
