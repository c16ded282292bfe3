"""The weekly meeting summary (SPEC §4.5): the team's week on one screen.

"This week" is the ISO week (Monday to Sunday, team time zone) containing `now`. Every
number comes from a query another capability already trusts — visits per rep from the
`visits` KPI query, pace from services.kpi.team_pace (as `/kpi team` and the kpi export),
praise and complaints from the KPI entry totals — so the summary, the digest, `/kpi team`
and the exports agree. The statements issued do not depend on the team's size.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy.orm import Session

from services.handover import HandoverView
from services.handover_reports import handovers_between
from services.kpi import TeamPace, team_pace
from services.report_charts import QuarterVisits, quarter_visits
from services.report_common import (
    ONE_WEEK,
    TOP_ITEMS,
    QuestionLine,
    TeamScope,
    load_scope,
    question_lines,
)
from services.themes import Theme, recurring_themes
from storage import kpi as kpi_queries
from storage import questions as question_store
from storage import reports as queries
from storage import visits as visit_store
from storage.question_stats import ResponseStats, response_stats
from storage.reports import EntryLine, FollowupItem
from storage.visits import CadenceStatus

JOB = "weekly_summary"
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
ZERO = Decimal(0)


@dataclass(frozen=True)
class RepWeek:
    member_id: int
    slack_id: str
    name: str
    visits: int
    visits_last_week: int
    followups_done: int
    followups_overdue: int
    praise: Decimal
    complaints: Decimal
    rank: int | None  # KPI pace rank (services.kpi.team_pace)
    score: Decimal | None


@dataclass(frozen=True)
class Agenda:
    """One agenda line per overdue item; lists are cut, totals are not."""

    followups: tuple[FollowupItem, ...]  # oldest due first
    followups_total: int
    customers: tuple[CadenceStatus, ...]  # key customers past cadence, most overdue first
    customers_total: int
    questions: tuple[QuestionLine, ...]  # waiting past their SLA, oldest first
    questions_total: int

    @property
    def total(self) -> int:
        return self.followups_total + self.customers_total + self.questions_total


@dataclass(frozen=True)
class WeeklySummary:
    team_id: int
    team_name: str
    channel: str | None
    language: str
    timezone: str
    week: str  # 2026-W47
    monday: date
    sunday: date
    today: date
    meeting_day: date
    meeting_time: str
    reps: tuple[RepWeek, ...]  # most visits first
    visits: int
    visits_last_week: int
    followups_done: int
    followups_overdue: int
    praise: Decimal
    complaints: Decimal
    needs: tuple[Theme, ...]
    concerns: tuple[Theme, ...]
    handovers_this_week: tuple[HandoverView, ...]
    handovers_next_week: tuple[HandoverView, ...]
    questions: ResponseStats
    pace: TeamPace
    kudos: tuple[EntryLine, ...]  # the week's newest praise and complaint entries
    agenda: Agenda
    owners: dict[int, str]  # member id -> Slack id, for the lines above
    plans: tuple[visit_store.PlannedVisit, ...] = ()  # open planned visits of the week (本周计划拜访)
    quarter: QuarterVisits | None = None  # the chart: visits per week this quarter, customers past cadence


def meeting_day(monday: date, day: str) -> date:
    return monday + timedelta(days=WEEKDAYS.index(day) if day in WEEKDAYS else 4)


def weekly_summary(session: Session, team_id: int, now: datetime) -> WeeklySummary:
    scope = load_scope(session, team_id, now)
    team, today, monday = scope.team, scope.today, scope.monday
    sunday, last_monday = monday + timedelta(days=6), monday - ONE_WEEK
    start, end = scope.midnight(monday), scope.midnight(monday + ONE_WEEK)

    visits = kpi_queries.visit_counts(session, team_id, monday, sunday)
    visits_before = kpi_queries.visit_counts(session, team_id, last_monday, monday - timedelta(days=1))
    done = queries.followups_done_by_owner(session, team_id, start, end)
    overdue = queries.overdue_by_owner(session, team_id, today)
    entries = {(t.member_id, t.metric): t.total for t in kpi_queries.entry_totals(session, team_id, monday, sunday)}
    pace = team_pace(session, team_id, today)
    ranks = {r.member_id: (r.rank, r.score) for r in pace.reps}

    texts = queries.visit_texts(session, team_id, monday, sunday)
    needs = recurring_themes((i, t.customer_id, t.needs) for i, t in enumerate(texts))
    concerns = recurring_themes((i, t.customer_id, t.concerns) for i, t in enumerate(texts))

    handovers = handovers_between(session, team_id, start, scope.midnight(monday + 2 * ONE_WEEK))
    this_week = tuple(h for h in handovers if h.window.starts_at < end)
    next_week = tuple(h for h in handovers if h.window.starts_at >= end)

    people = scope.people
    # Roles, not data, decide who is a rep row: a support engineer's visit counts in the
    # team's totals, not as a rep; a rep who left this week keeps the row of their work.
    reps_ever = {m for m, p in people.items() if "rep" in p.roles}
    active_data = set(visits) | set(visits_before) | set(done) | set(overdue) | {m for m, _ in entries}
    wanted = {m for m in reps_ever if people[m].active or m in active_data}
    reps = [
        RepWeek(
            member_id, people[member_id].slack_id, people[member_id].name,
            visits.get(member_id, 0), visits_before.get(member_id, 0), done.get(member_id, 0),
            overdue[member_id].count if member_id in overdue else 0,
            entries.get((member_id, "praise"), ZERO), entries.get((member_id, "complaints"), ZERO),
            *ranks.get(member_id, (None, None)),
        )
        for member_id in wanted
        if member_id in people
    ]
    reps.sort(key=lambda r: (-r.visits, -r.visits_last_week, r.name, r.member_id))
    return WeeklySummary(
        team_id=team_id,
        team_name=team.name,
        channel=team.channel,
        language=team.language,
        timezone=team.timezone,
        week=scope.week,
        monday=monday,
        sunday=sunday,
        today=today,
        meeting_day=meeting_day(monday, team.meeting_day),
        meeting_time=team.meeting_time,
        reps=tuple(reps),
        visits=sum(visits.values()),
        visits_last_week=sum(visits_before.values()),
        followups_done=sum(done.values()),
        followups_overdue=sum(o.count for o in overdue.values()),
        praise=sum((total for (_, metric), total in entries.items() if metric == "praise"), ZERO),
        complaints=sum((total for (_, metric), total in entries.items() if metric == "complaints"), ZERO),
        needs=tuple(needs),
        concerns=tuple(concerns),
        handovers_this_week=this_week,
        handovers_next_week=next_week,
        questions=response_stats(session, team_id, start, end),
        pace=pace,
        kudos=tuple(queries.entries_between(session, team_id, ("praise", "complaints"), monday, sunday, TOP_ITEMS)),
        agenda=_agenda(session, scope, overdue),
        owners={m: p.slack_id for m, p in people.items()},
        plans=tuple(visit_store.open_plans(session, team_id, start=monday, end=sunday)),
        quarter=quarter_visits(session, team_id, today),
    )


def _agenda(session: Session, scope: TeamScope, overdue: dict[int, queries.OverdueCount]) -> Agenda:
    team_id, today = scope.team.id, scope.today
    followups = queries.oldest_overdue_followups(session, team_id, today, TOP_ITEMS)
    customers = queries.past_cadence(session, team_id, today, ("key",))
    waiting = [q for q in question_lines(scope, question_store.open_questions(session, team_id)) if q.overdue]
    return Agenda(
        tuple(followups), sum(o.count for o in overdue.values()),
        tuple(customers[:TOP_ITEMS]), len(customers),
        tuple(waiting[:TOP_ITEMS]), len(waiting),
    )
