"""The one-line quick log over signed HTTP, in English and Chinese, and its refusals."""

from __future__ import annotations

from datetime import timedelta

import pytest

from core import clock
from slackio import ids
from storage.models import Team
from tests.e2e import visits_fixtures
from tests.e2e.visits_fixtures import NOW, counts, opened_view, speak, visits_of
from tests.helpers import db, first_button, row_counts

visit_team = visits_fixtures.visit_team  # the fixture, shared by the visit tests


def test_the_spec_example_in_english_is_stored_and_shown_back(driver, visit_team):
    speak(driver, "U0A1")
    result = driver.command(
        "U0A1", "/visit", "Acme Corp; needs: 20 more SIM lines; concerns: price; follow-up: send quote by 2026-12-01; next: 2026-12-10"
    )
    [visit] = visits_of("Acme Corp")
    assert (visit.needs, visit.concerns, str(visit.next_visit), str(visit.visit_date), visit.type) == (
        "20 more SIM lines", "price", "2026-12-10", "2026-11-18", "onsite",
    )  # fmt: skip
    assert [(f.text, str(f.due)) for f in visit.followups] == [("send quote", "2026-12-01")]
    reply = result.reply
    assert reply["response_type"] == "ephemeral"
    text = result.reply_text
    assert "Visit logged" in text and "*Acme Corp* · Wed, Nov 18, 2026 · on-site" in text
    assert "*Needs:* 20 more SIM lines" in text and "*Concerns:* price" in text
    assert "send quote — <@U0A1> — due Tue, Dec 1" in text and "*Next visit:* Thu, Dec 10, 2026" in text
    assert first_button(reply, ids.VISIT_EDIT)["value"] == str(visit.id)


def test_chinese_labels_full_width_punctuation_and_chinese_dates(driver, visit_team):
    speak(driver, "U0A1", locale="zh-CN")
    result = driver.command(
        "U0A1", "/visit", "华东制造集团；日期：今天；方式：电话；需求：增加20条专线；顾虑：价格偏高；备注：王主任参加；"
        "跟进：发报价 截止 下周五；跟进：安排技术勘查 截止 12月1日 <@U0B1>；下次：后天",
    )  # fmt: skip
    [visit] = visits_of("华东制造集团")
    assert (visit.type, visit.needs, visit.concerns, visit.notes, str(visit.next_visit)) == ("phone", "增加20条专线", "价格偏高", "王主任参加", "2026-11-20")
    assert [(f.text, str(f.due)) for f in visit.followups] == [("发报价", "2026-11-27"), ("安排技术勘查", "2026-12-01")]
    text = result.reply_text
    assert "拜访已记录" in text and "电话" in text and "*客户需求：* 增加20条专线" in text
    assert "发报价 — <@U0A1> — 截止 11月27日周五" in text and "安排技术勘查 — <@U0B1> — 截止 12月1日周二" in text
    assert "*下次拜访：* 2026年11月20日周五" in text


@pytest.mark.parametrize(
    ("when", "expected"),
    [("tomorrow", "2026-11-19"), ("fri", "2026-11-20"), ("明天", "2026-11-19"), ("下周五", "2026-11-27"), ("12月1日", "2026-12-01"), ("2026-11-30", "2026-11-30")],
)
def test_due_dates_in_every_form(driver, visit_team, when, expected):
    speak(driver, "U0A1")
    keyword = "截止" if not when.isascii() else "by"
    driver.command("U0A1", "/visit", f"Acme Corp; follow-up: call back {keyword} {when}")
    [visit] = visits_of("Acme Corp")
    assert str(visit.followups[0].due) == expected


def test_a_visit_date_in_the_past_and_several_follow_ups(driver, visit_team):
    speak(driver, "U0A1")
    driver.command("U0A1", "/visit", "Acme; date: 2026-11-16; type: video; follow-up: quote by 2026-11-19; follow-up: demo; notes: fine")
    [visit] = visits_of("Acme Corp")
    assert (str(visit.visit_date), visit.type) == ("2026-11-16", "video")
    assert [(f.text, f.due and str(f.due)) for f in visit.followups] == [("quote", "2026-11-19"), ("demo", None)]


