"""`/kpi` over signed HTTP: my pace, logging, undo, targets and the team table, with
permissions and nothing written on bad input."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from core import clock
from storage.models import KpiEntry, KpiTarget
from tests import kpi_scenario as scenario
from tests.helpers import db, first_button, row_counts


@pytest.fixture
def kpi_team(database):
    with database.session_scope() as session:
        team_id = scenario.load(session)
    clock.freeze(scenario.NUDGE_AT)
    return team_id


def speaks(driver, locale: str, *users: str) -> None:
    for user in users:
        driver.fake.users[user] = {"locale": locale, "tz": "Asia/Shanghai"}


def entries(slack_id: str) -> list[KpiEntry]:
    with db.session_scope() as session:
        member = scenario.member(session, slack_id)
        return list(session.scalars(select(KpiEntry).where(KpiEntry.member_id == member.id, KpiEntry.source == "slash").order_by(KpiEntry.id)))


def test_kpi_shows_my_pace(driver, kpi_team):
    speaks(driver, "en-US", "U0A1")
    text = driver.command("U0A1", "/kpi").reply_text
    assert "*Your KPI pace*" in text and "*Q4 2026* · working day 44 of 62" in text
    assert ":red_circle: `▓▓▓░░░░░░░` *New customers*: 3 / 10 · expected by today 7.1 — behind" in text
    assert "*Revenue*: CN¥700,000.00 / CN¥1,000,000.00" in text and "on track" in text
    assert "*Visits*: 10 / 30" in text


def test_kpi_in_chinese(driver, kpi_team):
    speaks(driver, "zh-CN", "U0C1")
    text = driver.command("U0C1", "/kpi").reply_text
    assert "*你的 KPI 进度*" in text and "*2026年12月*" in text and "*2026年第4季度*" in text
    assert "*消费额*：¥50,000.00 / ¥200,000.00 · 截至今天应达 ¥43,478.26 — 领先" in text


def test_log_stores_the_entry_with_customer_and_note(driver, kpi_team):
    speaks(driver, "en-US", "U0A1")
    result = driver.command("U0A1", "/kpi", "log revenue 12,000 HDMG new line <!channel>")
    assert "Logged *Revenue* CN¥12,000.00 on Dec 7 · customer *华东制造集团* · note: new line &lt;!channel&gt;." in result.reply_text
    assert "<!channel>" not in result.reply_text
    assert "Q4 2026: *Revenue*: CN¥712,000.00 / CN¥1,000,000.00" in result.reply_text
    [entry] = entries("U0A1")
    assert (entry.metric, entry.value, entry.note) == ("revenue", Decimal(12000), "new line <!channel>")
    with db.session_scope() as session:
        assert entry.customer_id == scenario.customer(session, "华东制造集团").id


def test_log_with_chinese_words(driver, kpi_team):
    speaks(driver, "zh-CN", "U0A1")
    result = driver.command("U0A1", "/kpi", "记录 新增客户 1 星海银行")
    assert "已记录 12月7日 的 *新增客户* 1 · 客户 *星海银行*" in result.reply_text
    driver.command("U0A1", "/kpi", "log new customers 2")  # a two-word English metric
    assert [(e.metric, e.value) for e in entries("U0A1")] == [("new_customers", Decimal(1)), ("new_customers", Decimal(2))]


def test_a_refund_is_a_negative_revenue_entry(driver, kpi_team):
    speaks(driver, "en-US", "U0A1")
    driver.command("U0A1", "/kpi", "log revenue -5000 refund for a double charge")
    [entry] = entries("U0A1")
    assert (entry.value, entry.note) == (Decimal(-5000), "refund for a double charge")


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("log", "Say which metric and how much"),
        ("log revenue", "Say which metric and how much"),
        ("log happiness 3", "“happiness” is not a metric"),
        ("log revenue lots", "“lots” is not a number I can record"),
        ("log visits 3", "Visits are counted from the visits you log with `/visit`"),
        ("log new_customers -1", "*New customers* cannot go below zero"),
        ("log praise 0", "A value of zero changes nothing"),
        ("log satisfaction 300", "A satisfaction score runs from 0 to 100"),
    ],
)
def test_bad_log_input_is_explained_with_usage_and_nothing_written(driver, kpi_team, text, says):
    speaks(driver, "en-US", "U0A1")
    before = row_counts()
    result = driver.command("U0A1", "/kpi", text)
    assert says in result.reply_text
    assert "`/kpi log revenue 12000" in result.reply_text  # the usage
    assert result.reply["response_type"] == "ephemeral"
    assert row_counts() == before


@pytest.mark.parametrize(
    ("locale", "text", "says"),
    [
        ("en-US", "log revenue 5000 西湖文旅 renewal", "*西湖文旅* is <@U0B1>'s customer. You can log results only for your own customers"),
        ("zh-CN", "记录 新增客户 1 南山能源", "*南山能源* 是 <@U0C1> 的客户。你只能为自己的客户以及你正在代班的同事的客户记录业绩，本次没有记录。"),
    ],
)
def test_logging_against_a_customer_i_may_not_see_is_refused_and_nothing_written(driver, kpi_team, locale, text, says):
    speaks(driver, locale, "U0A1")
    before = row_counts()
    result = driver.command("U0A1", "/kpi", text)
    assert says in result.reply_text and result.reply["response_type"] == "ephemeral"
    assert "`/kpi log revenue 12000" not in result.reply_text  # a refusal, not a typing mistake
    assert row_counts() == before


def test_a_manager_and_a_rep_covering_a_colleague_may_name_that_colleagues_customer(driver, kpi_team):
    speaks(driver, "en-US", "U0A1", "U0MGR")
    assert "customer *西湖文旅*" in driver.command("U0MGR", "/kpi", "log revenue 5000 西湖文旅").reply_text
    with db.session_scope() as session:
        scenario.leave(session, "U0B1", "U0A1", scenario.NUDGE_AT - timedelta(days=1), scenario.NUDGE_AT + timedelta(days=2), status="active")
    assert "customer *西湖文旅*" in driver.command("U0A1", "/kpi", "log revenue 5000 西湖文旅").reply_text
    [entry] = entries("U0A1")
    with db.session_scope() as session:
        assert entry.customer_id == scenario.customer(session, "西湖文旅").id


def test_a_long_note_is_cut_before_it_is_escaped(driver, kpi_team):
    speaks(driver, "en-US", "U0A1")
    result = driver.command("U0A1", "/kpi", "log praise 1 " + "n" * 198 + "<" + "m" * 5)
    assert "note: " + "n" * 198 + "&lt;…." in result.reply_text and "n&…" not in result.reply_text


def test_a_retried_command_logs_once(driver, kpi_team):
    speaks(driver, "en-US", "U0A1")
    driver.command("U0A1", "/kpi", "log praise 1", trigger_id="trig.same")
    driver.command("U0A1", "/kpi", "log praise 1", trigger_id="trig.same", retry_num=1)
    assert len(entries("U0A1")) == 1


def test_undo_takes_back_my_last_entry(driver, kpi_team):
    speaks(driver, "en-US", "U0A1")
    driver.command("U0A1", "/kpi", "log praise 1")
    driver.command("U0A1", "/kpi", "log praise 2")
    result = driver.command("U0A1", "/kpi", "undo")
    assert "Taken back: *Praise* 2 logged for Dec 7" in result.reply_text
    assert [(e.value, e.undone) for e in entries("U0A1")] == [(Decimal(1), False), (Decimal(2), True)]
    driver.command("U0A1", "/kpi", "撤销")
    assert "You have no entry left to take back." in driver.command("U0A1", "/kpi", "undo").reply_text


def test_undo_button_on_the_confirmation(driver, kpi_team):
    speaks(driver, "en-US", "U0A1", "U0B1")
    logged = driver.command("U0A1", "/kpi", "log revenue 3000")
    button = first_button(logged.reply, "kpi_undo_entry")
    refused = driver.press("U0B1", button)
    assert "Only the person who logged an entry can take it back." in refused.reply_text
    assert entries("U0A1")[0].undone is False
    done = driver.press("U0A1", button)
    assert "Taken back: *Revenue* CN¥3,000.00" in done.reply_text and done.reply.get("replace_original") is True
    assert entries("U0A1")[0].undone is True
    assert "already taken back" in driver.press("U0A1", button).reply_text


def test_target_is_for_managers_only(driver, kpi_team):
    speaks(driver, "en-US", "U0A1")
    before = row_counts()
    result = driver.command("U0A1", "/kpi", "target <@U0B1|lina> revenue 500000")
    assert "Only managers can use `/kpi target`" in result.reply_text
    assert row_counts() == before


def test_manager_sets_and_changes_targets(driver, kpi_team):
    speaks(driver, "en-US", "U0MGR")
    result = driver.command("U0MGR", "/kpi", "target <@U0E1|sunli> 新增客户 8")
    assert "Target set: <@U0E1> *New customers* 8 for Q4 2026." in result.reply_text
    result = driver.command("U0MGR", "/kpi", "target <@U0E1|sunli> new_customers 9 2026Q4")
    assert "Target changed: <@U0E1> *New customers* 9 for Q4 2026 (was 8)." in result.reply_text
    result = driver.command("U0MGR", "/kpi", "target <@U0E1> complaints 1 2026-12")
    assert "*Complaints* 1 for December 2026" in result.reply_text and "the target is a ceiling" in result.reply_text
    with db.session_scope() as session:
        e1 = scenario.member(session, "U0E1")
        targets = sorted((t.period, t.metric, t.value) for t in session.scalars(select(KpiTarget).where(KpiTarget.member_id == e1.id)))
    assert targets == [("2026-12", "complaints", 1), ("2026Q4", "new_customers", 9)]


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("target <@U0E1>", "Use `/kpi target @user"),
        ("target sunli revenue 5", "“sunli” is not a person"),
        ("target <@U0ZZ9> revenue 5", "<@U0ZZ9> is not on your team"),
        ("target <@U0E1> happiness 5", "“happiness” is not a metric"),
        ("target <@U0E1> revenue -5", "A target cannot be negative"),
        ("target <@U0E1> revenue 5 next-year", "“next-year” is not a period"),
    ],
)
def test_bad_targets_are_explained_and_nothing_written(driver, kpi_team, text, says):
    speaks(driver, "en-US", "U0MGR")
    before = row_counts()
    result = driver.command("U0MGR", "/kpi", text)
    assert says in result.reply_text
    assert row_counts() == before


def test_team_table_for_managers_only(driver, kpi_team):
    speaks(driver, "en-US", "U0MGR", "U0A1")
    refused = driver.command("U0A1", "/kpi", "team")
    assert "Only managers can use `/kpi team`" in refused.reply_text
    text = driver.command("U0MGR", "/kpi", "team").reply_text
    assert "*Team KPI pace* · December 2026 · Q4 2026" in text
    ranked = re.findall(r"^\*(\d)\.\* <@(U\w+)>", text, flags=re.MULTILINE)
    assert ranked[:4] == [("1", "U0B1"), ("2", "U0C1"), ("3", "U0A1"), ("4", "U0D1")]
    assert "most behind: New customers 3 vs 7.1" in text
    assert "No targets yet: <@U0E1>" in text


def test_manager_looks_at_one_member(driver, kpi_team):
    speaks(driver, "en-US", "U0MGR", "U0A1")
    text = driver.command("U0MGR", "/kpi", "<@U0C1|zhaolei>").reply_text
    assert "*KPI pace of <@U0C1>*" in text and "*December 2026*" in text
    assert "Only managers" in driver.command("U0A1", "/kpi", "<@U0C1>").reply_text


def test_strangers_are_told_they_are_not_members(driver, kpi_team):
    speaks(driver, "en-US", "U0NOBODY")
    before = row_counts()
    result = driver.command("U0NOBODY", "/kpi", "log praise 1")
    assert "not a member of any ambot team" in result.reply_text
    assert row_counts() == before
