"""Queries over visits, follow-ups and visit cadence (SPEC §4.1).

The digest, nudge, summary and Home capabilities reuse these; they return ORM rows with
the relationships they are read with already loaded (so they stay readable after the
session closes), or small frozen dataclasses.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, joinedload, selectinload

from domain import team_rules as rules
from storage.models import Customer, Followup, Visit

TIER_RANK = {tier: rank for rank, tier in enumerate(rules.TIERS)}


@dataclass(frozen=True)
class CadenceStatus:
    """A customer past its visit cadence on `today`."""

    customer_id: int
    name: str
    tier: str
    owner_id: int | None
    cadence_days: int
    last_visit: date | None  # None: never visited
    days_overdue: int  # for a customer never visited: its cadence in days

    @property
    def never_visited(self) -> bool:
        return self.last_visit is None


# --- visits ------------------------------------------------------------------------------


def _visit_query() -> Select:
    return select(Visit).options(
        selectinload(Visit.customer),
        selectinload(Visit.rep),
        selectinload(Visit.logged_by),
        selectinload(Visit.followups).selectinload(Followup.owner),
    )


def get_visit(session: Session, visit_id: int) -> Visit | None:
    return session.scalar(_visit_query().where(Visit.id == visit_id))


def logged_at_of(session: Session, visit_ids: Iterable[int]) -> dict[int, datetime]:
    """When each of these visits was logged (a planned visit's calendar stamp)."""
    ids = list(visit_ids)
    if not ids:
        return {}
    return {visit_id: at for visit_id, at in session.execute(select(Visit.id, Visit.logged_at).where(Visit.id.in_(ids)))}


def visit_by_source_key(session: Session, source_key: str) -> Visit | None:
    return session.scalar(_visit_query().where(Visit.source_key == source_key))


def recent_visits(
    session: Session,
    team_id: int,
    *,
    customer_ids: Iterable[int] | None = None,
    owner_ids: Iterable[int] | None = None,
    limit: int = 10,
) -> tuple[list[Visit], int]:
    """The newest visits (by visit date, then logging time) and how many there are in all.

    `customer_ids` narrows to those customers; `owner_ids` to customers those members own.
    """
    where = visits_where(team_id, customer_ids=customer_ids, owner_ids=owner_ids)
    return visits_page(session, where, limit=limit), count_visits(session, where)


def visits_where(team_id: int, *, customer_ids: Iterable[int] | None = None, owner_ids: Iterable[int] | None = None) -> list[Any]:
    """The conditions of `recent_visits`, for `visits_page` and `count_visits`."""
    where: list[Any] = [Visit.team_id == team_id]
    if customer_ids is not None:
        where.append(Visit.customer_id.in_(list(customer_ids)))
    if owner_ids is not None:
        # The team said on the customers: the count reads the index alone.
        owned = select(Customer.id).where(Customer.owner_id.in_(list(owner_ids)), Customer.team_id == team_id)
        where.append(Visit.customer_id.in_(owned))
    return where


def visits_page(session: Session, where: list[Any], *, limit: int, offset: int = 0) -> list[Visit]:
    """`limit` visits from the `offset`-th newest (by visit date, then logging time), with
    their customer, rep, logger and follow-ups read in the same statement."""
    query = (
        select(Visit)
        .options(
            joinedload(Visit.customer),
            joinedload(Visit.rep),
            joinedload(Visit.logged_by),
            joinedload(Visit.followups).joinedload(Followup.owner),
        )
        .where(*where)
        .order_by(Visit.visit_date.desc(), Visit.logged_at.desc(), Visit.id.desc())
        .limit(limit)
        .offset(offset)
    )
    return list(session.scalars(query).unique().all())


def count_visits(session: Session, where: list[Any]) -> int:
    # Counted by customer from the index (ix_visits_customer_live_date): a customer's
    # visits are its team's, and "team" in the count would make SQLite walk every visit
    # of the team instead.
    counted = where[1:] if len(where) > 1 else where
    return session.scalar(select(func.count(Visit.id)).where(*counted)) or 0


def visits_between(session: Session, team_id: int, start: date, end: date, *, rep_id: int | None = None) -> list[Visit]:
    """Visits dated from `start` to `end` (both included), oldest first."""
    query = _visit_query().where(Visit.team_id == team_id, Visit.visit_date >= start, Visit.visit_date <= end)
    if rep_id is not None:
        query = query.where(Visit.rep_id == rep_id)
    return list(session.scalars(query.order_by(Visit.visit_date, Visit.id)).all())


def visit_counts_by_rep(session: Session, team_id: int, start: date, end: date) -> dict[int, int]:
    """{rep member id: visits dated from `start` to `end`} (the `visits` KPI)."""
    rows = session.execute(
        select(Visit.rep_id, func.count(Visit.id))
        .where(Visit.team_id == team_id, Visit.visit_date >= start, Visit.visit_date <= end, Visit.rep_id.is_not(None))
        .group_by(Visit.rep_id)
    ).all()
    return {rep_id: count for rep_id, count in rows if rep_id is not None}


def last_visit_dates(session: Session, customer_ids: Iterable[int], today: date) -> dict[int, date]:
    """{customer id: date of its latest visit on or before `today`} (planned ones do not count)."""
    ids = list(customer_ids)
    if not ids:
        return {}
    rows = session.execute(select(Customer.id, _latest_visit_date(today)).where(Customer.id.in_(ids))).all()
    return {customer_id: last for customer_id, last in rows if last is not None}


def _latest_visit_date(today: date) -> Any:
    """A customer's latest visit on or before `today`, as a column beside the customer."""
    # One index lookup per customer (ix_visits_customer_live_date), however many visits
    # each has. Withdrawn visits do not count (said here: the subquery is a Core
    # statement, which the withdrawal filter does not see).
    return (
        select(Visit.visit_date)
        .where(Visit.customer_id == Customer.id, Visit.withdrawn_at.is_(None), Visit.visit_date <= today)
        .order_by(Visit.visit_date.desc())
        .limit(1)
        .correlate(Customer)
        .scalar_subquery()
    )


# --- cadence -----------------------------------------------------------------------------


class CustomerCadence(Protocol):
    """What `cadence_status` reads: a Customer, or a row of these columns."""

    @property
    def id(self) -> int: ...
    @property
    def name(self) -> str: ...
    @property
    def tier(self) -> str: ...
    @property
    def owner_id(self) -> int | None: ...
    @property
    def cadence_days(self) -> int | None: ...


def cadence_status(customer: CustomerCadence, last_visit: date | None, today: date) -> CadenceStatus:
    return CadenceStatus(
        customer_id=customer.id,
        name=customer.name,
        tier=customer.tier,
        owner_id=customer.owner_id,
        cadence_days=rules.cadence_days(customer.tier, customer.cadence_days),
        last_visit=last_visit,
        days_overdue=rules.days_past_cadence(customer.tier, customer.cadence_days, last_visit, today),
    )


def customers_past_cadence(
    session: Session,
    team_id: int,
    today: date,
    owner_id: int | None = None,
    *,
    owner_ids: Iterable[int] | None = None,
    tiers: Iterable[str] | None = None,
) -> list[CadenceStatus]:
    """Active customers whose last visit is older than their cadence (never visited counts).

    Narrow with `owner_id` (one owner) or `owner_ids` (several, e.g. a rep and whoever
    they cover) and `tiers` (e.g. ("key",) for the manager digest). Sorted by tier (key
    first), then most overdue first, then name.
    """
    query = select(Customer, _latest_visit_date(today)).where(Customer.team_id == team_id, Customer.active.is_(True))
    owners = ([] if owner_id is None else [owner_id]) + (list(owner_ids) if owner_ids is not None else [])
    if owner_id is not None or owner_ids is not None:
        query = query.where(Customer.owner_id.in_(owners))
    if tiers is not None:
        query = query.where(Customer.tier.in_(list(tiers)))
    # The customers and their last visits in one statement.
    statuses = [cadence_status(customer, last, today) for customer, last in session.execute(query).all()]
    overdue = [s for s in statuses if s.days_overdue > 0]
    overdue.sort(key=lambda s: (TIER_RANK.get(s.tier, 9), -s.days_overdue, s.name))
    return overdue


# --- follow-ups --------------------------------------------------------------------------


def _followup_query() -> Select:
    return select(Followup).options(
        selectinload(Followup.customer), selectinload(Followup.owner), selectinload(Followup.visit)
    )


def get_followup(session: Session, followup_id: int) -> Followup | None:
    """One follow-up with its customer and owner (one query) and its visit."""
    query = select(Followup).options(joinedload(Followup.customer), joinedload(Followup.owner), selectinload(Followup.visit))
    return session.scalar(query.where(Followup.id == followup_id))


def open_followups(
    session: Session,
    team_id: int,
    *,
    owner_ids: Iterable[int] | None = None,
    customer_ids: Iterable[int] | None = None,
    due_on_or_before: date | None = None,
    limit: int | None = None,
    offset: int = 0,
    listing: bool = False,
) -> list[Followup]:
    """Open follow-ups, oldest due date first (those without a due date last). With
    `listing`, only what a list shows is loaded with them (customer and owner, one query)."""
    base = select(Followup).options(joinedload(Followup.customer), joinedload(Followup.owner)) if listing else _followup_query()
    query = base.where(Followup.team_id == team_id, Followup.status == "open")
    if owner_ids is not None:
        query = query.where(Followup.owner_id.in_(list(owner_ids)))
    if customer_ids is not None:
        query = query.where(Followup.customer_id.in_(list(customer_ids)))
    if due_on_or_before is not None:
        query = query.where(Followup.due <= due_on_or_before)
    query = query.order_by(Followup.due.is_(None), Followup.due, Followup.created_at, Followup.id)
    if limit is not None:
        query = query.limit(limit)
    if offset:
        query = query.offset(offset)
    return list(session.scalars(query).all())


def count_open_followups(session: Session, team_id: int, *, owner_ids: Iterable[int]) -> int:
    return session.scalar(
        select(func.count(Followup.id)).where(
            Followup.team_id == team_id, Followup.status == "open", Followup.owner_id.in_(list(owner_ids))
        )
    ) or 0


def overdue_followups(session: Session, team_id: int, today: date, owner_id: int | None = None) -> list[Followup]:
    """Open follow-ups due before `today` (the team's local date), oldest first."""
    query = _followup_query().where(Followup.team_id == team_id, Followup.status == "open", Followup.due < today)
    if owner_id is not None:
        query = query.where(Followup.owner_id == owner_id)
    return list(session.scalars(query.order_by(Followup.due, Followup.id)).all())


def followups_done_between(session: Session, team_id: int, start: datetime, end: datetime) -> list[Followup]:
    """Follow-ups marked done in [start, end) (aware datetimes)."""
    query = _followup_query().where(
        Followup.team_id == team_id, Followup.status == "done", Followup.done_at >= start, Followup.done_at < end
    )
    return list(session.scalars(query.order_by(Followup.done_at, Followup.id)).all())


# --- planned visits ------------------------------------------------------------------------


@dataclass(frozen=True)
class PlannedVisit:
    """A visit planned with `next:`/`下次：` and not yet made: no visit to the customer has
    been logged with a later date than the one that planned it (a later visit keeps or
    replaces the plan, whichever day it was on)."""

    visit_id: int  # the visit whose `next:` made the plan
    customer_id: int
    customer_name: str
    on: date
    owner_id: int | None  # who made the planning visit (its rep)
    customer_owner_id: int | None

    def missed(self, today: date) -> bool:
        return self.on < today


_LATER = Visit.__table__.alias("later")  # built once: its columns are not recomputed on every call


def open_plans(
    session: Session,
    team_id: int,
    *,
    start: date | None = None,
    end: date | None = None,
    owner_ids: Iterable[int] | None = None,
    customer_ids: Iterable[int] | None = None,
) -> list[PlannedVisit]:
    """Plans still open whose day is from `start` to `end`, soonest first."""
    later = _LATER
    superseded = (
        select(later.c.id)
        .where(
            later.c.customer_id == Visit.customer_id,
            # Later: a later day, or the same day logged after. Said as a range of days
            # first, so the index (customer, day) finds it without reading the customer's
            # every visit.
            later.c.visit_date >= Visit.visit_date,
            (later.c.visit_date > Visit.visit_date) | (later.c.id > Visit.id),
        )
        .exists()
    )
    query = (
        select(Visit.id, Visit.customer_id, Customer.name, Visit.next_visit, Visit.rep_id, Customer.owner_id)
        .join(Customer, Visit.customer_id == Customer.id)
        .where(Visit.team_id == team_id, Visit.next_visit.is_not(None), Customer.active.is_(True), ~superseded)
    )
    if start is not None:
        query = query.where(Visit.next_visit >= start)
    if end is not None:
        query = query.where(Visit.next_visit <= end)
    if owner_ids is not None:
        owners = list(owner_ids)
        query = query.where(Visit.rep_id.in_(owners) | Customer.owner_id.in_(owners))
    if customer_ids is not None:
        query = query.where(Visit.customer_id.in_(list(customer_ids)))
    rows = session.execute(query.order_by(Visit.next_visit, Customer.name, Visit.id)).all()
    return [PlannedVisit(v, c, name, on, rep, owner) for v, c, name, on, rep, owner in rows if on is not None]
