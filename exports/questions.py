"""`bot.py export questions`: one row per question (SPEC §7 columns).

As in the other exports, people are given by Slack id and times (`asked_at`,
`claimed_at`, `answered_at`) in ISO 8601 with the team's UTC offset; `topic` is the topic key. `--since` keeps
questions asked on or after that date in the team's time zone. Text is exported whole.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from exports import Exporter, TeamZones, register
from storage import questions as store
from storage.models import Team

COLUMNS = ("asked_at", "asker", "topic", "level", "assignee", "status", "claimed_at", "answered_at", "question", "answer")
# The earliest midnight on Earth, so no team's "since" day is cut short by the first query.
_EARLIEST_ZONE = ZoneInfo("Pacific/Kiritimati")


def rows(session: Session, since: date | None) -> Iterable[Sequence[Any]]:
    zones: dict[int, ZoneInfo] = {}
    local = TeamZones(session).local
    earliest = datetime.combine(since, time(0), tzinfo=_EARLIEST_ZONE) if since else None
    for question in store.export_rows(session, earliest):
        if since:
            tz = zones.get(question.team_id)
            if tz is None:
                tz = zones[question.team_id] = ZoneInfo(session.get_one(Team, question.team_id).timezone)
            if question.asked_at.astimezone(tz).date() < since:
                continue
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
        )


register("questions", Exporter(columns=COLUMNS, rows=rows))
