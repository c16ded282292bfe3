"""Who gets a question, and by when (SPEC §4.3): the database side of domain.routing.

The topic's responders at the level, minus anyone away (their handover cover, else their
A/B backup, stands in); among them, whoever is at work now (working hours in their own
time zone, on the team's working days) and was assigned a question of this topic at this
level least recently, ties to the fewest open questions of this topic at this level
(domain.routing.choose_responder). Nobody at that level or above: the team's manager.
SLAs and lead times count the team's working hours and days.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from domain.routing import MAX_LEVEL, Candidate, choose_responder, sla_minutes_for
from domain.workdays import WorkCalendar
from services import coverage
from storage import questions as store
from storage.calendars import team_calendar
from storage.models import Member, Team, Topic

WORKDAY_START = time(9)
WORKDAY_END = time(18)


@dataclass(frozen=True)
class Pick:
    member_id: int
    level: int
    via_backup_of: int | None  # the away responder this one stands in for
    to_manager: bool = False


def _stand_in(session: Session, member: Member, away: set[int], covers: dict[int, int]) -> int | None:
    """Who acts for an away member: their handover cover, else their A/B backup."""
    for candidate in (covers.get(member.id), member.backup_id):
        if candidate is None:
            continue
        stand_in = session.get(Member, candidate)
        if stand_in is not None and stand_in.active:
            return stand_in.id
    return None


def stand_in_for(session: Session, member: Member, now: datetime) -> int | None:
    """Who takes `member`'s questions now, if they are away; None when they are at work."""
    away = coverage.away_member_ids(session, member.team_id, now)
    if member.id not in away:
        return None
    return _stand_in(session, member, away, coverage.acting_owners(session, member.team_id, now))


def at_work(team: Team, member: Member | None, now: datetime) -> bool:
    """Within working hours in the member's time zone (the team's when unknown), on one of
    the team's working days."""
    if member is None:
        return False
    try:
        zone = ZoneInfo(member.tz or team.timezone)
    except (KeyError, ValueError):
        zone = ZoneInfo(team.timezone)
    local = now.astimezone(zone)
    return calendar_of(team).is_workday(local.date()) and WORKDAY_START <= local.time() < WORKDAY_END


def pick_responder(session: Session, team: Team, topic: Topic, level: int, now: datetime, *, exclude_ids: Collection[int] = ()) -> Pick | None:
    away = coverage.away_member_ids(session, team.id, now)
    covers = coverage.acting_owners(session, team.id, now)
    candidates = []
    for current in range(level, MAX_LEVEL + 1):
        listed = [r for r in topic.responders if r.level == current and r.member.active]
        people: dict[int, Member | None] = {r.member.id: r.member for r in listed}
        stand_ins = {}
        for responder in listed:
            member = responder.member
            stand_ins[member.id] = _stand_in(session, member, away, covers) if member.id in away else member.backup_id
            backup = stand_ins[member.id]
            if backup is not None and backup not in people:
                people[backup] = session.get(Member, backup)
        # Turns and load of this topic at this level only.
        load = store.open_counts_at(session, topic.id, current)
        last = store.last_assigned_at(session, topic.id, current, list(people))
        for responder in listed:
            member = responder.member
            backup = stand_ins[member.id]
            candidates.append(
                Candidate(
                    member_id=member.id,
                    level=current,
                    away=member.id in away,
                    backup_id=backup,
                    backup_away=backup is not None and backup in away,
                    open_count=load.get(member.id, 0),
                    backup_open_count=load.get(backup, 0) if backup else 0,
                    position=responder.position,
                    at_work=at_work(team, member, now),
                    last_assigned=last.get(member.id),
                    backup_at_work=at_work(team, people.get(backup), now) if backup else False,
                    backup_last_assigned=last.get(backup) if backup else None,
                )
            )
        if any(c.level == current for c in candidates) and choose_responder(candidates, current, current, exclude_ids=exclude_ids):
            break  # someone is available here: higher levels are not needed
    choice = choose_responder(candidates, level, exclude_ids=exclude_ids)
    if choice is None:
        return None
    return Pick(choice.member_id, choice.level, choice.via_backup_of)


def pick_manager(session: Session, team: Team, level: int, now: datetime, *, exclude_ids: Collection[int] = ()) -> Pick | None:
    """The team's manager (their cover when away): where a question goes past level 3."""
    away = coverage.away_member_ids(session, team.id, now)
    covers = coverage.acting_owners(session, team.id, now)
    managers = [m for m in store.team_managers(session, team.id) if m.id not in exclude_ids]
    for manager in managers:
        if manager.id not in away:
            return Pick(manager.id, level, None, to_manager=True)
    for manager in managers:
        stand_in = _stand_in(session, manager, away, covers)
        if stand_in is not None and stand_in not in exclude_ids:
            return Pick(stand_in, level, manager.id, to_manager=True)
    return None


def route(session: Session, team: Team, topic: Topic, level: int, now: datetime, *, exclude_ids: Collection[int] = ()) -> Pick | None:
    return pick_responder(session, team, topic, level, now, exclude_ids=exclude_ids) or pick_manager(
        session, team, level, now, exclude_ids=exclude_ids
    )


def calendar_of(team: Team) -> WorkCalendar:
    return team_calendar(team)


def sla_due(team: Team, topic: Topic | None, level: int, start: datetime) -> datetime:
    """When the level's SLA runs out, counting the team's working hours only."""
    minutes = sla_minutes_for(level, topic.sla_minutes if topic else None)
    return calendar_of(team).add_working_minutes(start, minutes, ZoneInfo(team.timezone), WORKDAY_START, WORKDAY_END)


def sla_minutes(topic: Topic | None, level: int) -> int:
    return sla_minutes_for(level, topic.sla_minutes if topic else None)


def lead_until(team: Team, lead_time_days: int | None, now: datetime) -> date | None:
    """The first day a promise to the customer can honestly name, in working days."""
    if not lead_time_days:
        return None
    today = now.astimezone(ZoneInfo(team.timezone)).date()
    return calendar_of(team).add_workdays(today, lead_time_days)


def working_minutes(team: Team, start: datetime, end: datetime) -> int:
    return calendar_of(team).working_minutes_between(start, end, ZoneInfo(team.timezone), WORKDAY_START, WORKDAY_END)
