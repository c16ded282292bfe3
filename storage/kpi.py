"""KPI queries: targets, entry totals, visit counts, leave windows and the facts a nudge
is built from.

Every function answers for a whole team (optionally narrowed to some members) in one
statement, aggregated with GROUP BY, so the cost of a team's pace does not grow in
queries with the number of reps. The two visit/follow-up aggregates at the end could
move to storage/visits.py once that module settles.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import TypeVar

from sqlalchemy import Select, and_, case, func, select
from sqlalchemy.orm import QueryableAttribute, Session

from storage.models import (
    Customer,
    Followup,
    Handover,
    KpiEntry,
    KpiTarget,
    Member,
    OutboxMessage,
    Visit,
)

_Query = TypeVar("_Query", bound=Select)

# An accepted or running handover is planned leave; an ended one was real leave.
LEAVE_STATUSES = ("accepted", "active", "ended")


@dataclass(frozen=True)
class EntryTotal:
    member_id: int
    metric: str
    total: Decimal
    count: int


@dataclass(frozen=True)
class KeyCustomerVisit:
    owner_id: int
    name: str
    tier: str
    cadence_days: int | None
    last_visit: date | None


def _only(query: _Query, column: QueryableAttribute[int | None], member_ids: Collection[int] | None) -> _Query:
    return query if member_ids is None else query.where(column.in_(list(member_ids)))


def targets(session: Session, team_id: int, periods: Collection[str], member_ids: Collection[int] | None = None) -> list[KpiTarget]:
    query = select(KpiTarget).where(KpiTarget.team_id == team_id, KpiTarget.period.in_(list(periods)))
    query = _only(query, KpiTarget.member_id, member_ids)
    return list(session.scalars(query.order_by(KpiTarget.member_id, KpiTarget.period, KpiTarget.id)))


def target_periods(session: Session, team_id: int | None = None) -> list[tuple[int, str]]:
    """(team id, period key) pairs that have at least one target."""
    query = select(KpiTarget.team_id, KpiTarget.period).distinct()
    if team_id is not None:
        query = query.where(KpiTarget.team_id == team_id)
    return [(t, p) for t, p in session.execute(query.order_by(KpiTarget.team_id, KpiTarget.period))]


def entry_totals(session: Session, team_id: int, first: date, last: date, member_ids: Collection[int] | None = None) -> list[EntryTotal]:
    """Sum and count of live entries per (member, metric) with first <= date <= last."""
    query = (
        select(KpiEntry.member_id, KpiEntry.metric, func.sum(KpiEntry.value), func.count(KpiEntry.id))
        .where(
            KpiEntry.team_id == team_id,
            KpiEntry.undone.is_(False),
            KpiEntry.occurred_on >= first,
            KpiEntry.occurred_on <= last,
        )
        .group_by(KpiEntry.member_id, KpiEntry.metric)
    )
    query = _only(query, KpiEntry.member_id, member_ids)
    return [EntryTotal(m, k, Decimal(str(total or 0)), int(n)) for m, k, total, n in session.execute(query)]


def visit_counts(session: Session, team_id: int, first: date, last: date, member_ids: Collection[int] | None = None) -> dict[int, int]:
    """Visits logged per rep with first <= visit date <= last (the `visits` metric)."""
    query = (
        select(Visit.rep_id, func.count(Visit.id))
        .where(Visit.team_id == team_id, Visit.rep_id.is_not(None), Visit.visit_date >= first, Visit.visit_date <= last)
        .group_by(Visit.rep_id)
    )
    query = _only(query, Visit.rep_id, member_ids)
    return {rep_id: int(n) for rep_id, n in session.execute(query) if rep_id is not None}


def leave_windows(session: Session, team_id: int, starts_before: datetime, ends_after: datetime, member_ids: Collection[int] | None = None) -> dict[int, list[tuple[datetime, datetime]]]:
    """Each member's leave windows overlapping [ends_after, starts_before)."""
    ends = func.coalesce(Handover.ended_at, Handover.ends_at)
    query = select(Handover.member_id, Handover.starts_at, Handover.ends_at, Handover.ended_at).where(
        Handover.team_id == team_id,
        Handover.status.in_(LEAVE_STATUSES),
        Handover.starts_at < starts_before,
        ends > ends_after,
    )
    query = _only(query, Handover.member_id, member_ids)
    out: dict[int, list[tuple[datetime, datetime]]] = {}
    for member_id, starts_at, ends_at, ended_at in session.execute(query):
        # `/handover back` ends leave early: what counts is when it really ended.
        end = min(ends_at, ended_at) if ended_at else ends_at
        out.setdefault(member_id, []).append((starts_at, end))
    return out


def reps(session: Session, team_id: int) -> list[Member]:
    query = select(Member).where(Member.team_id == team_id, Member.active.is_(True)).order_by(Member.name, Member.id)
    return [m for m in session.scalars(query) if m.has_role("rep")]


# --- what a nudge can suggest ---------------------------------------------------------


def key_customers_last_visit(session: Session, team_id: int) -> list[KeyCustomerVisit]:
    """The team's active key customers with an owner, and each one's latest visit date."""
    last = (
        select(Visit.customer_id, func.max(Visit.visit_date).label("last_visit"))
        .where(Visit.team_id == team_id)
        .group_by(Visit.customer_id)
        .subquery()
    )
    query = (
        select(Customer.owner_id, Customer.name, Customer.tier, Customer.cadence_days, last.c.last_visit)
        .outerjoin(last, last.c.customer_id == Customer.id)
        .where(Customer.team_id == team_id, Customer.active.is_(True), Customer.tier == "key", Customer.owner_id.is_not(None))
        .order_by(Customer.id)
    )
    return [KeyCustomerVisit(*row) for row in session.execute(query)]


def followup_counts(session: Session, team_id: int, today: date, week_end: date) -> dict[int, tuple[int, int]]:
    """{owner id: (open follow-ups overdue, open follow-ups due today..week_end)}."""
    overdue = func.sum(case((Followup.due < today, 1), else_=0))
    this_week = func.sum(case((and_(Followup.due >= today, Followup.due <= week_end), 1), else_=0))
    query = (
        select(Followup.owner_id, overdue, this_week)
        .where(Followup.team_id == team_id, Followup.status == "open", Followup.owner_id.is_not(None), Followup.due.is_not(None))
        .group_by(Followup.owner_id)
    )
    return {owner: (int(a or 0), int(b or 0)) for owner, a, b in session.execute(query)}


def last_visit_dates(session: Session, team_id: int) -> dict[int, date]:
    query = (
        select(Visit.rep_id, func.max(Visit.visit_date))
        .where(Visit.team_id == team_id, Visit.rep_id.is_not(None))
        .group_by(Visit.rep_id)
    )
    return {rep_id: last for rep_id, last in session.execute(query) if rep_id is not None}


def sent_nudges(session: Session, team_id: int, job: str, periods: Collection[str]) -> list[tuple[str, str, datetime]]:
    """(recipient, period, queued at) of this job's outbox rows for these periods."""
    query = select(OutboxMessage.recipient, OutboxMessage.period, OutboxMessage.created_at).where(
        OutboxMessage.team_id == team_id, OutboxMessage.job == job, OutboxMessage.period.in_(list(periods))
    )
    return [(recipient, period, queued_at) for recipient, period, queued_at in session.execute(query)]
