"""Members' private calendar feeds (`/visit calendar`): what a feed holds and who it is for.

A feed is opened by a random token in its address; only the token's SHA-256 is stored
(storage.calendar_feeds), so the address is shown once, to its owner, and a reset revokes
the old one. The feed holds the member's follow-ups due, the visits they planned, their
leave and the windows they cover, and the team's holidays and make-up working days; a
manager's feed also holds the team's leave (the role is read at every fetch: a member who
stops being a manager stops seeing it).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from domain.handover_rules import LIVE_STATUSES
from storage import calendar_feeds as store
from storage import handovers, visits
from storage.calendars import team_calendar
from storage.handovers import PENDING_STATUSES
from storage.models import CalendarFeed, Handover, Member, Team

PAST_DAYS = 60  # how far back a feed reaches (an overdue follow-up stays on its day)
FUTURE_DAYS = 400  # and ahead: next year's holidays are in before people plan leave
SHOWN_STATUSES = frozenset(LIVE_STATUSES | {"ended"})  # declined and cancelled leave is not on a calendar


@dataclass(frozen=True)
class Issued:
    """What `/visit calendar` shows: a new address (`token`), or the date of the one they have."""

    token: str | None
    created_at: datetime
    reset: bool = False  # an older address was revoked
    team_leave: bool = False  # a manager's feed: the team's leave too


@dataclass(frozen=True)
class FeedOwner:
    member_id: int
    team_id: int
    name: str
    slack_locale: str | None
    team_language: str
    timezone: str
    is_manager: bool
    feed_created_at: datetime


@dataclass(frozen=True)
class FeedEvent:
    uid: str  # stable across fetches, so a calendar updates an event instead of adding one
    kind: str  # followup, plan, leave, cover, team_leave, holiday, workday
    start: date | datetime  # a date: an all-day event
    end: date | datetime  # exclusive
    stamp: datetime  # when the thing it shows was last known to change
    title: str | None = None  # the customer, the holiday's name
    text: str | None = None  # a follow-up's text
    person: str | None = None  # who stands in, or who is away
    tentative: bool = False  # leave asked for, nobody standing in yet


def issue(session: Session, member_id: int, now: datetime, *, reset: bool) -> Issued:
    """The member's feed: a new one when they have none or ask for a reset (the old one
    is revoked in the same transaction); otherwise the date of the one they have."""
    member = session.get_one(Member, member_id)
    current = store.live_feed(session, member_id)
    manager = member.has_role("manager")
    if current is not None and not reset:
        return Issued(None, current.created_at, team_leave=manager)
    if current is not None:
        current.revoked_at = now
    token = secrets.token_urlsafe(32)
    session.add(CalendarFeed(team_id=member.team_id, member_id=member_id, token_hash=store.token_hash(token), created_at=now))
    session.flush()
    return Issued(token, now, reset=current is not None, team_leave=manager)


def owner(session: Session, token: str) -> FeedOwner | None:
    """Who a token's feed is for; None for a token that opens nothing (unknown, revoked,
    or its member left the team) — all alike to whoever asks."""
    found = store.owner_of(session, token)
    if found is None:
        return None
    feed, member = found
    team = session.get_one(Team, member.team_id)
    return FeedOwner(member.id, team.id, member.name, member.locale, team.language, team.timezone, member.has_role("manager"), feed.created_at)


def events(session: Session, who: FeedOwner, language: str, now: datetime) -> list[FeedEvent]:
    today = now.astimezone(ZoneInfo(who.timezone)).date()
    first, last = today - timedelta(days=PAST_DAYS), today + timedelta(days=FUTURE_DAYS)
    found = [*_followups(session, who, first), *_plans(session, who, first, last), *_leave(session, who, first, last)]
    found.extend(_calendar_days(session, who, first, last, language))
    return sorted(found, key=lambda e: (_sort_day(e.start), e.kind, e.uid))


def _followups(session: Session, who: FeedOwner, first: date) -> list[FeedEvent]:
    return [
        FeedEvent(f"followup-{f.id}", "followup", f.due, f.due + timedelta(days=1), f.created_at, f.customer.name, f.text)
        for f in visits.open_followups(session, who.team_id, owner_ids=[who.member_id])
        if f.due is not None and f.due >= first
    ]


def _plans(session: Session, who: FeedOwner, first: date, last: date) -> list[FeedEvent]:
    plans = visits.open_plans(session, who.team_id, start=first, end=last, owner_ids=[who.member_id])
    logged = visits.logged_at_of(session, [p.visit_id for p in plans])
    return [
        FeedEvent(f"plan-{p.visit_id}", "plan", p.on, p.on + timedelta(days=1), logged[p.visit_id], p.customer_name)
        for p in plans
        if p.visit_id in logged
    ]


def _leave(session: Session, who: FeedOwner, first: date, last: date) -> list[FeedEvent]:
    zone = ZoneInfo(who.timezone)
    start = datetime.combine(first, datetime.min.time(), tzinfo=zone)
    end = datetime.combine(last + timedelta(days=1), datetime.min.time(), tzinfo=zone)
    out: list[FeedEvent] = []
    for h in handovers.of_team_between(session, who.team_id, start, end, SHOWN_STATUSES):
        if h.member_id == who.member_id:
            kind, person = "leave", h.cover
        elif h.cover_id == who.member_id:
            kind, person = "cover", h.member
        elif who.is_manager:
            kind, person = "team_leave", h.member
        else:
            continue
        out.append(_leave_event(h, kind, person))
    return out


def _leave_event(h: Handover, kind: str, person: Member | None) -> FeedEvent:
    stamp = max(t for t in (h.created_at, h.decided_at, h.started_at, h.ended_at) if t is not None)
    return FeedEvent(f"{kind}-{h.id}", kind, h.starts_at, h.ends_at, stamp, person=person.name if person else None,
                     tentative=h.status in PENDING_STATUSES)  # fmt: skip


def _calendar_days(session: Session, who: FeedOwner, first: date, last: date, language: str) -> list[FeedEvent]:
    """Holidays (a run of days off with one name is one event) and make-up working days."""
    team = session.get_one(Team, who.team_id)
    out: list[FeedEvent] = []
    for info in team_calendar(team, session).days(first, last, language):
        if info.makeup:
            kind = "workday"
        elif not info.workday and info.name:
            kind = "holiday"
        else:
            continue
        previous = out[-1] if out else None
        if kind == "holiday" and previous and previous.kind == kind and previous.title == info.name and previous.end == info.day:
            out[-1] = replace(previous, end=info.day + timedelta(days=1))
            continue
        out.append(FeedEvent(f"{kind}-{info.day.isoformat()}", kind, info.day, info.day + timedelta(days=1), who.feed_created_at, info.name))
    return out


def _sort_day(moment: date | datetime) -> date:
    return moment.date() if isinstance(moment, datetime) else moment
