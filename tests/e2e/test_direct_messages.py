"""Talking to ambot in its Messages tab, as Slack delivers it (`message.im`): a visit in
one message becomes a preview card (Save / Edit / Cancel), `help` answers help, a
question is offered to `/ask`; a retried event has one effect; bots are ignored."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from core import clock
from slackio import ids
from slackio.driver import visible_text
from tests.e2e.visits_fixtures import counts, visits_of
from tests.helpers import first_button, row_counts

LINE = "华东制造集团 需求：专线扩容到500M & 双路由 跟进：发报价 截止 周五"


@pytest.fixture
def dm_team(driver, team):
    clock.freeze(datetime(2026, 11, 18, 2, 0, tzinfo=UTC))  # Wednesday 10:00 in Shanghai
    for user in ("U0MGR", "U0A1", "U0B1", "U0S1"):
        driver.fake.users[user] = {"locale": "zh-CN", "tz": "Asia/Shanghai"}
    return team


def dms(driver, user):
    return [c.body for c in driver.fake.calls_to("chat.postMessage") if c.body.get("channel") == user]


def card_message(card: dict) -> dict:
    return {"ts": "1700000000.000100", "text": card["text"], "blocks": card["blocks"]}


def test_a_visit_sent_as_a_dm_is_previewed_then_saved_once(driver, dm_team):
    result = driver.dm("U0A1", LINE, ts="1763431200.000100")
    assert result.status == 200
    [card] = dms(driver, "U0A1")
    shown = visible_text(card)
    assert "保存这次拜访？" in shown and "*华东制造集团*" in shown and "专线扩容到500M &amp; 双路由" in shown
    assert "发报价 — <@U0A1> — 截止 11月20日周五" in shown
    assert counts() == (0, 0)  # a preview writes nothing

    save = first_button(card, ids.DM_SAVE)
    saved = driver.press("U0A1", save, message=card_message(card), channel_id="DU0A1")
    assert saved.reply.get("replace_original") is True and "拜访已记录" in saved.reply_text
    [visit] = visits_of("华东制造集团")
    assert visit.needs == "专线扩容到500M & 双路由" and [(f.text, str(f.due)) for f in visit.followups] == [("发报价", "2026-11-20")]

    again = driver.press("U0A1", save, message=card_message(card), channel_id="DU0A1")  # a double click
    assert "已记录过" in again.reply_text
    assert counts() == (1, 1)


def test_edit_opens_the_form_filled_in_and_cancel_saves_nothing(driver, dm_team):
    driver.dm("U0A1", "华东制造集团\n需求：专线扩容\n顾虑：价格", ts="1763431200.000200")
    [card] = dms(driver, "U0A1")
    driver.press("U0A1", first_button(card, ids.DM_EDIT), message=card_message(card), channel_id="DU0A1")
    [opened] = driver.fake.calls_to("views.open")
    blocks = {b.get("block_id"): b for b in opened.body["view"]["blocks"]}
    assert blocks["customer"]["element"]["initial_option"]["text"]["text"].startswith("华东制造集团")
    assert blocks["needs"]["element"]["initial_value"] == "专线扩容" and blocks["concerns"]["element"]["initial_value"] == "价格"
    cancelled = driver.press("U0A1", first_button(card, ids.DM_CANCEL), message=card_message(card), channel_id="DU0A1")
    assert "已取消" in cancelled.reply_text and counts() == (0, 0)


def test_help_and_something_it_cannot_act_on(driver, dm_team):
    driver.dm("U0A1", "help")
    driver.dm("U0A1", "谢谢")
    help_text, other = (visible_text(m) for m in dms(driver, "U0A1"))
    assert "/visit" in help_text and "/ask" in help_text and "保存" in help_text
    assert "help" in other and counts() == (0, 0)


def test_a_question_is_offered_to_ask_and_routed_on_a_press(driver, dm_team):
    driver.dm("U0A1", "苏州到上海的跨域专线资源核查要多久？")
    [offer] = dms(driver, "U0A1")
    assert "后台" in visible_text(offer) and row_counts()["questions"] == 0
    ask = first_button(offer, ids.DM_ASK)
    routed = driver.press("U0A1", ask, message=card_message(offer), channel_id="DU0A1")
    assert routed.reply.get("replace_original") is True and "#circuit" in routed.reply_text and "<@U0S1>" in routed.reply_text
    driver.press("U0A1", ask, message=card_message(offer), channel_id="DU0A1")  # pressed twice: asked once
    assert row_counts()["questions"] == 1


def test_a_retried_event_has_one_effect(driver, dm_team):
    first = driver.dm("U0A1", "help", event_id="Ev0RETRY1")
    retry = driver.dm("U0A1", "help", event_id="Ev0RETRY1", retry_num=1)
    assert (first.status, retry.status) == (200, 200)
    assert len(dms(driver, "U0A1")) == 1


def test_bots_edits_and_other_conversations_are_ignored(driver, dm_team):
    driver.dm("UBOT", "help", bot_id="BBOT")  # ambot's own message in a DM
    driver.dm("U0OTHERBOT", "help", bot_id="B0OTHER", subtype="bot_message")
    driver.dm("U0A1", "help", subtype="message_changed")
    driver.event({"type": "message", "channel_type": "channel", "channel": "C0TEAM", "user": "U0A1", "text": "help"})
    assert driver.fake.calls_to("chat.postMessage") == []


def test_refusals_come_back_in_the_dm_in_the_writers_language(driver, dm_team):
    driver.fake.users["U0NEW"] = {"locale": "en-US", "tz": "Europe/Berlin"}
    driver.dm("U0NEW", LINE)
    driver.dm("U0A1", "不存在的客户 需求：专线")
    [stranger] = dms(driver, "U0NEW")
    assert "not a member" in visible_text(stranger)
    [unknown] = dms(driver, "U0A1")
    assert "不存在的客户" in visible_text(unknown) and counts() == (0, 0)
