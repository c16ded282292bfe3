"""The weekly summary and a private channel ambot is not in: Slack answers
`channel_not_found` / `not_in_channel`. The managers hear once, by DM, how to fix it;
`/amteam show` shows it until a post gets through."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from slackio.driver import visible_text
from storage.models import OutboxMessage
from tests.helpers import db, runner

FRIDAY = datetime(2026, 12, 4, 7, 30, tzinfo=UTC)  # 15:30 in Shanghai, 30 minutes before the meeting


def dms(driver, user):
    return [visible_text(c.body) for c in driver.fake.calls_to("chat.postMessage") if c.body.get("channel") == user]


def speaks(user: str, locale: str) -> None:
    """What users.info said last time (jobs read the remembered profile)."""
    from storage.models import Member

    with db.session_scope() as session:
        session.query(Member).filter(Member.slack_id == user).update({"locale": locale, "profile_checked_at": FRIDAY})


def show(driver) -> str:
    return driver.command("U0MGR", "/amteam", "show").reply_text


@pytest.mark.parametrize("error", ["channel_not_found", "not_in_channel"])
def test_the_manager_is_told_once_and_show_says_so_until_a_post_succeeds(driver, team, error):
    driver.fake.users["U0MGR"] = {"locale": "en-US", "tz": "Asia/Shanghai"}
    speaks("U0MGR", "en-US")
    driver.fake.keep_out("C0TEAM", error)
    first = runner.run_now("weekly_summary", at=FRIDAY)
    assert (first.queued, first.delivery.failed) == (1, 2)  # the summary, and its chart with it
    [told] = dms(driver, "U0MGR")
    assert "<#C0TEAM>" in told and "/invite @ambot" in told and "weekly summary" in told
    assert "Cannot post to <#C0TEAM> since" in show(driver) and error in show(driver)

    runner.run_now("weekly_summary", at=FRIDAY + timedelta(days=7))  # still not invited
    assert len(dms(driver, "U0MGR")) == 1  # told once

    driver.fake.invite("C0TEAM")
    third = runner.run_now("weekly_summary", at=FRIDAY + timedelta(days=14))
    assert third.delivery.sent == 2  # the summary and its chart
    assert "Cannot post" not in show(driver)
    with db.session_scope() as session:
        failed = session.query(OutboxMessage).filter(OutboxMessage.job == "weekly_summary", OutboxMessage.status == "failed").count()
    assert failed == 4


def test_the_dm_is_in_the_managers_language_and_a_new_channel_starts_clean(driver, team):
    driver.fake.users["U0MGR"] = {"locale": "zh-CN", "tz": "Asia/Shanghai"}
    speaks("U0MGR", "zh-CN")
    driver.fake.keep_out("C0TEAM")
    runner.run_now("weekly_summary", at=FRIDAY)
    [told] = dms(driver, "U0MGR")
    assert "/invite @ambot" in told and "周例会摘要" in told
    assert "无法" in show(driver)
    driver.command("U0MGR", "/amteam", "setup channel <#C0NEW|new-team>")
    assert "/invite @ambot" not in show(driver)
