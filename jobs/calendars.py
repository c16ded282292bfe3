"""`calendar_check`: each morning, look 60 days ahead on the team's calendar; when they
include a year whose official make-up working days (调休) no source has and the team has
not entered its own, DM each manager once (services.calendars). The outbox key
(job, manager, `<year>`) makes it once per manager and year, whichever day first sees it;
`/amteam show` and the manager digest keep saying it until the days are known.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from domain.team_rules import merged_schedule
from jobs.registry import JobSpec, TeamSchedule, register
from rendering import digest_blocks
from rendering.i18n import Texts, negotiate_locale
from services import calendars, followups
from storage import outbox
from storage.models import Team

JOB = "calendar_check"


def trigger(team: TeamSchedule) -> dict[str, Any]:
    hour, minute = str(merged_schedule(team.schedule)["followup_reminders"]["time"]).split(":")
    return {"trigger": "cron", "hour": int(hour), "minute": int(minute), "timezone": team.timezone}


def run(session: Session, team_id: int, now: datetime) -> int:
    team = session.get(Team, team_id)
    if team is None:
        return 0
    years = calendars.years_to_confirm(session, team, followups.local_date(team, now))
    queued = 0
    for manager in (m for m in team.members if m.active and m.has_role("manager")):
        texts = Texts(negotiate_locale(manager.locale, team.language), manager.tz or team.timezone)
        for year in years:
            payload = digest_blocks.calendar_warning_message(texts, [year])
            if outbox.enqueue(session, job=JOB, recipient=manager.slack_id, period=str(year), payload=payload, now=now, team_id=team.id):
                queued += 1
    return queued


register(JobSpec(name=JOB, run=run, trigger=trigger))
