"""The weekly KPI nudge (SPEC §4.4): who gets one, about what, and what to do next.

One DM per rep per ISO week at most, only to reps who are not away, only when it says
something true: the metric most behind its pace and a next step from the rep's own data.
A rep ahead on everything gets a short well-done, at most once a month.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from domain import team_rules
from domain.kpi_input import iso_week_key, local_today, month_key, week_bounds
from domain.metrics import Period
from domain.pace import Nudge, NudgeFacts, choose_nudge
from services import coverage
from services.kpi import RepPace, team_pace
from storage import kpi as queries
from storage.models import Team

JOB = "kpi_nudges"


@dataclass(frozen=True)
class PlannedNudge:
    member_id: int
    slack_id: str
    locale: str | None  # the rep's Slack locale, if known
    tz: str | None
    nudge: Nudge
    period: Period  # the period of the metric the nudge is about
    outbox_period: str  # `2026-W50` for a nudge, `2026-12` for a well-done


def nudge_facts(session: Session, team: Team, today: date) -> dict[int, NudgeFacts]:
    """What each rep's own data suggests, for the whole team in three queries."""
    _, sunday = week_bounds(today)
    since = local_today(team.created_at, team.timezone) if team.created_at else None
    overdue_customers: dict[int, list[tuple[int, str]]] = {}
    for row in queries.key_customers_last_visit(session, team.id):
        days = team_rules.days_past_cadence(row.tier, row.cadence_days, row.last_visit, today, since)
        if days > 0:
            overdue_customers.setdefault(row.owner_id, []).append((days, row.name))
    followups = queries.followup_counts(session, team.id, today, sunday)
    last_visits = queries.last_visit_dates(session, team.id)
    facts: dict[int, NudgeFacts] = {}
    for member_id in set(overdue_customers) | set(followups) | set(last_visits):
        names = tuple(name for _, name in sorted(overdue_customers.get(member_id, []), key=lambda x: (-x[0], x[1])))
        overdue, this_week = followups.get(member_id, (0, 0))
        last = last_visits.get(member_id)
        facts[member_id] = NudgeFacts(names, overdue, this_week, (today - last).days if last else None)
    return facts


def plan_nudges(session: Session, team_id: int, now: datetime) -> list[PlannedNudge]:
    """The nudges to queue for a team at `now`; empty when everyone has had theirs."""
    team = session.get(Team, team_id)
    if team is None:
        return []
    today = local_today(now, team.timezone)
    pace = team_pace(session, team_id, today)
    if not pace.periods:
        return []
    week, month = iso_week_key(today), month_key(today)
    monday, sunday = week_bounds(today)
    zone = ZoneInfo(team.timezone)
    nudged_this_week: set[str] = set()
    welldone_this_month: set[str] = set()
    for recipient, period, queued_at in queries.sent_nudges(session, team_id, JOB, [week, month]):
        if period == month:
            welldone_this_month.add(recipient)
        # A well-done sent this week also counts: one DM a week, whatever it says.
        if period == week or monday <= queued_at.astimezone(zone).date() <= sunday:
            nudged_this_week.add(recipient)
    away = coverage.away_member_ids(session, team_id, now)
    facts = nudge_facts(session, team, today)
    profiles = {m.id: (m.locale, m.tz) for m in queries.reps(session, team_id)}
    planned: list[PlannedNudge] = []
    for rep in pace.reps:
        nudge = choose_nudge(
            rep.paces,
            facts.get(rep.member_id, NudgeFacts()),
            on_leave=rep.member_id in away,
            already_nudged_this_week=rep.slack_id in nudged_this_week,
            welldone_sent_this_month=rep.slack_id in welldone_this_month,
        )
        if nudge is None:
            continue
        locale, tz = profiles.get(rep.member_id, (None, None))
        key = week if nudge.kind == "behind" else month
        planned.append(PlannedNudge(rep.member_id, rep.slack_id, locale, tz, nudge, _period_of(rep, nudge), key))
    return planned


def _period_of(rep: RepPace, nudge: Nudge) -> Period:
    for period_pace in rep.periods:
        if any(p is nudge.pace for p in period_pace.paces):
            return period_pace.period
    return rep.periods[0].period
