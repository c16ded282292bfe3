"""Shared set-up for the `/ask` tests: the SPEC §7 team plus a billing topic, more support
people, English-speaking users, and a clock frozen on a Monday morning in Shanghai."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from core import clock
from services import team_admin, team_members
from storage.models import Handover, Member, Question, Team
from tests.helpers import db

# Monday 7 December 2026, 10:00 in Shanghai.
MONDAY_10 = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)
PEOPLE = ("U0MGR", "U0A1", "U0B1", "U0S1", "U0S2", "U0S3", "U0S4")


def en(driver, *users: str) -> None:
    for user in users or PEOPLE:
        driver.fake.users[user] = {"locale": "en-US", "tz": "Asia/Shanghai", "real_name": f"Name {user}"}


@pytest.fixture(name="qteam")
def qteam_fixture(driver, team):
    """Topics: circuit (L1 U0S1, L2 U0S2, L3 U0S3) and billing (L1 U0S1 + U0S4, L2 U0S2)."""
    en(driver)
    clock.freeze(MONDAY_10)
    with db.session_scope() as session:
        t = session.get(Team, team)
        team_members.add_member(session, t, "U0S4", "周工", ["support"], "1")
        team_admin.add_topic(session, t, "billing", name="账单与发票", keywords=["账单", "发票", "invoice", "billing"], lead_days="1", lead_note="账务核对 1 个工作日")
        team_admin.set_responders(session, t, "billing", "1", ["U0S1", "U0S4"])
        team_admin.set_responders(session, t, "billing", "2", ["U0S2"])
        # Profiles as if each person had used ambot before: scheduled notices (which never
        # call Slack) then speak their language too.
        for member in session.scalars(select(Member).where(Member.team_id == team)):
            member.locale, member.tz, member.profile_checked_at = "en-US", "Asia/Shanghai", MONDAY_10
    return team


def speaks(slack_id: str, locale: str) -> None:
    with db.session_scope() as session:
        session.query(Member).filter(Member.slack_id == slack_id).update({"locale": locale})


def dms(driver, user: str) -> list[dict]:
    return [c.body for c in driver.fake.calls_to("chat.postMessage") if c.body.get("channel") == user]


def dm_text(driver, user: str) -> str:
    from slackio.driver import visible_text

    return "\n".join(visible_text(m) for m in dms(driver, user))


def as_message(body: dict) -> dict:
    """The posted message as Slack sends it back in a block_actions payload."""
    return {"ts": "1.000001", "text": body.get("text", ""), "blocks": body.get("blocks") or []}


def questions() -> list[Question]:
    with db.session_scope() as session:
        return list(session.scalars(select(Question).order_by(Question.id)))


def only_question() -> Question:
    found = questions()
    assert len(found) == 1, found
    return found[0]


def member_id(slack_id: str) -> int:
    with db.session_scope() as session:
        return session.scalar(select(Member.id).where(Member.slack_id == slack_id))


AWAY_FROM = datetime(2026, 12, 1, tzinfo=UTC)
AWAY_UNTIL = datetime(2026, 12, 20, tzinfo=UTC)


def away(slack_id: str, *, cover: str | None = None, start: datetime = AWAY_FROM, end: datetime = AWAY_UNTIL) -> None:
    """Put a member on an active handover (away), covered by `cover` or nobody."""
    with db.session_scope() as session:
        member = session.scalar(select(Member).where(Member.slack_id == slack_id))
        cover_id = session.scalar(select(Member.id).where(Member.slack_id == cover)) if cover else None
        session.add(Handover(team_id=member.team_id, member_id=member.id, cover_id=cover_id, starts_at=start, ends_at=end, status="active", created_at=start))


def set_backup(slack_id: str, backup: str | None) -> None:
    with db.session_scope() as session:
        member = session.scalar(select(Member).where(Member.slack_id == slack_id))
        member.backup_id = session.scalar(select(Member.id).where(Member.slack_id == backup)) if backup else None


def button(message: dict, action_id: str, value: str | None = None) -> dict:
    for block in message.get("blocks") or []:
        elements = list(block.get("elements") or [])
        if isinstance(block.get("accessory"), dict):
            elements.append(block["accessory"])
        for element in elements:
            if element.get("type") == "button" and element.get("action_id", "").startswith(action_id) and (value is None or element.get("value") == value):
                return element
    raise AssertionError(f"no button {action_id!r} in {message}")
