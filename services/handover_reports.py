"""What a handover hands over and hands back (SPEC §4.2), `/handover status`, and the
coverage facts the digests reuse (SPEC §4.5, §4.6). Read-only; plain data out."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from domain.handover_rules import LIVE_STATUSES, pairs_both_away
from domain.team_rules import days_past_cadence
from services.handover import HandoverView, WindowView, view, window_view
from storage import handovers as store
from storage import visits as visit_store
from storage.models import Customer, Followup, Handover, Member, Question, TopicResponder, Visit

BRIEF_TIERS = ("key", "premium")
OPEN_QUESTION_STATUSES = ("open", "claimed")
GAP_HORIZON = timedelta(days=30)
TIER_ORDER = {"key": 0, "premium": 1, "regular": 2}


@dataclass(frozen=True)
class CustomerLine:
    name: str
    tier: str
    last_visit: date | None
    concerns: str | None
    days_overdue: int


@dataclass(frozen=True)
class FollowupLine:
    customer: str
    text: str
    due: date | None
    overdue: bool
    done_by: str | None = None  # Slack id
    id: int | None = None
    created_by: str | None = None  # Slack id


@dataclass(frozen=True)
class PlannedLine:
    customer: str
    on: date


@dataclass(frozen=True)
class QuestionLine:
    text: str
    status: str
    asker: str | None  # Slack ids
    assignee: str | None
    answered_by: str | None
    id: int | None = None
    customer: str | None = None


@dataclass(frozen=True)
class VisitLine:
    customer: str
    on: date
    type: str
    logged_by: str | None  # Slack id
    id: int | None = None
    needs: str | None = None
    concerns: str | None = None


@dataclass(frozen=True)
class Brief:
    handover: HandoverView
    customers_total: int
    important: list[CustomerLine]  # key and premium customers
    followups: list[FollowupLine]  # open, due by the last day (overdue ones too)
    planned: list[PlannedLine]  # next visits planned inside the window
    questions: list[QuestionLine]  # open questions A asked or was asked
    past_cadence: list[CustomerLine]  # most overdue first


@dataclass(frozen=True)
class Handback:
    handover: HandoverView
    ended_at: datetime
    visits: list[VisitLine]
    followups_done: list[FollowupLine]
    followups_open: list[FollowupLine]
    questions_answered: list[QuestionLine]
    followups_added: list[FollowupLine] = field(default_factory=list)  # by others, during the cover
    questions_asked: list[QuestionLine] = field(default_factory=list)  # about A's customers, during the cover


@dataclass(frozen=True)
class StatusView:
    partner: str | None  # Slack id of the usual B
    needs_partner: bool  # a rep without a B (managers and support may have none)
    mine: list[HandoverView]
    asked: list[HandoverView]  # waiting for my Accept / Decline
    covering: list[HandoverView]
    team: list[HandoverView]  # managers only: everyone else's live handovers


@dataclass(frozen=True)
class PairAway:
    members: tuple[str, str]  # Slack ids
    window: WindowView


@dataclass(frozen=True)
class CoverageGaps:
    unpaired: list[str]  # Slack ids of reps without an active B
    pairs_both_away: list[PairAway]
    unanswered: list[HandoverView]  # requested, awaiting approval or escalated


# --- brief -----------------------------------------------------------------------------


def brief(session: Session, handover_id: int, now: datetime) -> Brief:
    handover = session.get(Handover, handover_id)
    if handover is None:
        raise LookupError(handover_id)
    shown = view(handover)
    today = now.astimezone(ZoneInfo(shown.team_tz)).date()
    customers = _customers(session, handover.member_id)
    last_visits, concerns = _visit_facts(session, [c.id for c in customers])
    lines = [
        CustomerLine(
            c.name,
            c.tier,
            last_visits.get(c.id),
            concerns.get(c.id),
            days_past_cadence(c.tier, c.cadence_days, last_visits.get(c.id), today),
        )
        for c in customers
    ]
    important = sorted(
        (line for line in lines if line.tier in BRIEF_TIERS),
        key=lambda line: (TIER_ORDER[line.tier], -line.days_overdue, line.name),
    )
    overdue = sorted((line for line in lines if line.days_overdue > 0), key=lambda line: (-line.days_overdue, line.name))
    return Brief(
        handover=shown,
        customers_total=len(customers),
        important=important,
        followups=_open_followups(session, handover.member_id, today, up_to=shown.window.last_day),
        planned=_planned(session, [c.id for c in customers], shown.window.first_day, shown.window.last_day),
        questions=_open_questions(session, handover.member_id),
        past_cadence=overdue,
    )


def _customers(session: Session, member_id: int) -> list[Customer]:
    return list(
        session.scalars(
            select(Customer).where(Customer.owner_id == member_id, Customer.active.is_(True)).order_by(Customer.name)
        )
    )


def _visit_facts(session: Session, customer_ids: list[int]) -> tuple[dict[int, date], dict[int, str]]:
    if not customer_ids:
        return {}, {}
    last = dict(
        session.execute(
            select(Visit.customer_id, func.max(Visit.visit_date)).where(Visit.customer_id.in_(customer_ids)).group_by(Visit.customer_id)
        ).all()
    )
    concerns: dict[int, str] = {}
    rows = session.execute(
        select(Visit.customer_id, Visit.concerns)
        .where(Visit.customer_id.in_(customer_ids), Visit.concerns.is_not(None), Visit.concerns != "")
        .order_by(Visit.visit_date.desc(), Visit.id.desc())
    )
    for customer_id, text in rows:
        if text is not None:
            concerns.setdefault(customer_id, text)
    return last, concerns


def _open_followups(session: Session, member_id: int, today: date, *, up_to: date | None = None) -> list[FollowupLine]:
    query = (
        select(Followup, Customer.name)
        .join(Customer, Followup.customer_id == Customer.id)
        .where(Followup.status == "open", or_(Followup.owner_id == member_id, Customer.owner_id == member_id))
    )
    if up_to is not None:
        query = query.where(Followup.due.is_not(None), Followup.due <= up_to)
    query = query.order_by(Followup.due.is_(None), Followup.due, Followup.id)
    return [
        FollowupLine(name, f.text, f.due, f.due is not None and f.due < today, id=f.id) for f, name in session.execute(query)
    ]


def _planned(session: Session, customer_ids: list[int], first: date, last: date) -> list[PlannedLine]:
    if not customer_ids:
        return []
    team_id = session.scalar(select(Customer.team_id).where(Customer.id == customer_ids[0]))
    if team_id is None:
        return []
    plans = visit_store.open_plans(session, team_id, start=first, end=last, customer_ids=customer_ids)
    return [PlannedLine(p.customer_name, p.on) for p in plans]


def _open_questions(session: Session, member_id: int) -> list[QuestionLine]:
    rows = session.scalars(
        select(Question)
        .where(or_(Question.asker_id == member_id, Question.assignee_id == member_id), Question.status.in_(OPEN_QUESTION_STATUSES))
        .order_by(Question.asked_at, Question.id)
    )
    return [_question_line(session, q) for q in rows]


def _question_line(session: Session, question: Question) -> QuestionLine:
    answered_by = session.get(Member, question.answered_by_id) if question.answered_by_id else None
    customer = session.get(Customer, question.customer_id) if question.customer_id else None
    return QuestionLine(
        question.text,
        question.status,
        question.asker.slack_id if question.asker else None,
        question.assignee.slack_id if question.assignee else None,
        answered_by.slack_id if answered_by else None,
        question.id,
        customer.name if customer else None,
    )


# --- hand-back -------------------------------------------------------------------------


def handback(session: Session, handover_id: int, now: datetime) -> Handback:
    """What happened for A's customers between the start and the (actual) end."""
    handover = session.get(Handover, handover_id)
    if handover is None:
        raise LookupError(handover_id)
    shown = view(handover)
    start, end = handover.starts_at, handover.ended_at or handover.ends_at
    a, cover = handover.member_id, handover.cover_id
    today = now.astimezone(ZoneInfo(shown.team_tz)).date()
    visits = session.execute(
        select(Visit, Customer.name)
        .join(Customer, Visit.customer_id == Customer.id)
        .where(
            or_(Customer.owner_id == a, Visit.rep_id == a),
            Visit.logged_by_id != a,
            Visit.logged_at >= start,
            Visit.logged_at < end,
        )
        .order_by(Visit.visit_date, Visit.id)
    )
    done = session.execute(
        select(Followup, Customer.name)
        .join(Customer, Followup.customer_id == Customer.id)
        .where(
            or_(Followup.owner_id == a, Customer.owner_id == a),
            Followup.status == "done",
            Followup.done_at >= start,
            Followup.done_at < end,
        )
        .order_by(Followup.done_at, Followup.id)
    )
    # Questions routed to A's topics went to the cover while A was away.
    a_topics = select(TopicResponder.topic_id).where(TopicResponder.member_id == a)
    answered = session.scalars(
        select(Question)
        .outerjoin(Customer, Question.customer_id == Customer.id)
        .where(
            Question.answered_at >= start,
            Question.answered_at < end,
            or_(
                Question.asker_id == a,
                Question.assignee_id == a,
                Customer.owner_id == a,
                and_(Question.answered_by_id == cover, Question.topic_id.in_(a_topics)),
            ),
        )
        .order_by(Question.answered_at, Question.id)
    )
    added = session.execute(
        select(Followup, Customer.name)
        .join(Customer, Followup.customer_id == Customer.id)
        .where(
            or_(Followup.owner_id == a, Customer.owner_id == a),
            or_(Followup.created_by_id.is_(None), Followup.created_by_id != a),
            Followup.created_at >= start,
            Followup.created_at < end,
        )
        .order_by(Followup.created_at, Followup.id)
    )
    asked = session.scalars(
        select(Question)
        .join(Customer, Question.customer_id == Customer.id)
        .where(Customer.owner_id == a, Question.asked_at >= start, Question.asked_at < end)
        .order_by(Question.asked_at, Question.id)
    )
    slack = _slack_ids(session)
    return Handback(
        handover=shown,
        ended_at=end,
        visits=[VisitLine(name, v.visit_date, v.type, slack.get(v.logged_by_id), v.id, v.needs, v.concerns) for v, name in visits],
        followups_done=[FollowupLine(name, f.text, f.due, False, slack.get(f.done_by_id), f.id) for f, name in done],
        followups_open=_open_followups(session, a, today),
        questions_answered=[_question_line(session, q) for q in answered],
        followups_added=[
            FollowupLine(name, f.text, f.due, f.status == "open" and f.due is not None and f.due < today, slack.get(f.done_by_id), f.id, slack.get(f.created_by_id))
            for f, name in added
        ],
        questions_asked=[_question_line(session, q) for q in asked],
    )


