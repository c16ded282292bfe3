"""Visits per day and key customers' visit history for the weekly summary's chart.

Two statements for the whole team, whatever its size: visits grouped by day, and the
visit days of the customers of the given tiers (each customer's, from a year before the
range on, so the first week's cadence is known).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select
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
    """Active customers of these tiers, with the days they were visited up to `last`."""
    customers = {
        row.id: row
        for row in session.execute(
            select(Customer.id, Customer.tier, Customer.cadence_days).where(
                Customer.team_id == team_id, Customer.active.is_(True), Customer.tier.in_(list(tiers))
            )
        )
    }
    days: dict[int, set[date]] = {}
    if customers:
        rows = session.execute(
            select(Visit.customer_id, Visit.visit_date)
            .join(Customer, Customer.id == Visit.customer_id)
            .where(
                Customer.team_id == team_id, Customer.active.is_(True), Customer.tier.in_(list(tiers)),
                Visit.visit_date >= first - HISTORY, Visit.visit_date <= last,
            )
            .distinct()
        )
        for customer_id, day in rows:
            days.setdefault(customer_id, set()).add(day)
    return [
        CustomerVisits(c.id, c.tier, c.cadence_days, tuple(sorted(days.get(c.id, ()))))
        for c in customers.values()
    ]
