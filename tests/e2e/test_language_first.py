"""Language before membership: someone ambot does not know yet reads their own Slack
locale (users.info, asked once an hour) — never the team's default — in every kind of
answer: a command's refusal, a button's, a form's field error, "could not read that"."""

from __future__ import annotations

from urllib.parse import urlencode

from slackio import ids
from tests.conftest import SHAPES


def _newcomer(driver, locale="en-US", who="U0NEW"):
    driver.fake.users[who] = {"locale": locale, "tz": "Europe/Berlin", "real_name": "New Person"}
    return who


def _users_info(driver, who):
    return [c for c in driver.fake.calls_to("users.info") if c.body.get("user") == who]


def test_an_english_newcomer_on_a_chinese_team_reads_english_everywhere(driver, team):
    who = _newcomer(driver)
    command = driver.command(who, "/visit", "list")
    assert "not a member" in command.reply_text and "团队" not in command.reply_text
    admin = driver.command(who, "/amteam", "show")
    assert "not a member" in admin.reply_text
    button = driver.press(who, {"action_id": ids.FOLLOWUP_DONE, "value": "1"})
    assert button.reply_text and not any("\u4e00" <= ch <= "\u9fff" for ch in button.reply_text), button.reply_text
    form = {"type": "modal", "callback_id": ids.VISIT_MODAL, "title": {"type": "plain_text", "text": "Log a visit"}, "blocks": [{"type": "input", "block_id": "customer", "label": {"type": "plain_text", "text": "Customer"}, "element": {"type": "external_select", "action_id": ids.VISIT_CUSTOMER}}]}
    submitted = driver.submit(who, form, {"customer": {ids.VISIT_CUSTOMER: {"type": "external_select", "selected_option": {"text": {"type": "plain_text", "text": "华东制造集团"}, "value": "1"}}}})
    errors = submitted.json["errors"]
    assert "not a member" in errors["customer"]
    unreadable = SHAPES.slash_command("/visit", "list", who, response_url=driver.fake.response_url())
    del unreadable["trigger_id"]
    garbled = driver.post(urlencode(unreadable))
    assert "could not read that request" in garbled.json["text"]
    assert len(_users_info(driver, who)) == 1  # remembered for the hour, not asked each time


def test_a_chinese_newcomer_on_an_english_team_reads_chinese(driver, team):
    from storage.models import Team
    from tests.helpers import db

    with db.session_scope() as session:
        session.query(Team).update({"language": "en"})
    who = _newcomer(driver, locale="zh-CN", who="U0XIN")
    assert "不是" in driver.command(who, "/kpi", "log praise 1").reply_text
    unreadable = SHAPES.slash_command("/kpi", "", who, response_url=driver.fake.response_url())
    del unreadable["response_url"]
    assert "无法读取这条请求" in driver.post(urlencode(unreadable)).json["text"]


def test_when_slack_cannot_say_the_team_language_is_used(driver, team):
    result = driver.command("U0GHOST", "/visit", "list")  # users.info: user_not_found
    assert "不是" in result.reply_text or "团队" in result.reply_text
