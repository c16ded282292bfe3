"""Team administration (`/amteam`): setup, members, pairs, customers, topics.

Each function validates everything before writing, so a refusal writes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from domain import team_rules as rules
from domain.refusal import Refusal
from domain.text_hygiene import SHORT_MAX, clean_short
from domain.workdays import known_country
from services import channel_health
from storage import topics as topic_store
from storage.models import Customer, Member, Team, Topic


@dataclass
class TeamSnapshot:
    team: Team
    managers: list[Member] = field(default_factory=list)
    reps: list[Member] = field(default_factory=list)
    support: list[Member] = field(default_factory=list)
    customers_by_tier: dict[str, int] = field(default_factory=dict)
    topics: list[Topic] = field(default_factory=list)
    unpaired: list[Member] = field(default_factory=list)
    channel_problem: str | None = None  # Slack's error for the team channel, until a post gets through


def team_count(session: Session) -> int:
    return session.scalar(select(func.count(Team.id))) or 0


def managed_team(session: Session, slack_id: str) -> Team | None:
    member = session.scalars(
        select(Member).where(Member.slack_id == slack_id, Member.active.is_(True)).order_by(Member.id)
    ).all()
    return next((m.team for m in member if m.has_role("manager")), None)


def team_by_id(session: Session, team_id: int) -> Team:
    team = session.get(Team, team_id)
    if team is None:
        raise Refusal("amteam.no_team", usage=True)
    return team


# --- setup ---------------------------------------------------------------------------


def setup_team(session: Session, team: Team | None, changes: dict[str, Any], *, founder: tuple[str, str] | None, now: datetime) -> Team:
    """Create the team (the founder becomes its manager) or change its settings."""
    validated = validate_setup(changes)
    if team is None:
        name = validated.pop("name", None) or "ambot team"
        if session.scalar(select(Team).where(Team.name == name)):
            raise Refusal("amteam.team_exists", usage=True, name=name)
        team = Team(name=name, created_at=now, schedule={})
        session.add(team)
        session.flush()
        if founder:
            session.add(Member(team_id=team.id, slack_id=founder[0], name=founder[1], roles=["manager"]))
    for key, value in validated.items():
        setattr(team, key, value)
    session.flush()
    return team


def validate_setup(changes: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in changes.items():
        if key == "name":
            name = clean_short(str(value), "team_name")
            if not name:
                raise Refusal("amteam.bad_value", usage=True, field="name", value=value)
            out["name"] = name
        elif key == "channel":
            out["channel"] = value
        elif key == "timezone":
            if not rules.valid_timezone(value):
                raise Refusal("amteam.bad_timezone", usage=True, value=value)
            out["timezone"] = value
        elif key == "language":
            if value not in rules.LANGUAGES:
                raise Refusal("amteam.bad_language", usage=True, value=value)
            out["language"] = value
        elif key == "calendar":
            calendar = "none" if str(value).lower() == "none" else str(value).upper()
            if not known_country(calendar):
                raise Refusal("amteam.bad_calendar", usage=True, value=value)
            out["calendar"] = calendar
        elif key == "meeting":
            day, time = value
            day = str(day).lower()[:3]
            if day not in rules.WEEKDAYS or not rules.valid_hhmm(time):
                raise Refusal("amteam.bad_meeting", usage=True, value=f"{value[0]} {value[1]}")
            out["meeting_day"], out["meeting_time"] = day, rules.normalise_hhmm(time)
        else:
            raise Refusal("amteam.unknown_setting", usage=True, value=key)
    return out


# --- members -------------------------------------------------------------------------


def member_by_slack_id(session: Session, team: Team, slack_id: str, *, active_only: bool = True) -> Member | None:
    query = select(Member).where(Member.team_id == team.id, Member.slack_id == slack_id)
    if active_only:
        query = query.where(Member.active.is_(True))
    return session.scalar(query)


def require_member(session: Session, team: Team, slack_id: str) -> Member:
    member = member_by_slack_id(session, team, slack_id)
    if member is None:
        raise Refusal("amteam.not_a_member", usage=True, user=slack_id)
    return member


# --- topics --------------------------------------------------------------------------


def topic_by_key(session: Session, team: Team, key: str) -> Topic | None:
    return session.scalar(select(Topic).where(Topic.team_id == team.id, Topic.key == key.lstrip("#").lower()))


def require_topic(session: Session, team: Team, key: str) -> Topic:
    topic = topic_by_key(session, team, key)
    if topic is None:
        raise Refusal("amteam.unknown_topic", usage=True, key=key)
    return topic


def add_topic(session: Session, team: Team, key: str, *, name: str | None, keywords: list[str], lead_days: str | None, lead_note: str | None) -> Topic:
    key = key.lstrip("#").lower()
    if not key or not key.replace("-", "").replace("_", "").isalnum():
        raise Refusal("amteam.bad_topic_key", usage=True, value=key)
    if lead_days is not None and not lead_days.isdigit():
        raise Refusal("amteam.bad_lead_days", usage=True, value=lead_days)
    name = clean_short(name, "topic_name") if name else None
    keywords = [k for k in (clean_short(word, "keyword", SHORT_MAX) for word in keywords) if k]
    lead_note = clean_short(lead_note, "lead_time", 500) if lead_note else None
    topic = topic_by_key(session, team, key)
    if topic is None:
        topic = Topic(team_id=team.id, key=key, name=name or key, keywords=[], sla_minutes={})
        session.add(topic)
    if name:
        topic.name = name
    if keywords:
        topic.keywords = list(dict.fromkeys([*(topic.keywords or []), *keywords]))
    if lead_days is not None:
        topic.lead_time_days = int(lead_days)
    if lead_note:
        topic.lead_time = lead_note
    session.flush()
    return topic


def set_responders(session: Session, team: Team, key: str, level: str, slack_ids: list[str]) -> Topic:
    topic = require_topic(session, team, key)
    if not level.isdigit() or int(level) not in rules.SUPPORT_LEVELS:
        raise Refusal("amteam.bad_support_level", usage=True, value=level)
    members = [require_member(session, team, s) for s in slack_ids]
    if not members:
        raise Refusal("amteam.missing_people", usage=True)
    topic_store.set_responders(session, topic, {int(level): [m.id for m in members]})
    return topic


def set_sla(session: Session, team: Team, key: str, level: str, minutes: str) -> Topic:
    topic = require_topic(session, team, key)
    if not level.isdigit() or int(level) not in rules.SUPPORT_LEVELS:
        raise Refusal("amteam.bad_support_level", usage=True, value=level)
    if not minutes.isdigit() or int(minutes) <= 0:
        raise Refusal("amteam.bad_minutes", usage=True, value=minutes)
    topic.sla_minutes = dict(topic.sla_minutes or {}, **{level: int(minutes)})
    session.flush()
    return topic


# --- show ----------------------------------------------------------------------------


def snapshot(session: Session, team: Team) -> TeamSnapshot:
    members = [m for m in team.members if m.active]
    counts = dict(
        session.execute(
            select(Customer.tier, func.count(Customer.id))
            .where(Customer.team_id == team.id, Customer.active.is_(True))
            .group_by(Customer.tier)
        ).all()
    )
    topics = session.scalars(select(Topic).where(Topic.team_id == team.id).order_by(Topic.key)).all()
    return TeamSnapshot(
        team=team,
        managers=[m for m in members if m.has_role("manager")],
        reps=[m for m in members if m.has_role("rep")],
        support=[m for m in members if m.has_role("support")],
        customers_by_tier={tier: counts.get(tier, 0) for tier in rules.TIERS},
        topics=list(topics),
        unpaired=[m for m in members if m.has_role("rep") and m.backup_id is None],
        channel_problem=channel_health.current_problem(team),
    )
