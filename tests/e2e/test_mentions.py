"""Mentions as Slack shows them: `<@U…>` in mrkdwn, the member's name wherever Slack
would show the raw code — a notification's text, a form's field error. The fake Slack
refuses a raw mention in plain text, so every test in the suite checks this too."""

from __future__ import annotations

from datetime import UTC, datetime

from core import clock
from slackio.driver import visible_text


def test_a_dm_notification_names_people_while_its_blocks_mention_them(driver, team):
    clock.freeze(datetime(2026, 12, 1, 1, 0, tzinfo=UTC))
    for user in ("U0MGR", "U0A1", "U0B1"):
        driver.fake.users[user] = {"locale": "en-US", "tz": "Asia/Shanghai"}
    driver.command("U0A1", "/handover", "2026-12-10 2026-12-12 annual leave")
    [ask] = [c.body for c in driver.fake.calls_to("chat.postMessage") if c.body["channel"] == "U0B1"]
    assert "@张伟 asks you to cover" in ask["text"] and "<@" not in ask["text"]
    assert "<@U0A1> asks you to cover" in visible_text(dict(ask, text=""))
    [told] = [c.body for c in driver.fake.calls_to("chat.postMessage") if c.body["channel"] == "U0MGR"]
    assert "<@" not in told["text"] and "@张伟" in told["text"] and "@李娜" in told["text"]


def test_a_form_error_about_a_colleague_names_them(driver, team):
    from slackio import ids

    driver.fake.users["U0A1"] = {"locale": "zh-CN", "tz": "Asia/Shanghai"}
    form = {
        "type": "modal", "callback_id": ids.QUESTION_REASSIGN_MODAL, "private_metadata": '{"q": 999}',
        "title": {"type": "plain_text", "text": "Reassign"},
        "blocks": [{"type": "input", "block_id": "assignee", "label": {"type": "plain_text", "text": "To"}, "element": {"type": "users_select", "action_id": "assignee"}}],
    }  # fmt: skip
    result = driver.submit("U0A1", form, {"assignee": {"assignee": {"type": "users_select", "selected_user": "U0B1"}}})
    error = result.json["errors"]["assignee"]
    assert error and "<@" not in error