def test_a_slack_retry_of_the_same_command_stores_one_visit(driver, visit_team):
    speak(driver, "U0A1")
    line = "Acme Corp; needs: lines; follow-up: quote by fri"
    first = driver.command("U0A1", "/visit", line, trigger_id="trig.same")
    retry = driver.command("U0A1", "/visit", line, trigger_id="trig.same", retry_num=1)
    assert counts() == (1, 1)
    assert "Visit logged" in first.reply_text
    assert "Already logged" in retry.reply_text


def test_the_same_line_sent_twice_within_two_minutes_is_one_visit(driver, visit_team):
    speak(driver, "U0A1")
    line = "Acme Corp; needs: lines"
    driver.command("U0A1", "/visit", line)
    clock.freeze(NOW + timedelta(seconds=60))
    again = driver.command("U0A1", "/visit", line)
    assert counts() == (1, 0) and "Already logged" in again.reply_text
    clock.freeze(NOW + timedelta(minutes=10))
    driver.command("U0A1", "/visit", line)
    assert counts() == (2, 0)


def test_user_text_is_escaped_in_the_reply(driver, visit_team):
    speak(driver, "U0A1")
    result = driver.command("U0A1", "/visit", "Acme Corp; needs: <!channel> call <@U0B1|lina> & see <https://evil.example|docs>")
    [visit] = visits_of("Acme Corp")
    assert visit.needs == "<!channel> call <@U0B1|lina> & see <https://evil.example|docs>"  # stored as typed
    for message_text in [result.reply["text"], *[b["text"]["text"] for b in result.reply["blocks"] if b["type"] == "section"]]:
        assert "<!channel>" not in message_text and "<@U0B1|" not in message_text and "<https://evil" not in message_text
    assert "&lt;!channel&gt; call &lt;@U0B1|lina&gt; &amp; see &lt;https://evil.example|docs&gt;" in result.reply_text


def test_text_over_slacks_limits_is_stored_whole_and_shown_shortened(driver, visit_team):
    speak(driver, "U0A1")
    long_need = "专线扩容" * 1200  # 4,800 characters
    result = driver.command("U0A1", "/visit", f"Acme Corp; needs: {long_need}; concerns: price")
    [visit] = visits_of("Acme Corp")
    assert visit.needs == long_need
    assert "…" in result.reply_text and "*Concerns:* price" in result.reply_text
    assert all(len(b["text"]["text"]) <= 3000 for b in result.reply["blocks"] if b["type"] == "section")
    listed = driver.command("U0A1", "/visit", "list Acme Corp")
    assert "…" in listed.reply_text


def test_bare_customer_opens_the_form_with_it_chosen(driver, visit_team):
    speak(driver, "U0A1")
    result = driver.command("U0A1", "/visit", "hdmg")
    assert not result.answered
    customer = next(b for b in opened_view(driver)["blocks"] if b.get("block_id") == "customer")
    assert customer["element"]["initial_option"]["text"]["text"] == "华东制造集团 (HDMG)"


def test_an_ambiguous_name_offers_the_candidates(driver, visit_team):
    speak(driver, "U0MGR")
    result = driver.command("U0MGR", "/visit", "华东")
    assert "Several customers match “华东”" in result.reply_text
    assert "华东制造集团" in result.reply_text and "华东物流" in result.reply_text
    assert driver.fake.calls_to("views.open") == []
    pick = first_button(result.reply, ids.VISIT_PICK_CUSTOMER)
    driver.press("U0MGR", pick)
    customer = next(b for b in opened_view(driver)["blocks"] if b.get("block_id") == "customer")
    assert customer["element"]["initial_option"]["value"] == pick["value"]


def test_an_ambiguous_name_with_one_of_mine_needs_no_question(driver, visit_team):
    speak(driver, "U0A1")
    driver.command("U0A1", "/visit", "华东; needs: more lines")
    assert len(visits_of("华东制造集团")) == 1


