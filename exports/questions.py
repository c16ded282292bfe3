"""`bot.py export questions`: one row per question (SPEC §7 columns first, then metrics).

As in the other exports, people are given by Slack id and times (`asked_at`,
`claimed_at`, `answered_at`) in ISO 8601 UTC; `topic` is the topic key. `--since` /
`--until` keep questions asked within those days in the team's time zone. Text is exported whole.

After the SPEC's columns: `routed_level` (the level it was first routed to),
`first_response_minutes` and `answer_minutes` (working minutes from asked, on the team's
calendar, 09:00–18:00), `sla_minutes` (that level's SLA), `sla_met` (yes / no, empty while
still within it), `escalations`, and `knowledge_entry` (`K12` when it became an entry).
The same figures as `/digest manager` (storage.question_stats).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from core import clock
from domain.workdays import WorkCalendar
from exports import Exporter, Selection, TeamZones, register
from storage import questions as store
from storage.calendars import team_calendar
from storage.models import Team
from storage.question_stats import timing

COLUMNS = (
    "asked_at", "asker", "topic", "level", "assignee", "status", "claimed_at", "answered_at", "question", "answer",
    "routed_level", "first_response_minutes", "answer_minutes", "sla_minutes", "sla_met", "escalations", "knowledge_entry",
)
# The earliest midnight on Earth, so no team's "since" day is cut short by the first query.
_EARLIEST_ZONE = ZoneInfo("Pacific/Kiritimati")


def rows(session: Session, selection: Selection) -> Iterable[Sequence[Any]]:
    since = selection.since
    zones: dict[int, ZoneInfo] = {}
    calendars: dict[int, WorkCalendar] = {}
    local = TeamZones(session).local
    earliest = datetime.combine(since, time(0), tzinfo=_EARLIEST_ZONE) if since else None
    questions = store.export_rows(session, earliest)
    levels = store.first_routed_levels(session, [q.id for q in questions])
    entries = store.entry_ids_of(session, [q.id for q in questions])
    now = clock.now()
    for question in questions:
        tz = zones.get(question.team_id)
        if tz is None:
            team = session.get_one(Team, question.team_id)
            tz = zones[question.team_id] = ZoneInfo(team.timezone)
            calendars[question.team_id] = team_calendar(team, session)
        if selection.team_id is not None and question.team_id != selection.team_id:
            continue
        if not selection.holds(question.asked_at.astimezone(tz).date()):
            continue
        calendar = calendars[question.team_id]

        def minutes(a: datetime, b: datetime, calendar: WorkCalendar = calendar, tz: ZoneInfo = tz) -> int:
            return calendar.working_minutes_between(a, b, tz)

        t = timing(question, levels.get(question.id, question.level), question.topic.sla_minutes if question.topic else None, minutes, now)
        entry = entries.get(question.id)
        yield (
            local(question.team_id, question.asked_at),
            question.asker.slack_id if question.asker else None,
            question.topic.key if question.topic else None,
            question.level,
            question.assignee.slack_id if question.assignee else None,
            question.status,
            local(question.team_id, question.claimed_at),
            local(question.team_id, question.answered_at),
            question.text,
            question.answer,
            t.routed_level,
            t.first_response,
            t.answered,
            t.sla_minutes,
            None if t.sla_met is None else ("yes" if t.sla_met else "no"),
            question.escalations,
            f"K{entry}" if entry else None,
        )


register("questions", Exporter(columns=COLUMNS, rows=rows))
