"""A follow-up assigned to a colleague is announced to them at once, over signed HTTP:
the customer, the visit's context, the due date, Done and Snooze; and it is in their
`/visit followups`."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from core import clock
from slackio import ids
from slackio.driver import visible_text
from storage.models import Followup
from tests.helpers import db, first_button

NOW = datetime(2026, 12, 2, 2, 0, tzinfo=UTC)  # Wednesday 10:00 in Shanghai


def speak(driver, user: str, locale: str = "en-US") -> None:
    driver.fake.users[user] = {"locale": locale, "tz": "Asia/Shanghai", "real_name": user}


def dms(driver, user: str) -> list[dict]:
    return [c.body for c in driver.fake.calls_to("chat.postMessage") if c.body.get("channel") == user]


def test_the_assignee_hears_at_once_with_done_and_snooze(driver, team):
    speak(driver, "U0A1")
    speak(driver, "U0S1")
    clock.freeze(NOW)
    driver.command("U0A1", "/visit", "华东制造集团；需求：专线扩容；顾虑：价格；跟进：资源核查 截止 周五 <@U0S1|陈工>；跟进：发报价 截止 周五")
    [announced] = dms(driver, "U0S1")
    text = visible_text(announced)
    assert "<@U0A1> assigned you a follow-up for *华东制造集团*: “资源核查”, due Fri, Dec 4." in text
    assert "needs: 专线扩容" in text and "concerns: 价格" in text and "/visit followups" in text
    assert not dms(driver, "U0A1")  # the logger's own follow-up is not announced to them
    # Done from the announcement marks it done.
    posted = driver.fake.messages["DU0S1"][-1]
    pressed = driver.press("U0S1", first_button(announced, ids.FOLLOWUP_DONE), message=posted)
    assert "Done — marked by <@U0S1>." in pressed.reply_text
    with db.session_scope() as s:
        assert s.scalar(select(Followup.status).where(Followup.text == "资源核查")) == "done"


def test_snooze_from_the_announcement_and_the_followups_list(driver, team):
    speak(driver, "U0A1")
    speak(driver, "U0B1")
    clock.freeze(NOW)
    driver.command("U0A1", "/visit", "华东制造集团；需求：专线扩容；跟进：准备方案 截止 周五 <@U0B1|lina>")
    [announced] = dms(driver, "U0B1")
    listed = driver.command("U0B1", "/visit", "followups")
    assert "准备方案" in listed.reply_text
    posted = driver.fake.messages["DU0B1"][-1]
    pressed = driver.press("U0B1", first_button(announced, ids.FOLLOWUP_SNOOZE_WEEK), message=posted)
    assert "Snoozed" in pressed.reply_text


def test_the_announcement_is_in_the_assignees_language_and_said_once(driver, team):
    speak(driver, "U0A1")
    speak(driver, "U0S1", "zh-CN")
    clock.freeze(NOW)
    line = "华东制造集团；需求：专线扩容；跟进：资源核查 截止 周五 <@U0S1|陈工>"
    driver.command("U0A1", "/visit", line, trigger_id="t-1")
    driver.command("U0A1", "/visit", line, trigger_id="t-1", retry_num=1)  # Slack's retry
    [announced] = dms(driver, "U0S1")
    assert "给你分配了一项跟进" in visible_text(announced)


def test_the_issue_example_with_a_typed_name_reaches_chen(driver, team):
    """`跟进：资源核查 截止 周五 @陈工` typed as text (not picked from Slack's list)."""
    speak(driver, "U0A1", "zh-CN")
    speak(driver, "U0S1", "zh-CN")
    clock.freeze(NOW)
    driver.command("U0A1", "/visit", "华东制造集团；需求：专线扩容；跟进：资源核查 截止 周五 @陈工")
    with db.session_scope() as s:
        followup = s.scalar(select(Followup))
        assert (followup.text, followup.owner.slack_id) == ("资源核查", "U0S1")
    [announced] = dms(driver, "U0S1")
    assert "资源核查" in visible_text(announced)


def test_a_typed_name_nobody_has_is_refused_and_nothing_is_stored(driver, team):
    speak(driver, "U0A1")
    clock.freeze(NOW)
    result = driver.command("U0A1", "/visit", "华东制造集团；需求：专线扩容；跟进：资源核查 截止 周五 @王五")
    assert "Nobody on the team is called “王五”" in result.reply_text
    with db.session_scope() as s:
        assert s.scalar(select(Followup)) is None
