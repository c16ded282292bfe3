"""What the App Home shows one person (SPEC §4.7): their follow-ups, KPI pace, handover
state and questions; a support person's queue; a manager's team snapshot.

Read-only, plain data out. Lists are cut to what the Home shows, with the full count
beside them for "…and N more". The team snapshot costs a fixed number of queries
whatever the team's size: it reuses the team-wide functions the digests and `/kpi team`
use (team pace, overdue follow-ups, cadence, open questions, coverage gaps).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Generic, TypeVar

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from services import followups, kpi
from services.handover_reports import StatusView, coverage_gaps, status
from services.kpi import PeriodPace, RepPace
from services.visit_access import access_for
from services.visits import FollowupView
from storage import questions as question_store
from storage import visits as visit_store
from storage.models import Member, Team
from storage.questions import QuestionCard

FOLLOWUPS_SHOWN = 10
QUESTIONS_SHOWN = 6
QUEUE_SHOWN = 8
MOST_BEHIND = 3
PLANS_SHOWN = 8
PLANS_AROUND = timedelta(days=14)
# Resolved questions need nothing more from the asker; answered ones wait for "Resolved".
MY_QUESTION_STATUSES = (question_store.OPEN, question_store.CLAIMED, question_store.ANSWERED)

T = TypeVar("T")


@dataclass(frozen=True)
class Cut(Generic[T]):
    """The first items of a list and how long the whole list is."""

    items: tuple[T, ...]
    total: int

    @property
    def more(self) -> int:
        return max(0, self.total - len(self.items))


@dataclass(frozen=True)
class TeamSnapshot:
    reps: int
    with_targets: int  # reps with something to judge this period
    behind: int  # reps behind on at least one metric
    most_behind: tuple[RepPace, ...]  # the furthest behind first
    overdue_followups: int
    key_past_cadence: int
    open_questions: int  # open or claimed
    escalated_questions: int  # of those, escalated at least once
    coverage_gaps: int  # reps without a B, pairs both away, requests nobody accepted


@dataclass(frozen=True)
class HomeData:
    slack_id: str
    name: str
    roles: frozenset[str]
    team_name: str
    now: datetime
    today: date  # in the team's time zone
    followups: Cut[FollowupView]  # mine and those of anyone I cover, oldest due first
    pace: list[PeriodPace] | None  # None: not shown (no rep role and no targets)
    handover: StatusView  # without the team list (managers have the snapshot)
    questions: Cut[QuestionCard]  # asked by me, not yet resolved
    queue: Cut[QuestionCard] | None  # None: no queue to show
    snapshot: TeamSnapshot | None  # managers only
    plans: tuple[visit_store.PlannedVisit, ...] = ()  # my open planned visits, the next two weeks and those just missed

    def has_role(self, role: str) -> bool:
        return role in self.roles


def home_for(session: Session, slack_id: str, now: datetime) -> HomeData | None:
    """Everything on one person's Home; None when they are on no team."""
    access = access_for(session, slack_id, now)
    if access is None:
        return None
    member = session.get(Member, access.member_id)
    assert member is not None
    today = access.today(now)
    mine = followups.my_open_followups(session, access, today, limit=FOLLOWUPS_SHOWN)
    mine_total = len(mine) if len(mine) < FOLLOWUPS_SHOWN else followups.count_my_open_followups(session, access)
    pace = kpi.member_pace(session, member.id, today)
    has_targets = any(p.target is not None for period in pace for p in period.paces)
    asked = question_store.asked_by(session, member.id, limit=QUESTIONS_SHOWN, statuses=MY_QUESTION_STATUSES)
    queue = question_store.queue_for(session, member.id, limit=QUEUE_SHOWN)
    return HomeData(
        slack_id=slack_id,
        name=member.name,
        roles=frozenset(member.roles or []),
        team_name=member.team.name,
        now=now,
        today=today,
        followups=Cut(tuple(mine), mine_total),
        pace=pace if member.has_role("rep") or has_targets else None,
        handover=replace(status(session, member.id, now), team=[]),
        questions=Cut(
            tuple(question_store.card(session, q) for q in asked),
            question_store.count_asked_by(session, member.id, MY_QUESTION_STATUSES),
        ),
        queue=(
            Cut(
                tuple(question_store.card(session, q) for q in queue),
                question_store.open_counts(session, member.team_id).get(member.id, 0),
            )
            if queue or member.has_role("support")
            else None
        ),
        snapshot=team_snapshot(session, member.team, now, today) if member.has_role("manager") else None,
        plans=tuple(
            visit_store.open_plans(session, access.team_id, start=today - PLANS_AROUND, end=today + PLANS_AROUND, owner_ids=access.owner_ids)[:PLANS_SHOWN]
        ) if access.works_with_customers else (),
    )


def team_snapshot(session: Session, team: Team, now: datetime, today: date) -> TeamSnapshot:
    pace = kpi.team_pace(session, team.id, today)
    behind = sorted((r for r in pace.reps if r.behind), key=lambda r: (r.score if r.score is not None else 0, r.name))
    open_questions = question_store.open_questions(session, team.id)
    gaps = coverage_gaps(session, team.id, now)
    return TeamSnapshot(
        reps=len(pace.reps),
        with_targets=sum(1 for r in pace.reps if r.rank is not None),
        behind=len(behind),
        most_behind=tuple(behind[:MOST_BEHIND]),
        overdue_followups=len(visit_store.overdue_followups(session, team.id, today)),
        key_past_cadence=len(visit_store.customers_past_cadence(session, team.id, today, tiers=("key",))),
        open_questions=len(open_questions),
        escalated_questions=sum(1 for q in open_questions if q.escalations),
        coverage_gaps=len(gaps.unpaired) + len(gaps.pairs_both_away) + len(gaps.unanswered),
    )


def any_team(session: Session) -> bool:
    """Whether ambot has been set up at all (the welcome says how to join or start)."""
    return session.scalar(select(Team.id).limit(1)) is not None


# Someone who opened their Home within this window may still be looking at it.
HOME_VIEWER_WINDOW = timedelta(hours=8)


def mark_seen(session: Session, slack_id: str, now: datetime) -> None:
    session.execute(update(Member).where(Member.slack_id == slack_id).values(home_seen_at=now))


def seen_recently(session: Session, slack_id: str, now: datetime) -> bool:
    return seen_recently_at(session.scalar(select(func.max(Member.home_seen_at)).where(Member.slack_id == slack_id)), now)


def seen_recently_at(seen: datetime | None, now: datetime) -> bool:
    return seen is not None and now - seen <= HOME_VIEWER_WINDOW
