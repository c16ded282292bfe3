"""`question_escalation` on a frozen clock: the SLA counts working hours only (a weekend
does not count), a question moves up one level at a time and past level 3 to the manager,
claimers are reminded once, and two schedulers at once notify once."""

from __future__ import annotations

import csv
import io
import threading
from datetime import UTC, datetime

import pytest

from core import clock
from exports import write_export
from jobs import questions as question_job
from jobs import registry
from slackio.driver import visible_text
from storage.models import Member, OutboxMessage
from tests.e2e.question_helpers import (
    button,
    member_id,
    only_question,
    qteam_fixture,  # noqa: F401 - the `qteam` fixture
)
from tests.helpers import current_database, db, runner

FRIDAY_17 = datetime(2026, 12, 4, 9, 0, tzinfo=UTC)  # Friday 17:00 in Shanghai
SATURDAY_NOON = datetime(2026, 12, 5, 4, 0, tzinfo=UTC)
MONDAY_0959 = datetime(2026, 12, 7, 1, 59, tzinfo=UTC)
MONDAY_10 = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)  # 1 h on Friday + 1 h on Monday = the 2 h SLA
MONDAY_14 = datetime(2026, 12, 7, 6, 0, tzinfo=UTC)  # + the 4 h of level 2
TUESDAY_13 = datetime(2026, 12, 8, 5, 0, tzinfo=UTC)  # + the 8 h (480 min) of level 3


def run(at: datetime) -> int:
    clock.freeze(at)
    return runner.run_now("question_escalation", at).queued


def texts_to(driver, user: str) -> list[str]:
    return [visible_text(c.body) for c in driver.fake.calls_to("chat.postMessage") if c.body.get("channel") == user]


def test_job_is_registered_every_minute(qteam):
    spec = registry.get("question_escalation")
    assert spec is not None and spec.run is not None and spec.trigger is not None
    assert spec.trigger(registry.TeamSchedule(1, "Asia/Shanghai", "fri", "16:00", {})) == {"trigger": "interval", "minutes": 1}


def test_unclaimed_question_moves_up_after_its_working_hours_sla_across_a_weekend(driver, qteam):
    clock.freeze(FRIDAY_17)
    driver.command("U0A1", "/ask", "#circuit MPLS Shanghai–Suzhou, 100M?")
    question = only_question()
    assert question.sla_due_at == MONDAY_10
    driver.fake.reset()

    assert run(SATURDAY_NOON) == 0
    assert run(MONDAY_0959) == 0
    assert driver.fake.calls_to("chat.postMessage") == []

    assert run(MONDAY_10) == 3
    row = only_question()
    assert (row.level, row.assignee_id, row.status, row.escalations, row.sla_due_at) == (2, member_id("U0S2"), "open", 1, MONDAY_14)
    assert any("Escalated to you from level 1: nobody claimed it in time." in t for t in texts_to(driver, "U0S2"))
    assert any("moved up to <@U0S2> (level 2). It is off your list." in t for t in texts_to(driver, "U0S1"))
    asker = [c.body for c in driver.fake.calls_to("chat.postMessage") if c.body.get("channel") == "U0A1"]
    assert len(asker) == 1 and asker[0]["thread_ts"] == row.asker_ts
    shown = visible_text(dict(asker[0], text=""))
    assert "moved up to <@U0S2> (level 2)" in shown and "Lead time for #circuit" in shown
    assert "<@" not in asker[0]["text"] and "moved up to @" in asker[0]["text"]  # the notification names people
    new_card = driver.fake.messages["DU0S2"][-1]
    assert button(new_card, "question_claim")["value"] == str(row.id)

    assert run(datetime(2026, 12, 7, 2, 1, tzinfo=UTC)) == 0  # nothing twice
    assert run(MONDAY_14) == 3 and only_question().assignee_id == member_id("U0S3")
    assert run(TUESDAY_13) == 3
    row = only_question()
    assert (row.level, row.assignee_id, row.sla_due_at, row.escalations) == (3, member_id("U0MGR"), None, 3)
    assert any("comes to you as the team's manager" in t for t in texts_to(driver, "U0MGR"))
    assert any("now with your manager <@U0MGR>" in t for t in texts_to(driver, "U0A1"))
    assert run(datetime(2026, 12, 9, 5, 0, tzinfo=UTC)) == 0


