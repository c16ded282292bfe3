"""The manager digest (SPEC §4.6): exceptions first, then the team's standing.

Computed once per team and rendered for each manager in their own language. "Last week"
is the ISO week before the one containing `now` (team time zone); states — pace, overdue
follow-ups, customers past cadence, open questions, A/B gaps — are as of `now`. Numbers
come from the same queries as the weekly summary, `/kpi team` and the exports, and the
statements issued do not depend on the team's size.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy.orm import Session

from services import calendars
from services.handover_reports import CoverageGaps, coverage_gaps
from services.kpi import TeamPace, team_pace
from services.report_charts import TopicLoad, topic_load
from services.report_common import (
    ONE_WEEK,
    TOP_ITEMS,
    MemberInfo,
    QuestionLine,
    Reader,
    load_scope,
    question_lines,
)
from storage import knowledge as knowledge_store
from storage import kpi as kpi_queries
from storage import outbox
from storage import questions as question_store
from storage import reports as queries
from storage import visits as visit_store
from storage.question_stats import ResponderStats, ResponseStats, response_stats
from storage.reports import EntryLine
from storage.visits import CadenceStatus

JOB = "manager_digest"
RESPONSE_WINDOW = timedelta(days=28)
PROBLEM_METRICS = ("lost_customers", "complaints")
ZERO = Decimal(0)


@dataclass(frozen=True)
class OverdueLine:
    slack_id: str
    count: int
    oldest_due: date
    days: int  # how long the oldest has been overdue


@dataclass(frozen=True)
class ProblemLine:
    slack_id: str
    lost_customers: Decimal
    complaints: Decimal


@dataclass(frozen=True)
class ResponderLine:
    slack_id: str
    stats: ResponderStats | None  # None: nothing asked of them in the window, but some open
    open: int


@dataclass(frozen=True)
class ManagerDigest:
    team_id: int
    team_name: str
    language: str
    timezone: str
    week: str  # the ISO week the digest is for (outbox period)
    today: date
    last_monday: date
    last_sunday: date
    managers: tuple[Reader, ...]
    pace: TeamPace
    overdue: tuple[OverdueLine, ...]  # most overdue follow-ups first
    overdue_total: int
    past_cadence: tuple[CadenceStatus, ...]  # key customers, most overdue first
    past_cadence_total: int
    problems: tuple[ProblemLine, ...]  # last week's lost customers and complaints per rep
    lost_customers: Decimal
    complaints: Decimal
    problem_entries: tuple[EntryLine, ...]
    open_questions: tuple[QuestionLine, ...]  # oldest first
    open_total: int
    stuck_questions: tuple[QuestionLine, ...]  # past SLA or with a manager: needs action
    escalated: tuple[QuestionLine, ...]  # escalated last week, newest first
    escalated_total: int
    responders: tuple[ResponderLine, ...]
    metrics: ResponseStats  # the last 28 days: per topic and level, SLA hit rate, deflection
    deflected_last_week: int  # questions the knowledge base answered before anyone was asked
    gaps: CoverageGaps
    owners: dict[int, str]  # member id -> Slack id
    missed_plans: tuple[visit_store.PlannedVisit, ...] = ()  # planned last week or since, no visit
    calendar_years: tuple[int, ...] = ()  # years ahead whose make-up working days are unknown
    rerouted: tuple[outbox.Rerouted, ...] = ()  # the last 7 days' messages for people who had left
    topic_load: tuple[TopicLoad, ...] = ()  # the chart: questions per topic and SLA, busiest first

    @property
    def actions(self) -> int:
        """What needs the manager today: A/B gaps and questions nobody is moving."""
        gaps = self.gaps
        return len(gaps.unanswered) + len(gaps.pairs_both_away) + len(gaps.unpaired) + len(self.stuck_questions)


def manager_digest(session: Session, team_id: int, now: datetime) -> ManagerDigest:
    scope = load_scope(session, team_id, now)
    team, today, monday = scope.team, scope.today, scope.monday
    last_monday, last_sunday = monday - ONE_WEEK, monday - timedelta(days=1)
    people = scope.people
    slack = scope.slack_id

    pace = team_pace(session, team_id, today)
    overdue = queries.overdue_by_owner(session, team_id, today)
    overdue_lines = sorted(
        (
            OverdueLine(slack_id, o.count, o.oldest_due, (today - o.oldest_due).days)
            for m, o in overdue.items()
            if (slack_id := slack(m))
        ),
        key=lambda line: (-line.count, line.oldest_due, line.slack_id),
    )
    cadence = queries.past_cadence(session, team_id, today, ("key",))

    totals = kpi_queries.entry_totals(session, team_id, last_monday, last_sunday)
    problem = {(t.member_id, t.metric): t.total for t in totals if t.metric in PROBLEM_METRICS}
    problems = sorted(
        (
            ProblemLine(slack_id, problem.get((m, "lost_customers"), ZERO), problem.get((m, "complaints"), ZERO))
            for m in {m for m, _ in problem}
            if (slack_id := slack(m))
        ),
        key=lambda p: (-p.lost_customers, -p.complaints, p.slack_id),
    )
    entries = queries.entries_between(session, team_id, PROBLEM_METRICS, last_monday, last_sunday, TOP_ITEMS)

    open_lines = question_lines(scope, question_store.open_questions(session, team_id))
    escalated = question_lines(
        scope, question_store.escalated_questions(session, team_id, scope.midnight(last_monday), scope.midnight(monday))
    )
    stats = response_stats(session, team_id, now - RESPONSE_WINDOW, now)
    gaps = coverage_gaps(session, team_id, now)

    managers = tuple(
        Reader(m.slack_id, m.locale, m.tz) for m in scope.members if m.active and m.has_role("manager")
    )
    return ManagerDigest(
        team_id=team_id,
        team_name=team.name,
        language=team.language,
        timezone=team.timezone,
        week=scope.week,
        today=today,
        last_monday=last_monday,
        last_sunday=last_sunday,
        managers=managers,
        pace=pace,
        overdue=tuple(overdue_lines),
        overdue_total=sum(line.count for line in overdue_lines),
        past_cadence=tuple(cadence[:TOP_ITEMS]),
        past_cadence_total=len(cadence),
        problems=tuple(problems),
        lost_customers=sum((p.lost_customers for p in problems), ZERO),
        complaints=sum((p.complaints for p in problems), ZERO),
        problem_entries=tuple(entries),
        open_questions=tuple(open_lines[:TOP_ITEMS]),
        open_total=len(open_lines),
        stuck_questions=tuple(q for q in open_lines if q.overdue or q.with_manager),
        escalated=tuple(escalated[:TOP_ITEMS]),
        escalated_total=len(escalated),
        responders=tuple(_responders(stats.responders, open_lines, people)),
        metrics=stats,
        deflected_last_week=knowledge_store.deflected_between(session, team_id, scope.midnight(last_monday), scope.midnight(monday)),
        gaps=gaps,
        owners={m: p.slack_id for m, p in people.items()},
        missed_plans=tuple(p for p in visit_store.open_plans(session, team_id, start=last_monday, end=today) if p.on < today),
        calendar_years=tuple(calendars.years_to_confirm(session, team, today)),
        rerouted=tuple(outbox.rerouted_between(session, team_id, now - ONE_WEEK, now)),
        topic_load=topic_load(stats),
    )


def _responders(stats: list[ResponderStats], open_lines: list[QuestionLine], people: dict[int, MemberInfo]) -> list[ResponderLine]:
    open_by: dict[str, int] = {}
    for line in open_lines:
        if line.assignee:
            open_by[line.assignee] = open_by.get(line.assignee, 0) + 1
    managers = {p.slack_id for p in people.values() if "manager" in p.roles}
    lines = [ResponderLine(s.slack_id, s, open_by.pop(s.slack_id, 0)) for s in stats]
    lines += [ResponderLine(slack_id, None, n) for slack_id, n in sorted(open_by.items()) if slack_id not in managers]
    # Every support engineer is in the statistics, even with nothing asked of them lately.
    shown = {line.slack_id for line in lines}
    lines += [ResponderLine(p.slack_id, None, 0) for p in people.values() if p.active and "support" in p.roles and p.slack_id not in shown]
    return sorted(lines, key=lambda r: (-r.open, -(r.stats.answered if r.stats else 0), r.slack_id))
