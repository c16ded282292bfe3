"""A team's working-day calendar (domain.workdays) with its own days from the database."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, object_session

from domain.workdays import NO_COUNTRY, CalendarDay, WorkCalendar, known_country
from storage.models import CalendarOverride, Team


def team_calendar(team: Team, session: Session | None = None) -> WorkCalendar:
    """The team's calendar: its country (or `none`) and the days it set itself."""
    session = session or object_session(team)
    kind = team.calendar if known_country(team.calendar) else NO_COUNTRY
    if session is None or team.id is None:
        return WorkCalendar(kind)
    days = tuple(CalendarDay(o.day, o.kind == "workday", o.name) for o in active_overrides(session, team.id))
    return WorkCalendar(kind, days)


def active_overrides(session: Session, team_id: int, start: date | None = None, end: date | None = None) -> list[CalendarOverride]:
    query = select(CalendarOverride).where(CalendarOverride.team_id == team_id, CalendarOverride.removed_at.is_(None))
    if start is not None:
        query = query.where(CalendarOverride.day >= start)
    if end is not None:
        query = query.where(CalendarOverride.day <= end)
    return list(session.scalars(query.order_by(CalendarOverride.day, CalendarOverride.id)))


def set_days(
    session: Session,
    team_id: int,
    days: list[date],
    kind: str,
    name: str | None,
    *,
    source: str,
    by_id: int | None,
    now: datetime,
) -> tuple[list[date], list[date]]:
    """Make each of `days` a holiday or a working day of the team: (changed, already so).

    A day that had another answer keeps its old row, marked removed (nothing is lost)."""
    current = {o.day: o for o in active_overrides(session, team_id, min(days), max(days))}
    changed: list[date] = []
    unchanged: list[date] = []
    for day in days:
        existing = current.get(day)
        if existing is not None and existing.kind == kind and (existing.name == name or name is None):
            unchanged.append(day)
            continue
        if existing is not None:
            existing.removed_at = now
        session.add(CalendarOverride(team_id=team_id, day=day, kind=kind, name=name, source=source, created_by_id=by_id, created_at=now))
        changed.append(day)
    session.flush()
    return changed, unchanged


def remove_days(session: Session, team_id: int, start: date, end: date, now: datetime) -> list[date]:
    """Withdraw the team's own answers from `start` to `end` (rows kept, marked removed)."""
    removed = []
    for override in active_overrides(session, team_id, start, end):
        override.removed_at = now
        removed.append(override.day)
    session.flush()
    return removed


def replace_config_days(session: Session, team_id: int, wanted: dict[date, tuple[str, str | None]], now: datetime) -> None:
    """Loading a team file: its days become the team's config days; days set with
    `/amteam calendar` stay unless the file names the same day."""
    current = {o.day: o for o in active_overrides(session, team_id)}
    for day, override in current.items():
        if override.source == "config" and day not in wanted:
            override.removed_at = now
    for day, (kind, name) in sorted(wanted.items()):
        existing = current.get(day)
        if existing is not None and (existing.kind, existing.name) == (kind, name):
            continue
        if existing is not None:
            existing.removed_at = now
        session.add(CalendarOverride(team_id=team_id, day=day, kind=kind, name=name, source="config", created_at=now))
    session.flush()
