"""The outbox: what scheduled jobs want to say, keyed by (job, recipient, period).

`enqueue` is idempotent thanks to the unique key, so a job that runs twice (two
schedulers, a retry, `jobs run` by hand) queues one message. Senders claim rows by
compare-and-set on `status` (plus `FOR UPDATE SKIP LOCKED` on PostgreSQL so several
senders drain in parallel without waiting on each other).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import and_, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import Session

from storage.models import OutboxMessage

LEASE = timedelta(minutes=2)
MAX_ATTEMPTS = 12


@dataclass(frozen=True)
class Claimed:
    id: int
    job: str
    recipient: str
    period: str
    payload: dict[str, Any]
    attempts: int
    recovered: bool  # a previous sender took it and vanished: it may have been posted
    lease_until: datetime | None = None  # no other sender can take it over before this
    team_id: int | None = None

    def held_at(self, now: datetime, margin: timedelta) -> bool:
        """Whether the claim is certainly still ours at `now`, with `margin` to spare
        (for clocks that differ between hosts)."""
        return self.lease_until is not None and now + margin < self.lease_until


def enqueue(
    session: Session, *, job: str, recipient: str, period: str, payload: dict[str, Any], now: datetime, team_id: int | None = None, rerouted_from: str | None = None
) -> bool:
    """Queue a message; False when that (job, recipient, period) was already queued.
    `rerouted_from`: who it was meant for, when they have left the team."""
    values = {
        "rerouted_from": rerouted_from,
        "team_id": team_id,
        "job": job,
        "recipient": recipient,
        "period": period,
        "payload": payload,
        "status": "pending",
        "attempts": 0,
        "next_attempt_at": now,
        "created_at": now,
    }
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = (
        insert(OutboxMessage)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["job", "recipient", "period"])
        .returning(OutboxMessage.id)
    )
    return session.execute(statement).scalar() is not None


def already_queued(session: Session, job: str, recipient: str, period: str) -> bool:
    return session.scalar(
        select(OutboxMessage.id).where(
            OutboxMessage.job == job, OutboxMessage.recipient == recipient, OutboxMessage.period == period
        )
    ) is not None


@dataclass(frozen=True)
class Delivered:
    status: str
    channel: str | None
    ts: str | None


def delivery_of(session: Session, job: str, recipient: str, period: str) -> Delivered | None:
    """Where and whether a queued message was posted (a thread reply needs its parent's ts)."""
    row = session.execute(
        select(OutboxMessage.status, OutboxMessage.slack_channel, OutboxMessage.slack_ts).where(
            OutboxMessage.job == job, OutboxMessage.recipient == recipient, OutboxMessage.period == period
        )
    ).first()
    return Delivered(*row) if row else None


def claim(session: Session, now: datetime, *, limit: int = 50, lease: timedelta = LEASE) -> list[Claimed]:
    """Take up to `limit` due rows for this sender; the session is committed by the caller."""
    due = or_(
        and_(OutboxMessage.status == "pending", OutboxMessage.next_attempt_at <= now),
        and_(OutboxMessage.status == "sending", OutboxMessage.lease_until < now),
    )
    query = select(OutboxMessage).where(due).order_by(OutboxMessage.next_attempt_at, OutboxMessage.id).limit(limit)
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    claimed: list[Claimed] = []
    for row in session.scalars(query).all():
        recovered = row.status == "sending"
        # UPDATE gives a CursorResult (rowcount); Session.execute is typed as plain Result
        result = cast(CursorResult[Any], session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == row.id, OutboxMessage.status == row.status, OutboxMessage.attempts == row.attempts)
            .values(status="sending", lease_until=now + lease, attempts=row.attempts + 1)
            .execution_options(synchronize_session=False)
        ))
        if result.rowcount:
            claimed.append(Claimed(row.id, row.job, row.recipient, row.period, row.payload, row.attempts + 1, recovered, now + lease, row.team_id))
    return claimed


def renew_lease(session: Session, message_id: int, attempts: int, now: datetime, lease: timedelta = LEASE) -> bool:
    """Extend our claim just before posting; False when another sender has taken the row
    over (our lease ran out during a slow batch): then we must not post it."""
    # UPDATE gives a CursorResult (rowcount); Session.execute is typed as plain Result
    result = cast(CursorResult[Any], session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.status == "sending", OutboxMessage.attempts == attempts)
        .values(lease_until=now + lease)
    ))
    return bool(result.rowcount)


def mark_sent(session: Session, message_id: int, now: datetime, *, ts: str | None, channel: str | None, attempts: int | None = None) -> bool:
    """Record delivery. With `attempts`, only while the row is still our claim: if another
    sender took it over meanwhile, it will find our message by its metadata instead."""
    query = update(OutboxMessage).where(OutboxMessage.id == message_id)
    if attempts is not None:
        query = query.where(OutboxMessage.status == "sending", OutboxMessage.attempts == attempts)
    # UPDATE gives a CursorResult (rowcount); Session.execute is typed as plain Result
    result = cast(CursorResult[Any], session.execute(
        query.values(status="sent", sent_at=now, slack_ts=ts, slack_channel=channel, lease_until=None, last_error=None)
    ))
    return bool(result.rowcount)


def mark_retry(session: Session, message_id: int, *, at: datetime, error: str, attempts: int, counts: bool = True) -> None:
    """Hand a claimed row back for a later try.

    `counts=False` (Slack said "slow down") gives the claim's attempt back: being rate
    limited says nothing about the message, so it must never exhaust MAX_ATTEMPTS.
    """
    values: dict[str, Any] = {"next_attempt_at": at, "last_error": error[:500], "lease_until": None}
    if counts:
        values["status"] = "failed" if attempts >= MAX_ATTEMPTS else "pending"
    else:
        values["status"] = "pending"
        values["attempts"] = OutboxMessage.attempts - 1
    session.execute(update(OutboxMessage).where(OutboxMessage.id == message_id).values(**values))


def mark_failed(session: Session, message_id: int, *, error: str) -> None:
    session.execute(
        update(OutboxMessage).where(OutboxMessage.id == message_id).values(status="failed", last_error=error[:500], lease_until=None)
    )


def pending_count(session: Session) -> int:
    from sqlalchemy import func

    return session.scalar(
        select(func.count(OutboxMessage.id)).where(OutboxMessage.status.in_(("pending", "sending")))
    ) or 0


def next_due(session: Session) -> datetime | None:
    from sqlalchemy import func

    return session.scalar(
        select(func.min(OutboxMessage.next_attempt_at)).where(OutboxMessage.status == "pending")
    )


@dataclass(frozen=True)
class Rerouted:
    job: str
    meant_for: str  # Slack id of the member who had left
    recipient: str
    at: datetime


def rerouted_between(session: Session, team_id: int, start: datetime, end: datetime) -> list[Rerouted]:
    """Messages queued in [start, end) for someone who had left, delivered to someone else."""
    rows = session.execute(
        select(OutboxMessage.job, OutboxMessage.rerouted_from, OutboxMessage.recipient, OutboxMessage.created_at)
        .where(OutboxMessage.team_id == team_id, OutboxMessage.rerouted_from.is_not(None),
               OutboxMessage.created_at >= start, OutboxMessage.created_at < end)
        .order_by(OutboxMessage.created_at, OutboxMessage.id)
    )
    return [Rerouted(job, meant_for, recipient, at) for job, meant_for, recipient, at in rows if meant_for]
