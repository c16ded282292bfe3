"""A team's working-day calendar: its own holidays and make-up days, what each day is and
why, and the warning when the days ahead need make-up days nobody has published yet."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy.orm import Session

from domain.refusal import Refusal
from domain.workdays import DayInfo, WorkCalendar
from storage import calendars as store
from storage.models import Team

LOOK_AHEAD_DAYS = 60  # the days a missing make-up-day list would already get wrong
MAX_RANGE_DAYS = 45  # longer than any public holiday: a typo, not a break
KINDS = ("holiday", "workday")


@dataclass(frozen=True)
class CalendarChange:
    kind: str  # holiday, workday, removed
    start: date
    end: date
    name: str | None
    changed: int  # days that now read differently
    unchanged: int  # days that already read so


def team_calendar(session: Session, team: Team) -> WorkCalendar:
    return store.team_calendar(team, session)


def set_days(session: Session, team: Team, kind: str, start: date, end: date, name: str | None, *, by_member_id: int | None, now: datetime) -> CalendarChange:
    """`/amteam calendar add holiday|workday <day or range> [name]`."""
    if kind not in KINDS:
        raise Refusal("amteam.calendar_usage", usage=True)
    if (end - start).days + 1 > MAX_RANGE_DAYS:
        raise Refusal("amteam.calendar_range_too_long", usage=True, start=start, end=end, limit=MAX_RANGE_DAYS)
    days = [start + timedelta(days=i) for i in range((end - start).days + 1)]
    changed, unchanged = store.set_days(session, team.id, days, kind, name, source="command", by_id=by_member_id, now=now)
    return CalendarChange(kind, start, end, name, len(changed), len(unchanged))


def remove_days(session: Session, team: Team, start: date, end: date, now: datetime) -> CalendarChange:
    """`/amteam calendar remove <day or range>`: the country's calendar answers again."""
    removed = store.remove_days(session, team.id, start, end, now)
    if not removed:
        raise Refusal("amteam.calendar_nothing_to_remove", start=start, end=end)
    return CalendarChange("removed", start, end, None, len(removed), 0)


def days_of(session: Session, team: Team, start: date, end: date, language: str) -> list[DayInfo]:
    """Each day from `start` to `end` as working or not, with where the answer came from."""
    return list(team_calendar(session, team).days(start, end, language))


def years_to_confirm(session: Session, team: Team, today: date) -> list[int]:
    """Years within the next LOOK_AHEAD_DAYS whose make-up working days no source has and
    the team has not entered: lead times, SLAs and reminders would guess Monday–Friday there."""
    calendar = team_calendar(session, team)
    return calendar.years_without_makeup_days(today, today + timedelta(days=LOOK_AHEAD_DAYS))


def upcoming_own_days(session: Session, team: Team, today: date) -> list[CalendarChange]:
    """The team's own days from today on, runs of the same kind and name kept together."""
    runs: list[CalendarChange] = []
    for override in store.active_overrides(session, team.id, today):
        last = runs[-1] if runs else None
        if last and last.kind == override.kind and last.name == override.name and (override.day - last.end).days == 1:
            runs[-1] = CalendarChange(last.kind, last.start, override.day, last.name, last.changed + 1, 0)
        else:
            runs.append(CalendarChange(override.kind, override.day, override.day, override.name, 1, 0))
    return runs