def test_a_claimed_question_is_not_escalated_but_its_claimer_is_reminded_once(driver, qteam):
    clock.freeze(MONDAY_10)
    driver.command("U0A1", "/ask", "#circuit MPLS to Wuxi?")
    clock.freeze(datetime(2026, 12, 7, 2, 30, tzinfo=UTC))
    message = driver.fake.messages["DU0S1"][-1]
    driver.press("U0S1", button(message, "question_claim"), message=message, channel_id="DU0S1")
    assert only_question().sla_due_at == datetime(2026, 12, 7, 4, 30, tzinfo=UTC)
    driver.fake.reset()
    assert run(datetime(2026, 12, 7, 4, 29, tzinfo=UTC)) == 0
    assert run(datetime(2026, 12, 7, 4, 30, tzinfo=UTC)) == 1
    reminder = driver.fake.calls_to("chat.postMessage")[-1].body
    assert reminder["channel"] == "U0S1" and "Reminder: you claimed question #1" in reminder["text"]
    assert reminder["thread_ts"] == only_question().assignee_ts
    assert button(reminder, "question_answer")
    assert run(datetime(2026, 12, 8, 9, 0, tzinfo=UTC)) == 0
    row = only_question()
    assert (row.status, row.level, row.reminded_at) == ("claimed", 1, datetime(2026, 12, 7, 4, 30, tzinfo=UTC))


@pytest.mark.real_commits  # two schedulers race on their own connections
def test_two_schedulers_at_once_move_and_notify_once(driver, qteam, database):
    clock.freeze(FRIDAY_17)
    driver.command("U0A1", "/ask", "#circuit MPLS twice?")
    team_id = qteam
    queued: list[int] = []
    start = threading.Barrier(2)

    def scheduler() -> None:
        start.wait()
        with database.session_scope() as session:
            queued.append(question_job.run(session, team_id, MONDAY_10))

    threads = [threading.Thread(target=scheduler) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(queued) == [0, 3]
    assert only_question().escalations == 1
    with db.session_scope() as s:
        rows = s.query(OutboxMessage).filter(OutboxMessage.job == "question_escalation").all()
        assert sorted(r.recipient for r in rows) == ["U0A1", "U0S1", "U0S2"]
        assert {r.period for r in rows} == {"q1-e1-L2"}


def test_nobody_above_stops_the_clock(driver, qteam):
    clock.freeze(FRIDAY_17)
    driver.command("U0A1", "/ask", "#circuit !3 MPLS big deal?")
    assert only_question().level == 3
    with db.session_scope() as s:  # a team without a manager
        s.query(Member).filter(Member.slack_id == "U0MGR").update({"roles": ["rep"]})
    assert run(TUESDAY_13) == 0
    row = only_question()
    assert (row.assignee_id, row.sla_due_at) == (member_id("U0S3"), None)


def test_export_questions_has_the_spec_columns(driver, qteam, capsys, tmp_path):
    clock.freeze(MONDAY_10)
    driver.command("U0A1", "/ask", "#circuit MPLS, \"quoted\" and, commas?")
    message = driver.fake.messages["DU0S1"][-1]
    driver.press("U0S1", button(message, "question_answer"), message=message, channel_id="DU0S1")
    form = driver.fake.calls_to("views.open")[-1].response["view"]
    driver.submit("U0S1", form, {"answer": {"answer": {"type": "plain_text_input", "value": "三个工作日"}}})
    assert write_export(current_database(), "questions", since="2026-12-07", fmt="csv", output=None) == 1
    table = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    # The SPEC §7 columns first; the metrics after them (test_question_metrics.py).
    assert table[0][:10] == ["asked_at", "asker", "topic", "level", "assignee", "status", "claimed_at", "answered_at", "question", "answer"]
    assert table[1][:10] == [
        "2026-12-07T10:00:00+08:00", "U0A1", "circuit", "1", "U0S1", "answered", "2026-12-07T10:00:00+08:00",
        "2026-12-07T10:00:00+08:00", 'MPLS, "quoted" and, commas?', "三个工作日",
    ]
    assert write_export(current_database(), "questions", since="2026-12-08", fmt="csv", output=None) == 0
    capsys.readouterr()
    target = tmp_path / "questions.xlsx"
    assert write_export(current_database(), "questions", since=None, fmt="xlsx", output=str(target)) == 1
    from openpyxl import load_workbook

    sheet = load_workbook(target).active
    assert sheet is not None
    assert [c.value for c in sheet[1]][:3] == ["asked_at", "asker", "topic"]