@pytest.mark.parametrize(
    ("user", "line", "says"),
    [
        ("U0A1", "Unknown Co; needs: x", "I don't know a customer called “Unknown Co”. Check the spelling"),
        ("U0MGR", "Unknown Co", "Add it with `/amteam customer add Unknown Co owner @rep tier key`"),
        ("U0MGR", "华东; needs: x", "“华东” matches several customers: 华东物流, 华东制造集团"),
        ("U0A1", "Acme Corp; next: 2026-12-01; type: phone", "Nothing to log for “Acme Corp” yet"),
        ("U0A1", "Acme Corp; date: 32nd of never", "“32nd of never” is not a date I understand"),
        ("U0A1", "Acme Corp; follow-up: quote by 2026-11-01", "A follow-up cannot be due (2026-11-01) before the visit itself"),
        ("U0A1", "Acme Corp; next: 2026-11-01", "The next visit (2026-11-01) cannot be before this one"),
        ("U0A1", "Acme Corp; date: today", "Nothing to log for “Acme Corp” yet"),
        ("U0A1", "Acme Corp; nedds: lines", "“nedds:” is not a field I know"),
        ("U0A1", "Acme Corp; type: fax; needs: x", "“fax” is not a kind of visit"),
        ("U0A1", "Acme Corp; follow-up: quote @U0STRANGER", "<@U0STRANGER> is not on the team"),
        ("U0A1", "Beta Bank; needs: x", "*Beta Bank* is <@U0B1>'s customer"),
        ("U0A1", "Orphan Ltd; needs: x", "*Orphan Ltd* has no account manager yet"),
        ("U0S1", "Acme Corp; needs: x", "Visits are logged by account managers and managers"),
        ("U0NOBODY", "Acme Corp; needs: x", "not a member of any ambot team"),
    ],
)
def test_bad_input_gets_a_clear_ephemeral_error_with_usage_and_nothing_is_stored(driver, visit_team, user, line, says):
    speak(driver, user)
    before = row_counts()
    result = driver.command(user, "/visit", line)
    assert result.reply["response_type"] == "ephemeral"
    assert says in result.reply_text
    assert "/visit list [customer]" in result.reply_text  # the usage comes with it
    assert {k: v for k, v in row_counts().items() if k != "processed_requests"} == {k: v for k, v in before.items() if k != "processed_requests"}


def test_a_follow_up_without_due_date_is_refused_when_the_team_requires_one(driver, visit_team):
    with db.session_scope() as session:
        session.get(Team, visit_team).require_followup_due = True
    speak(driver, "U0A1", locale="zh-CN")
    result = driver.command("U0A1", "/visit", "Acme Corp；跟进：发报价")
    assert "团队要求每项跟进都写明截止日期，请为“发报价”加上" in result.reply_text
    assert counts() == (0, 0)
    driver.command("U0A1", "/visit", "Acme Corp；跟进：发报价 截止 明天")
    assert counts() == (1, 1)


def test_help_in_both_languages(driver, visit_team):
    speak(driver, "U0A1")
    assert "log a visit in one line" in driver.command("U0A1", "/visit", "help").reply_text
    speak(driver, "U0B1", locale="zh-CN")
    assert "一行记录一次拜访" in driver.command("U0B1", "/visit", "帮助").reply_text


@pytest.mark.parametrize(("locale", "line"), [("en-US", "Acme Corp; date: mon; needs: 20 SIM lines"), ("zh-CN", "Acme Corp；日期：周一；需求：20条SIM卡")])
def test_a_bare_weekday_as_visit_date_is_the_one_just_gone(driver, visit_team, locale, line):
    speak(driver, "U0A1", locale=locale)
    driver.command("U0A1", "/visit", line)  # on Wednesday 2026-11-18
    [visit] = visits_of("Acme Corp")
    assert str(visit.visit_date) == "2026-11-16"


@pytest.mark.parametrize(
    ("locale", "line", "says"),
    [
        ("en-US", "Acme Corp; date: tomorrow; needs: x", "The visit date (2026-11-19) is after today"),
        ("en-US", "Acme Corp; date: next mon; needs: x", "The visit date (2026-11-23) is after today"),
        ("zh-CN", "Acme Corp；日期：2026-12-01；需求：x", "拜访日期（2026-12-01）晚于今天"),
    ],
)
def test_a_visit_date_in_the_future_is_refused(driver, visit_team, locale, line, says):
    speak(driver, "U0A1", locale=locale)
    result = driver.command("U0A1", "/visit", line)
    assert says in result.reply_text and result.reply["response_type"] == "ephemeral"
    assert counts() == (0, 0)
