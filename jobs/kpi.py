"""`kpi_nudges`: the weekly DM to each rep behind pace (default Monday 09:30 team time)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from domain.metrics import METRICS
from domain.team_rules import merged_schedule
from jobs.registry import JobSpec, TeamSchedule, register
from rendering.blocks import context, message, sections
from rendering.i18n import Texts, negotiate_locale
from services.kpi_nudges import JOB, PlannedNudge, plan_nudges
from storage import outbox
from storage.models import Team


def run_kpi_nudges(session: Session, team_id: int, now: datetime) -> int:
    """Queue this week's nudges for one team; returns how many were queued."""
    queued = 0
    team = session.get(Team, team_id)
    if team is None:
        return 0
    for planned in plan_nudges(session, team_id, now):
        texts = Texts(negotiate_locale(planned.locale, team.language), planned.tz or team.timezone)
        payload = nudge_message(texts, planned)
        if outbox.enqueue(session, job=JOB, recipient=planned.slack_id, period=planned.outbox_period, payload=payload, now=now, team_id=team_id):
            queued += 1
    return queued


def nudge_message(texts: Texts, planned: PlannedNudge) -> dict[str, Any]:
    nudge = planned.nudge
    body = texts.render("kpi/nudge", nudge=nudge, metric=METRICS[nudge.pace.metric_key], period=planned.period)
    footer = texts.macro("kpi/messages", "nudge_footer")
    return message(body, [*sections(body), context(footer)])


def kpi_nudges_trigger(team: TeamSchedule) -> dict[str, Any]:
    settings = merged_schedule(team.schedule)["kpi_nudges"]
    hour, minute = str(settings.get("time", "09:30")).split(":")
    return {
        "trigger": "cron",
        "day_of_week": str(settings.get("day", "mon")),
        "hour": int(hour),
        "minute": int(minute),
        "timezone": team.timezone,
    }


register(
    JobSpec(
        name=JOB,
        run=run_kpi_nudges,
        trigger=kpi_nudges_trigger,
    )
)
