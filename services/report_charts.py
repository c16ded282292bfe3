"""What the reports' charts show, as plain data (the pictures are rendering/charts.py's).

- the weekly summary: visits per week over the quarter so far, with the key customers
  past their visit cadence at each week's end (today for this week), reckoned as the
  agenda reckons them (`storage.reports.past_cadence`: today's key customers, each by its
  last visit up to that day);
- the manager digest: questions per topic over its response window, with the share that
  met their SLA (`storage.question_stats`);
- `/kpi team`: each ranked rep's lead or lag against expected-to-date (`services.kpi`).
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy.orm import Session

from domain import team_rules as rules
from domain.metrics import Period, period_containing
from storage import visit_weeks
from storage.question_stats import ResponseStats

CADENCE_TIERS = ("key",)
TOPICS_SHOWN = 12


@dataclass(frozen=True)
class WeekVisits:
    monday: date
    visits: int
    past_cadence: int  # key customers past their cadence at the week's end (this week: today)


@dataclass(frozen=True)
class QuarterVisits:
    quarter: Period
    weeks: tuple[WeekVisits, ...]  # from the week holding the quarter's first day to this week


@dataclass(frozen=True)
class TopicLoad:
    name: str | None  # None: questions asked without a topic
    asked: int
    sla_met: int
    sla_counted: int  # met or missed; those still within their SLA are not counted yet

    @property
    def sla_rate(self) -> float | None:
        return self.sla_met / self.sla_counted if self.sla_counted else None


def quarter_visits(session: Session, team_id: int, today: date) -> QuarterVisits:
    quarter = period_containing(today, "quarter")
    first_monday = quarter.start - timedelta(days=quarter.start.weekday())
    this_monday = today - timedelta(days=today.weekday())
    per_day = visit_weeks.visits_by_day(session, team_id, first_monday, today)
    customers = visit_weeks.customer_visit_days(session, team_id, CADENCE_TIERS, first_monday, today)
    weeks = []
    monday = first_monday
    while monday <= this_monday:
        end = min(monday + timedelta(days=6), today)
        visits = sum(n for day, n in per_day.items() if monday <= day <= end)
        weeks.append(WeekVisits(monday, visits, _past_cadence(customers, end)))
        monday += timedelta(days=7)
    return QuarterVisits(quarter, tuple(weeks))


def _past_cadence(customers: list[visit_weeks.CustomerVisits], day: date) -> int:
    count = 0
    for customer in customers:
        seen = bisect_right(customer.visit_days, day)
        last = customer.visit_days[seen - 1] if seen else None
        if rules.days_past_cadence(customer.tier, customer.cadence_days, last, day) > 0:
            count += 1
    return count


def topic_load(stats: ResponseStats, limit: int = TOPICS_SHOWN) -> tuple[TopicLoad, ...]:
    """The busiest topics first (at most `limit`), with their SLA hit counts."""
    met: dict[int | None, int] = {}
    counted: dict[int | None, int] = {}
    for level in stats.levels:
        met[level.topic_id] = met.get(level.topic_id, 0) + level.sla_met
        counted[level.topic_id] = counted.get(level.topic_id, 0) + level.sla_counted
    topics = sorted((t for t in stats.topics if t.asked), key=lambda t: (-t.asked, t.name or "", t.topic_id or 0))
    return tuple(
        TopicLoad(t.name, t.asked, met.get(t.topic_id, 0), counted.get(t.topic_id, 0)) for t in topics[:limit]
    )
