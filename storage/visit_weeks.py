"""Visits per day and key customers' visit history for the weekly summary's chart.

Two statements for the whole team, whatever its size: visits grouped by day, and the
customers of the given tiers with their visit days (from a year before the range on, so
the first week's cadence is known).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from storage.models import Customer, Visit

HISTORY = timedelta(days=366)


@dataclass(frozen=True)
class CustomerVisits:
    customer_id: int
    tier: str
    cadence_days: int | None  # None: the tier's default
    visit_days: tuple[date, ...]  # ascending


def visits_by_day(session: Session, team_id: int, first: date, last: date) -> dict[date, int]:
    """Visits logged by reps with first <= visit date <= last, per day (the `visits` metric)."""
    rows = session.execute(
        select(Visit.visit_date, func.count(Visit.id))
        .where(Visit.team_id == team_id, Visit.rep_id.is_not(None), Visit.visit_date >= first, Visit.visit_date <= last)
        .group_by(Visit.visit_date)
    )
    return {day: int(n) for day, n in rows}


def customer_visit_days(session: Session, team_id: int, tiers: Collection[str], first: date, last: date) -> list[CustomerVisits]:
    """Active customers of these tiers, with the days they were visited up to `last` (from
    a year before `first`): one statement, customers never visited included."""
    in_range = and_(Visit.customer_id == Customer.id, Visit.visit_date >= first - HISTORY, Visit.visit_date <= last)
    rows = session.execute(
        select(Customer.id, Customer.tier, Customer.cadence_days, Visit.visit_date)
        .outerjoin(Visit, in_range)
        .where(Customer.team_id == team_id, Customer.active.is_(True), Customer.tier.in_(list(tiers)))
        .distinct()
    )
    customers: dict[int, tuple[str, int | None]] = {}
    days: dict[int, set[date]] = {}
    for customer_id, tier, cadence_days, day in rows:
        customers[customer_id] = (tier, cadence_days)
        if day is not None:
            days.setdefault(customer_id, set()).add(day)
    return [
        CustomerVisits(customer_id, tier, cadence_days, tuple(sorted(days.get(customer_id, ()))))
        for customer_id, (tier, cadence_days) in customers.items()
    ]
