"""Who is asking: membership, roles and the reader's locale and time zone."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from storage.models import Member, Team

PROFILE_TTL = timedelta(days=7)


@dataclass(frozen=True)
class Person:
    """A Slack user as ambot sees them, detached from any session."""

    slack_id: str
    member_id: int | None = None
    team_id: int | None = None
    name: str | None = None
    roles: frozenset[str] = field(default_factory=frozenset)
    team_language: str | None = None
    team_timezone: str | None = None
    slack_locale: str | None = None
    tz: str | None = None
    profile_stale: bool = True
    profile_known: bool = False  # users.info has answered for them at least once

    @property
    def is_member(self) -> bool:
        return self.member_id is not None

    @property
    def is_manager(self) -> bool:
        return "manager" in self.roles

    def has_role(self, role: str) -> bool:
        return role in self.roles

    @property
    def reader_tz(self) -> str:
        return self.tz or self.team_timezone or "UTC"


def membership(session: Session, slack_id: str) -> Member | None:
    """The member row for a Slack user (with its team, in the same query); a manager's
    membership wins when there are several."""
    members = session.scalars(
        select(Member)
        .options(joinedload(Member.team))
        .where(Member.slack_id == slack_id, Member.active.is_(True))
        .order_by(Member.id)
    ).all()
    if not members:
        return None
    return next((m for m in members if m.has_role("manager")), members[0])


def only_team(session: Session) -> Team | None:
    teams = session.scalars(select(Team).limit(2)).all()
    return teams[0] if len(teams) == 1 else None


def find_person(session: Session, slack_id: str, now: datetime) -> Person:
    """Who `slack_id` is. Their member row (with its team) stays in `session` for its
    lifetime, so a handler's `session.get(Member, person.member_id)` needs no query."""
    member = membership(session, slack_id)
    session.info.setdefault("people", []).append(member)  # the identity map only holds weak references
    if member is None:
        team = only_team(session)
        return Person(
            slack_id=slack_id,
            team_language=team.language if team else None,
            team_timezone=team.timezone if team else None,
        )
    stale = member.profile_checked_at is None or now - member.profile_checked_at > PROFILE_TTL
    return Person(
        slack_id=slack_id,
        member_id=member.id,
        team_id=member.team_id,
        name=member.name,
        roles=frozenset(member.roles or []),
        team_language=member.team.language,
        team_timezone=member.team.timezone,
        slack_locale=member.locale,
        tz=member.tz,
        profile_stale=stale,
        profile_known=member.profile_checked_at is not None,
    )


def remember_profile(session: Session, slack_id: str, locale: str | None, tz: str | None, now: datetime) -> None:
    for member in session.scalars(select(Member).where(Member.slack_id == slack_id)):
        member.locale = locale
        member.tz = tz
        member.profile_checked_at = now


def member_of(session: Session, person: Person) -> Member | None:
    """The member row of someone `find_person` read in this session (no second query:
    it is already in the session's identity map)."""
    return session.get(Member, person.member_id) if person.member_id is not None else None


def names_of(session: Session, slack_ids: set[str] | list[str]) -> dict[str, str]:
    """Members' names by Slack id (people who are not members are left out); those this
    session has already read (`find_person`) need no query."""
    wanted = set(slack_ids)
    names: dict[str, str] = {}
    for member in loaded_members(session):
        if member.slack_id in wanted and member.name and member.slack_id not in names:
            names[member.slack_id] = member.name
    missing = wanted - names.keys()
    if missing:
        rows = session.execute(select(Member.slack_id, Member.name).where(Member.slack_id.in_(sorted(missing))))
        names.update({slack_id: name for slack_id, name in rows if name})
    return names


def loaded_members(session: Session) -> list[Member]:
    """The member rows `find_person` read in this session (the asker's, mostly)."""
    return [m for m in session.info.get("people", ()) if m is not None]
