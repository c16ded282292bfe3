"""What the weekly summary and the manager digest share: the team's people held in the
session, week arithmetic in the team's time zone, and questions as plain lines."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cached_property
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from domain.kpi_input import iso_week_key, local_today, week_bounds
from storage import reports as queries
from storage.models import Member, Question, Team, Topic

# How many lines a list shows before "…and N more"; tables past TOP_REPS go to a thread.
TOP_REPS = 15
TOP_ITEMS = 8
ONE_WEEK = timedelta(days=7)


@dataclass(frozen=True)
class Reader:
    """Who a report is written for: their Slack id, language and time zone, if known."""

    slack_id: str
    locale: str | None
    tz: str | None


@dataclass(frozen=True)
class MemberInfo:
    member_id: int
    slack_id: str
    name: str
    roles: frozenset[str]
    active: bool


@dataclass(frozen=True)
class QuestionLine:
    id: int
    text: str
    topic: str | None  # topic key
    level: int
    status: str
    asker: str | None  # Slack ids
    assignee: str | None
    asked_at: datetime
    asked_on: date  # in the team's time zone
    sla_due_at: datetime | None
    escalations: int
    with_manager: bool  # escalated past level 3: it waits on a manager
    overdue: bool  # past its SLA (to claim, or to answer once claimed), or no one left above


@dataclass
class TeamScope:
    """A team loaded once per report. `members` and `topics` stay referenced for as long
    as the report is computed, so relationships to them resolve from the session's
    identity map instead of one statement per row."""

    team: Team
    members: list[Member]
    topics: list[Topic]
    now: datetime

    @property
    def today(self) -> date:
        return local_today(self.now, self.team.timezone)

    @property
    def week(self) -> str:
        return iso_week_key(self.today)

    @property
    def monday(self) -> date:
        return week_bounds(self.today)[0]

    def midnight(self, day: date) -> datetime:
        return datetime.combine(day, time(), tzinfo=ZoneInfo(self.team.timezone)).astimezone(UTC)

    @cached_property
    def people(self) -> dict[int, MemberInfo]:
        return {m.id: MemberInfo(m.id, m.slack_id, m.name, frozenset(m.roles or []), m.active) for m in self.members}

    def slack_id(self, member_id: int | None) -> str | None:
        person = self.people.get(member_id) if member_id is not None else None
        return person.slack_id if person else None


def load_scope(session: Session, team_id: int, now: datetime) -> TeamScope:
    team = session.get(Team, team_id)
    if team is None:
        raise LookupError(team_id)
    return TeamScope(team, queries.team_people(session, team_id), queries.team_topics(session, team_id), now)


def question_lines(scope: TeamScope, rows: list[Question]) -> list[QuestionLine]:
    topics: dict[int | None, str] = {t.id: t.key for t in scope.topics}
    managers = {p.member_id for p in scope.people.values() if "manager" in p.roles}
    slack = scope.slack_id
    zone = ZoneInfo(scope.team.timezone)
    out = []
    for q in rows:
        stuck = q.sla_due_at is None if q.status == "open" else False
        overdue = stuck or (q.sla_due_at is not None and q.sla_due_at <= scope.now)
        out.append(
            QuestionLine(
                q.id, q.text, topics.get(q.topic_id), q.level, q.status, slack(q.asker_id), slack(q.assignee_id),
                q.asked_at, q.asked_at.astimezone(zone).date(), q.sla_due_at, q.escalations, q.assignee_id in managers, overdue,
            )
        )
    return out
