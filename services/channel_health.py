"""Whether ambot can post to a team's channel (SPEC §4.5: the weekly summary goes there).

Slack answers `not_in_channel` or `channel_not_found` when ambot was never invited to a
private channel. The failure is remembered on the team — shown by `/amteam show` and told
to the managers once — until the next post there gets through.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from storage.models import Member, Team

# What an invitation fixes: the channel is private (or ambot was removed from it).
NOT_INVITED = frozenset({"not_in_channel", "channel_not_found"})


def is_channel(recipient: str) -> bool:
    """A channel id (public C…, private G…), not a person's DM."""
    return recipient[:1] in {"C", "G"}


def record_failure(session: Session, team_id: int, channel: str, error: str, now: datetime) -> list[Member]:
    """Remember that Slack refused a post to the team's channel. Returns the managers to
    tell when this is news (the first failure since the channel last worked), else []."""
    team = session.get(Team, team_id)
    if team is None or team.channel != channel:
        return []
    if team.post_error and team.post_error_channel == channel:
        return []
    team.post_error, team.post_error_channel, team.post_error_at = error, channel, now
    session.flush()
    return [m for m in team.members if m.active and m.has_role("manager")]


def record_success(session: Session, team_id: int, channel: str) -> None:
    """A post to `channel` got through: whatever was wrong with it is fixed."""
    team = session.get(Team, team_id)
    if team is not None and team.post_error and team.post_error_channel == channel:
        team.post_error = team.post_error_channel = None
        team.post_error_at = None


def current_problem(team: Team) -> str | None:
    """The error Slack gave for the team's current channel, if it still stands."""
    if team.post_error and team.channel and team.post_error_channel == team.channel:
        return team.post_error
    return None
