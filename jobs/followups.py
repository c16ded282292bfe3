"""`followup_reminders`: each working morning, one DM per person with the follow-ups due
today and those overdue (SPEC §4.1).

Runs every day at the team's reminder time (`schedule.followup_reminders.time`, team time
zone) and does nothing on a day off in the team's calendar (weekends, Chinese public
holidays; make-up workdays count as working days). Messages go through the outbox keyed
by (job, person, local date), so a second run the same day sends nothing new.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from domain.team_rules import merged_schedule
from jobs import delivery
from jobs.registry import JobSpec, TeamSchedule, register
from rendering import visit_blocks
from rendering.i18n import Texts, negotiate_locale
from services import followups
from storage.models import Team

JOB = "followup_reminders"


def trigger(team: TeamSchedule) -> dict[str, Any]:
    hour, minute = str(merged_schedule(team.schedule)[JOB]["time"]).split(":")
    return {"trigger": "cron", "hour": int(hour), "minute": int(minute), "timezone": team.timezone}


def run(session: Session, team_id: int, now: datetime) -> int:
    """Queue today's reminders for one team; returns how many were newly queued."""
    queued = 0
    team = session.get(Team, team_id)
    if team is None:
        return 0
    period = followups.local_date(team, now).isoformat()
    for reminder in followups.reminders(session, team, now):
        person = reminder.recipient
        texts = Texts(negotiate_locale(person.locale, team.language), person.tz or team.timezone)
        payload = visit_blocks.reminder_message(texts, reminder)
        if delivery.enqueue(session, job=JOB, recipient=person.slack_id, period=period, payload=payload, now=now, team_id=team.id,
                            meant_for=reminder.meant_for):
            queued += 1
    return queued


register(JobSpec(name=JOB, run=run, trigger=trigger))