def _slack_ids(session: Session) -> dict[int | None, str]:
    return dict(session.execute(select(Member.id, Member.slack_id)).all())


# --- status ----------------------------------------------------------------------------


def status(session: Session, member_id: int, now: datetime) -> StatusView:
    member = session.get(Member, member_id)
    if member is None:
        raise LookupError(member_id)
    mine = store.of_member(session, member_id, now)
    asked = store.for_cover(session, member_id, now, ("requested", "escalated"))
    covering = store.for_cover(session, member_id, now, store.COVERING_STATUSES)
    team: list[Handover] = []
    if member.has_role("manager"):
        seen = {h.id for h in (*mine, *asked, *covering)}
        team = [h for h in store.of_team_between(session, member.team_id, now, now + GAP_HORIZON) if h.id not in seen]
    partner = member.backup.slack_id if member.backup is not None and member.backup.active else None
    needs_partner = partner is None and member.has_role("rep")
    return StatusView(partner, needs_partner, [view(h) for h in mine], [view(h) for h in asked], [view(h) for h in covering], [view(h) for h in team])


# --- for the digests -------------------------------------------------------------------


def handovers_between(
    session: Session, team_id: int, starts_at: datetime, ends_at: datetime, statuses: tuple[str, ...] | None = None
) -> list[HandoverView]:
    """Handovers meeting [starts_at, ends_at): the weekly summary's "this and next week".

    By default the live ones and those already ended; pass `statuses` to narrow it.
    """
    wanted = statuses or (*sorted(LIVE_STATUSES), "ended")
    return [view(h) for h in store.of_team_between(session, team_id, starts_at, ends_at, wanted)]


def coverage_gaps(session: Session, team_id: int, now: datetime, horizon: timedelta = GAP_HORIZON) -> CoverageGaps:
    """The manager digest's A/B gaps: reps with no B, pairs both away within `horizon`,
    and requests nobody has accepted yet."""
    members = store.active_members(session, team_id)
    active_ids = {m.id for m in members}
    slack = {m.id: m.slack_id for m in members}
    unpaired = [m.slack_id for m in members if m.has_role("rep") and m.backup_id not in active_ids]
    pairs = [(m.id, m.backup_id) for m in members if m.backup_id in active_ids]
    upcoming = store.of_team_between(session, team_id, now, now + horizon)
    tz = ZoneInfo(members[0].team.timezone) if members else ZoneInfo("UTC")
    clashes = [
        PairAway((slack[c.member_ids[0]], slack[c.member_ids[1]]), window_view(c.starts_at, c.ends_at, tz))
        for c in pairs_both_away(store.as_absences(upcoming), pairs, now, now + horizon)
    ]
    unanswered = [view(h) for h in upcoming if h.status in store.PENDING_STATUSES]
    return CoverageGaps(unpaired, clashes, unanswered)
