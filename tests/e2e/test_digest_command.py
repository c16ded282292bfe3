"""`/digest weekly|manager|help` over signed HTTP: previews for the asker only, refusals
that say why, nothing sent and nothing written."""

from __future__ import annotations

import pytest

from core import clock
from tests import reports_scenario as scenario
from tests.helpers import row_counts


@pytest.fixture
def demo(database):
    clock.freeze(scenario.FRIDAY)
    with database.session_scope() as session:
        return scenario.load(session)


def english(driver, *users: str) -> None:
    for user in users:
        driver.fake.users[user] = {"locale": "en-US", "tz": "Asia/Shanghai"}


def test_any_member_previews_the_weekly_summary(driver, demo):
    before = row_counts()
    result = driver.command("U0REP1", "/digest", "weekly")
    reply = result.reply
    assert reply["response_type"] == "ephemeral"
    text = result.reply_text
    assert "例会摘要 · 政企客户一部 · 第 49 周（11月30日–12月6日）" in text
    assert "预览，仅你可见" in text and "议程" in text and "KPI 进度" in text
    assert driver.fake.calls_to("chat.postMessage") == []  # a preview posts nothing
    assert {k: v for k, v in row_counts().items() if k != "processed_requests"} == {k: v for k, v in before.items() if k != "processed_requests"}


def test_the_preview_speaks_the_readers_language(driver, demo):
    english(driver, "U0SUP1")
    text = driver.command("U0SUP1", "/digest", "周报").reply_text  # support people see the team's week too
    assert "Weekly summary · 政企客户一部 · week 49 (Nov 30–Dec 6)" in text
    assert "Agenda:" in text and "&lt;!channel&gt;" in text and "<!channel>" not in text


def test_a_manager_previews_the_manager_digest(driver, demo):
    english(driver, "U0MGR")
    result = driver.command("U0MGR", "/digest", "manager")
    text = result.reply_text
    assert result.reply["response_type"] == "ephemeral"
    assert text.index("Needs your action today") < text.index("KPI pace") < text.index("Overdue follow-ups")
    assert "1 rep has no A/B partner: <@U0REP9>" in text
    assert "<@U0REP3> and <@U0REP4> are both away" in text or "<@U0REP4> and <@U0REP3> are both away" in text
    assert "Past its SLA:" in text and "Preview, only you see this" in text
    assert driver.fake.calls_to("chat.postMessage") == []


def test_the_manager_digest_is_for_managers_only(driver, demo):
    english(driver, "U0REP1")
    before = row_counts()
    result = driver.command("U0REP1", "/digest", "manager")
    assert result.reply["response_type"] == "ephemeral"
    assert "Only managers can see `/digest manager`" in result.reply_text and "`/digest weekly`" in result.reply_text
    assert "Needs your action today" not in result.reply_text
    assert {k: v for k, v in row_counts().items() if k != "processed_requests"} == {k: v for k, v in before.items() if k != "processed_requests"}


def test_someone_outside_the_team_is_told_why(driver, demo):
    english(driver, "U0STRANGER")
    result = driver.command("U0STRANGER", "/digest", "weekly")
    assert "You are not a member of any ambot team yet" in result.reply_text
    assert "Weekly summary" not in result.reply_text


@pytest.mark.parametrize(("text", "says"), [("weekly please", "`/digest weekly` takes nothing after it"), ("monthly", "`/digest monthly` is not a report I know")])
def test_bad_input_gets_the_reason_and_the_usage(driver, demo, text, says):
    english(driver, "U0REP1")
    result = driver.command("U0REP1", "/digest", text)
    assert says in result.reply_text and "`/digest manager`" in result.reply_text


def test_help(driver, demo):
    english(driver, "U0REP1")
    text = driver.command("U0REP1", "/digest", "help").reply_text
    assert "`/digest weekly`" in text and "`/digest manager`" in text and "`/digest help`" in text
