"""Aggregate queries for the weekly meeting summary and the manager digest (SPEC §4.5, §4.6).

Each one answers for a whole team in a single statement — grouped with GROUP BY, or a
list cut with LIMIT — so the statements a report issues do not grow with the number of
reps, customers or visits. The reports also reuse bounded queries from storage.kpi,
storage.visits, storage.questions and storage.handovers; these are the ones missing there.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storage.models import Customer, Followup, KpiEntry, Member, Topic, Visit
from storage.visits import TIER_RANK, CadenceStatus, cadence_status


@dataclass(frozen=True)
class OverdueCount:
    count: int
    oldest_due: date


@dataclass(frozen=True)
class FollowupItem:
    customer: str
    text: str
    owner_id: int | None
    due: date


@dataclass(frozen=True)
class VisitText:
    customer_id: int
    needs: str | None
    concerns: str | None


@dataclass(frozen=True)
class EntryLine:
    member_id: int
    metric: str
    value: object  # Decimal
    occurred_on: date
    customer: str | None
    note: str | None


def team_people(session: Session, team_id: int) -> list[Member]:
    """Every member of the team, past ones included.

    Holding these rows keeps them in the session's identity map, so reading
    `handover.member` or `question.assignee` later costs no statement at all.
    """
    return list(session.scalars(select(Member).where(Member.team_id == team_id).order_by(Member.id)))


def team_topics(session: Session, team_id: int) -> list[Topic]:
    return list(session.scalars(select(Topic).where(Topic.team_id == team_id).order_by(Topic.key)))


def followups_done_by_owner(session: Session, team_id: int, start: datetime, end: datetime) -> dict[int, int]:
    """{owner id: follow-ups marked done in [start, end)}."""
    rows = session.execute(
        select(Followup.owner_id, func.count(Followup.id))
        .where(
            Followup.team_id == team_id,
            Followup.status == "done",
            Followup.owner_id.is_not(None),
            Followup.done_at >= start,
            Followup.done_at < end,
        )
        .group_by(Followup.owner_id)
    )
    return {owner: int(n) for owner, n in rows if owner is not None}


def overdue_by_owner(session: Session, team_id: int, today: date) -> dict[int, OverdueCount]:
    """{owner id: open follow-ups due before `today`, and the oldest due date}."""
    rows = session.execute(
        select(Followup.owner_id, func.count(Followup.id), func.min(Followup.due))
        .where(Followup.team_id == team_id, Followup.status == "open", Followup.owner_id.is_not(None), Followup.due < today)
        .group_by(Followup.owner_id)
    )
    return {owner: OverdueCount(int(n), oldest) for owner, n, oldest in rows if owner is not None and oldest is not None}


def oldest_overdue_followups(session: Session, team_id: int, today: date, limit: int) -> list[FollowupItem]:
    """The `limit` open follow-ups longest past their due date (the meeting's agenda)."""
    rows = session.execute(
        select(Customer.name, Followup.text, Followup.owner_id, Followup.due)
        .join(Customer, Customer.id == Followup.customer_id)
        .where(Followup.team_id == team_id, Followup.status == "open", Followup.owner_id.is_not(None), Followup.due < today)
        .order_by(Followup.due, Followup.id)
        .limit(limit)
    )
    return [FollowupItem(customer, text, owner_id, due) for customer, text, owner_id, due in rows if due is not None]


def visit_texts(session: Session, team_id: int, first: date, last: date) -> list[VisitText]:
    """Needs and concerns written on visits dated first..last (both included)."""
    rows = session.execute(
        select(Visit.customer_id, Visit.needs, Visit.concerns)
        .where(Visit.team_id == team_id, Visit.visit_date >= first, Visit.visit_date <= last)
        .order_by(Visit.visit_date, Visit.id)
    )
    return [VisitText(*row) for row in rows]


def past_cadence(session: Session, team_id: int, today: date, tiers: Collection[str]) -> list[CadenceStatus]:
    """Active customers of these tiers past their visit cadence on `today`, as
    storage.visits.customers_past_cadence reckons it, in one statement for the team.

    The last visit is a correlated subquery per customer of those tiers (an index look-up
    on visits.customer_id), not a GROUP BY over every visit the team ever logged.
    """
    last_visit = (
        select(func.max(Visit.visit_date))
        .where(Visit.customer_id == Customer.id, Visit.visit_date <= today)
        .correlate(Customer)
        .scalar_subquery()
        .label("last_visit")
    )
    rows = session.execute(
        select(Customer.id, Customer.name, Customer.tier, Customer.owner_id, Customer.cadence_days, last_visit).where(
            Customer.team_id == team_id, Customer.active.is_(True), Customer.tier.in_(list(tiers))
        )
    )
    statuses = [cadence_status(row, row.last_visit, today) for row in rows]
    overdue = [s for s in statuses if s.days_overdue > 0]
    overdue.sort(key=lambda s: (TIER_RANK.get(s.tier, 9), -s.days_overdue, s.name))
    return overdue


def entries_between(session: Session, team_id: int, metrics: Collection[str], first: date, last: date, limit: int) -> list[EntryLine]:
    """The newest `limit` live KPI entries of these metrics dated first..last."""
    rows = session.execute(
        select(KpiEntry.member_id, KpiEntry.metric, KpiEntry.value, KpiEntry.occurred_on, Customer.name, KpiEntry.note)
        .outerjoin(Customer, Customer.id == KpiEntry.customer_id)
        .where(
            KpiEntry.team_id == team_id,
            KpiEntry.undone.is_(False),
            KpiEntry.metric.in_(list(metrics)),
            KpiEntry.occurred_on >= first,
            KpiEntry.occurred_on <= last,
        )
        .order_by(KpiEntry.occurred_on.desc(), KpiEntry.id.desc())
        .limit(limit)
    )
    return [EntryLine(*row) for row in rows]
