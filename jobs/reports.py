"""`weekly_summary` and `manager_digest` (SPEC §4.5, §4.6).

The summary goes to the team channel before the weekly meeting (meeting day and time
less `schedule.weekly_summary.before_meeting_minutes`, team time zone) in the team's
language; when the meeting day is a day off on the team calendar a short note goes
instead. The digest goes to each manager (`schedule.manager_digest`, default Monday
08:30) in their own language and time zone. Outbox keys: (job, channel or manager,
ISO week), so a second run in the same week — by hand, by a second scheduler, after a
restart — queues nothing. A table too long for one message follows as thread replies,
each its own outbox row keyed `<week>#<n>` and posted under the first message. Each report's
chart (rendering/charts.py) follows the same way, keyed `<week>#chart`: drawn once per run
and language, uploaded into the report's thread, and left out when there is nothing to draw.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import partial
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from domain.kpi_input import iso_week_key
from domain.team_rules import merged_schedule
from jobs.registry import JobSpec, TeamSchedule, register
from rendering import charts, digest_blocks
from rendering.digest_blocks import Rendered
from rendering.i18n import Texts, negotiate_locale
from services import manager_digest as digest_service
from services import weekly_summary as summary_service
from storage import kpi as kpi_queries
from storage import outbox
from storage.calendars import team_calendar
from storage.models import Member, Team

SUMMARY = summary_service.JOB
DIGEST = digest_service.JOB
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


# --- when ------------------------------------------------------------------------------


def minutes_before_meeting(schedule: dict | None) -> int:
    return int(merged_schedule(schedule)[SUMMARY].get("before_meeting_minutes", 30))


def summary_fire_time(meeting_day: str, meeting_time: str, before_minutes: int) -> tuple[str, int, int]:
    """(weekday, hour, minute) `before_minutes` ahead of the meeting, wrapping across
    midnight and the week: a Monday 00:15 meeting is summarised on Sunday at 23:45."""
    hour, minute = (int(p) for p in meeting_time.split(":"))
    day = WEEKDAYS.index(meeting_day) if meeting_day in WEEKDAYS else 4
    at = (day * 24 * 60 + hour * 60 + minute - before_minutes) % (7 * 24 * 60)
    return WEEKDAYS[at // (24 * 60)], at % (24 * 60) // 60, at % 60


def weekly_summary_trigger(team: TeamSchedule) -> dict[str, Any]:
    day, hour, minute = summary_fire_time(team.meeting_day, team.meeting_time, minutes_before_meeting(team.schedule))
    return {"trigger": "cron", "day_of_week": day, "hour": hour, "minute": minute, "timezone": team.timezone}


def manager_digest_trigger(team: TeamSchedule) -> dict[str, Any]:
    settings = merged_schedule(team.schedule)[DIGEST]
    hour, minute = str(settings.get("time", "08:30")).split(":")
    return {
        "trigger": "cron",
        "day_of_week": str(settings.get("day", "mon")),
        "hour": int(hour),
        "minute": int(minute),
        "timezone": team.timezone,
    }


# --- what -------------------------------------------------------------------------------


def run_weekly_summary(session: Session, team_id: int, now: datetime) -> int:
    """Queue this week's summary (or the holiday note) for the team channel."""
    team = session.get(Team, team_id)
    if team is None or not team.channel:
        return 0
    meeting = (now + timedelta(minutes=minutes_before_meeting(team.schedule))).astimezone(ZoneInfo(team.timezone))
    week = iso_week_key(meeting.date())
    if outbox.already_queued(session, SUMMARY, team.channel, week):
        return 0
    texts = Texts(negotiate_locale(None, team.language), team.timezone)
    calendar = team_calendar(team)
    if not calendar.is_workday(meeting.date()):
        note = digest_blocks.skipped_message(texts, meeting.date(), team.meeting_time)
        return _enqueue(session, SUMMARY, team.channel, week, Rendered(note), now, team_id)
    summary = summary_service.weekly_summary(session, team_id, now)
    rendered = digest_blocks.weekly_message(texts, summary)
    chart = charts.visits_chart(texts, summary.quarter)
    return _enqueue(session, SUMMARY, team.channel, week, rendered, now, team_id, chart)


def run_manager_digest(session: Session, team_id: int, now: datetime) -> int:
    """Queue this week's digest for each manager who has not had it."""
    team = session.get(Team, team_id)
    if team is None:
        return 0
    week = iso_week_key(now.astimezone(ZoneInfo(team.timezone)).date())
    queued_for = {recipient for recipient, _, _ in kpi_queries.sent_nudges(session, team_id, DIGEST, [week])}
    digest = None
    drawn = charts.ChartCache()  # one chart per language, however many managers
    days = digest_service.RESPONSE_WINDOW.days
    queued = 0
    for manager in _managers(team):
        if manager.slack_id in queued_for:
            continue
        digest = digest or digest_service.manager_digest(session, team_id, now)
        texts = Texts(negotiate_locale(manager.locale, team.language), manager.tz or team.timezone)
        topics = digest.topic_load
        chart = drawn.get("topics", texts, (topics, days), partial(charts.topics_chart, topics=topics, days=days))
        queued += _enqueue(session, DIGEST, manager.slack_id, week, digest_blocks.manager_message(texts, digest), now, team_id, chart)
    return queued


def _managers(team: Team) -> list[Member]:
    return [m for m in team.members if m.active and m.has_role("manager")]


def _enqueue(
    session: Session, job: str, recipient: str, week: str, rendered: Rendered, now: datetime, team_id: int,
    chart: charts.Chart | None = None,
) -> int:
    """The message, then each thread reply pointing at it, then the chart in the same
    thread; 1 if the message was new."""
    if not outbox.enqueue(session, job=job, recipient=recipient, period=week, payload=rendered.message, now=now, team_id=team_id):
        return 0
    parent = {"job": job, "recipient": recipient, "period": week}
    for number, reply in enumerate(rendered.thread, 2):
        payload = dict(reply, thread_parent=parent)
        outbox.enqueue(session, job=job, recipient=recipient, period=f"{week}#{number}", payload=payload, now=now, team_id=team_id)
    if chart is not None:
        upload = {"file": chart.upload(), "thread_parent": parent}
        outbox.enqueue(session, job=job, recipient=recipient, period=f"{week}#chart", payload=upload, now=now, team_id=team_id)
    return 1


register(
    JobSpec(
        name=SUMMARY,
        run=run_weekly_summary,
        trigger=weekly_summary_trigger,
    )
)
register(
    JobSpec(
        name=DIGEST,
        run=run_manager_digest,
        trigger=manager_digest_trigger,
    )
)
