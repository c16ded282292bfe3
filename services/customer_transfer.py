"""Customers changing hands for good: a departure (`/amteam remove @x to @y`), one
customer (`/amteam customer assign`) or a portfolio (`/amteam reassign @x @y`).

The customer and its open follow-ups move in audited updates (storage/audit.py records
the owner before and after, which the customer's history shows); visits keep who made
and logged them. The new owner gets a brief like a handover's: key facts, open
follow-ups, last visits and where each customer stands on its cadence.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from domain.team_rules import cadence_days, days_past_cadence
from storage.models import Customer, Followup, Member, Question, QuestionEvent, Team, Visit

RECENT_VISITS = 2  # per customer, in the brief


@dataclass(frozen=True)
class Transfer:
    """What moved from one member to another."""

    from_slack_id: str | None  # None: the customers had no owner
    to_slack_id: str
    customer_ids: list[int]
    customer_names: list[str]
    followups: int


@dataclass(frozen=True)
class VisitFact:
    on: date
    type: str
    needs: str | None
    concerns: str | None


@dataclass(frozen=True)
class FollowupFact:
    customer: str
    text: str
    due: date | None
    overdue: bool


@dataclass(frozen=True)
class CustomerFact:
    name: str
    tier: str
    industry: str | None
    cadence_days: int
    last_visit: date | None
    days_overdue: int
    visits: list[VisitFact] = field(default_factory=list)


@dataclass(frozen=True)
class PortfolioBrief:
    """What the new owner reads about the customers they received."""

    from_slack_id: str | None
    to_slack_id: str
    customers: list[CustomerFact]
    followups: list[FollowupFact]


def move_customers(session: Session, customers: list[Customer], source: Member | None, target: Member) -> Transfer:
    """The customers go to `target`, with their open follow-ups that were `source`'s (or
    nobody's); a colleague's follow-up on the customer stays theirs."""
    ids = [c.id for c in customers]
    followups = list(session.scalars(
        select(Followup).where(
            Followup.customer_id.in_(ids), Followup.status == "open",
            or_(Followup.owner_id == (source.id if source else None), Followup.owner_id.is_(None)),
        )
    )) if ids else []
    for customer in customers:
        if customer.owner_id != target.id:
            customer.owner_id = target.id
    for followup in followups:
        followup.owner_id = target.id
    session.flush()
    return Transfer(source.slack_id if source else None, target.slack_id, ids, [c.name for c in customers], len(followups))


def move_portfolio(session: Session, team: Team, source: Member, target: Member, *, now: datetime) -> Transfer:
    """Everything `source` owns — active customers and every open follow-up, on any
    customer — goes to `target` (a departure)."""
    customers = list(session.scalars(
        select(Customer).where(Customer.team_id == team.id, Customer.owner_id == source.id, Customer.active.is_(True)).order_by(Customer.name)
    ))
    moved = move_customers(session, customers, source, target)
    others = list(session.scalars(select(Followup).where(Followup.owner_id == source.id, Followup.status == "open")))
    for followup in others:
        followup.owner_id = target.id
    session.flush()
    return Transfer(moved.from_slack_id, moved.to_slack_id, moved.customer_ids, moved.customer_names, moved.followups + len(others))


def move_questions(session: Session, source: Member, target: Member, *, by: Member | None, now: datetime) -> int:
    """Questions waiting on `source` (routed or claimed, not answered) wait on `target`,
    each with a `reassigned` event on its own trail."""
    waiting = list(session.scalars(
        select(Question).where(Question.assignee_id == source.id, Question.status.in_(("open", "claimed")))
    ))
    for question in waiting:
        question.assignee_id = target.id
        question.events.append(QuestionEvent(
            kind="reassigned", actor_id=by.id if by else None, assignee_id=target.id, level=question.level, at=now,
            detail={"from": source.slack_id, "reason": "member_left"},
        ))
    session.flush()
    return len(waiting)


def brief(session: Session, team: Team, transfer: Transfer, now: datetime) -> PortfolioBrief:
    today = now.astimezone(ZoneInfo(team.timezone)).date()
    customers = list(session.scalars(select(Customer).where(Customer.id.in_(transfer.customer_ids)).order_by(Customer.name))) if transfer.customer_ids else []
    facts = []
    for customer in customers:
        visits = list(session.scalars(
            select(Visit).where(Visit.customer_id == customer.id).order_by(Visit.visit_date.desc(), Visit.id.desc()).limit(RECENT_VISITS)
        ))
        last = visits[0].visit_date if visits else None
        facts.append(CustomerFact(
            customer.name, customer.tier, customer.industry, cadence_days(customer.tier, customer.cadence_days), last,
            days_past_cadence(customer.tier, customer.cadence_days, last, today),
            [VisitFact(v.visit_date, v.type, v.needs, v.concerns) for v in visits],
        ))
    target = session.scalar(select(Member).where(Member.team_id == team.id, Member.slack_id == transfer.to_slack_id))
    followups: list[FollowupFact] = []
    if target is not None and transfer.customer_ids:
        rows = session.execute(
            select(Followup, Customer.name).join(Customer, Followup.customer_id == Customer.id)
            .where(Followup.owner_id == target.id, Followup.status == "open", Followup.customer_id.in_(transfer.customer_ids))
            .order_by(Followup.due.is_(None), Followup.due, Followup.id)
        )
        followups = [FollowupFact(name, f.text, f.due, f.due is not None and f.due < today) for f, name in rows]
    return PortfolioBrief(transfer.from_slack_id, transfer.to_slack_id, facts, followups)
