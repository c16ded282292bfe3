"""Question metrics over signed requests: time to first response and to answer per topic and
level, SLA hit rate and deflection in `/digest manager` and `bot.py export questions`;
unanswered questions past their SLA in the digest with who holds them."""

from __future__ import annotations

import csv
from datetime import timedelta

from core import clock
from exports import write_export
from services import knowledge
from services.knowledge import EntryFields
from tests.e2e.question_helpers import (
    MONDAY_10,
    button,
    member_id,
    qteam_fixture,  # noqa: F401 - the `qteam` fixture
    questions,
    speaks,
)
from tests.helpers import current_database, db


def history(driver, qteam) -> None:
    """Monday 10:00: two circuit questions at level 1 (U0S1). One is claimed after 30 working
    minutes and answered an hour later; the other is never claimed. A third question is
    answered by the knowledge base before anyone is asked."""
    with db.session_scope() as s:
        knowledge.seed_entry(s, qteam, None, EntryFields("发票抬头错了怎么重开？", "作废后提交更正单，1 个工作日内重开。", "billing", ()), member_id("U0S1"), MONDAY_10 - timedelta(days=30))
    driver.command("U0A1", "/ask", "#circuit 苏州专线资源核查要多久？")
    driver.command("U0B1", "/ask", "#circuit 北京机房光纤割接窗口是哪天？")
    first = driver.fake.messages["DU0S1"][0]
    clock.freeze(MONDAY_10 + timedelta(minutes=30))
    driver.press("U0S1", button(first, "question_claim"), message=first, channel_id="DU0S1")
    clock.freeze(MONDAY_10 + timedelta(minutes=90))
    driver.press("U0S1", button(first, "question_answer"), message=first, channel_id="DU0S1")
    form = driver.fake.calls_to("views.open")[-1].response["view"]
    driver.submit("U0S1", form, {"answer": {"answer": {"type": "plain_text_input", "value": "3 个工作日。"}}})
    deflection = driver.command("U0A1", "/ask", "客户发票抬头开错了，能重开吗")
    driver.press("U0A1", button(deflection.reply, "ask_deflected"))
    clock.freeze(MONDAY_10 + timedelta(days=7, hours=-1))  # the next Monday, 09:00 in Shanghai


def test_the_manager_digest_shows_metrics_deflection_and_who_holds_late_questions(driver, qteam):
    history(driver, qteam)
    text = driver.command("U0MGR", "/digest", "manager").reply_text
    assert "Question metrics, last 28 days (working time)" in text
    assert "2 asked · 1 answered by the knowledge base instead (deflection rate 33%)" in text
    assert "SLA met 1 of 2 (50%)" in text
    assert "#circuit · level 1 — 2 asked · median 30 min to first response, 1 h 30 min to answer · SLA 1/2" in text
    assert "Last week 1 question was answered by the knowledge base before anyone was asked." in text
    late = questions()[1]
    assert f"Past its SLA: #{late.id}" in text and "with <@U0S1>" in text
    speaks("U0MGR", "zh-CN")
    chinese = driver.command("U0MGR", "/digest", "manager").reply_text
    assert "问题指标（近 28 天，按工作时间）" in chinese and "分流率 33%" in chinese and "SLA 达标 1 / 2（50%）" in chinese


def test_the_export_keeps_the_spec_columns_first_and_adds_the_metrics(driver, qteam, tmp_path):
    history(driver, qteam)
    out = tmp_path / "questions.csv"
    assert write_export(current_database(), "questions", since=None, fmt="csv", output=str(out)) == 2
    rows = list(csv.reader(out.open(encoding="utf-8-sig")))
    assert rows[0] == [
        "asked_at", "asker", "topic", "level", "assignee", "status", "claimed_at", "answered_at", "question", "answer",
        "routed_level", "first_response_minutes", "answer_minutes", "sla_minutes", "sla_met", "escalations", "knowledge_entry",
    ]
    answered, late = (dict(zip(rows[0], r, strict=True)) for r in rows[1:])
    assert (answered["first_response_minutes"], answered["answer_minutes"], answered["sla_minutes"], answered["sla_met"]) == ("30", "90", "120", "yes")
    assert (late["first_response_minutes"], late["answer_minutes"], late["sla_met"], late["routed_level"]) == ("", "", "no", "1")
