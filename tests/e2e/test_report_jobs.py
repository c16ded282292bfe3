"""`weekly_summary` and `manager_digest` through the outbox: once per team and week,
once per manager and week, in each reader's language, a holiday note instead of a
summary, and a large team's full table as thread replies."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from jobs import registry
from jobs.reports import manager_digest_trigger, summary_fire_time, weekly_summary_trigger
from slackio.driver import visible_text
from slackio.fake_api import validate_blocks
from storage.models import Member, OutboxMessage
from tests import reports_scenario as scenario
from tests.helpers import db, runner


@pytest.fixture
def demo(database):
    with database.session_scope() as session:
        return scenario.load(session)


def outbox_keys(job: str) -> list[tuple[str, str]]:
    with db.session_scope() as session:
        return sorted(session.execute(select(OutboxMessage.recipient, OutboxMessage.period).where(OutboxMessage.job == job)).all())


def test_the_summary_reaches_the_team_channel_once_a_week(driver, demo):
    report = runner.run_now("weekly_summary", at=scenario.FRIDAY)
    assert (report.queued, report.delivery.sent, report.delivery.failed) == (1, 2, 0)  # the summary and its chart
    [post] = driver.fake.calls_to("chat.postMessage")
    assert post.body["channel"] == "C0TEAM"
    text = visible_text(post.body)
    assert "例会摘要 · 政企客户一部 · 第 49 周" in text and "议程" in text and "&lt;!channel&gt;" in text and "<!channel>" not in text
    again = runner.run_now("weekly_summary", at=scenario.FRIDAY + timedelta(minutes=20))
    assert (again.queued, again.delivery.sent) == (0, 0)
    assert len(driver.fake.calls_to("chat.postMessage")) == 1
    assert outbox_keys("weekly_summary") == [("C0TEAM", "2026-W49"), ("C0TEAM", "2026-W49#chart")]
    assert len(driver.fake.shared_files()) == 1
    runner.run_now("weekly_summary", at=scenario.FRIDAY + timedelta(days=7))
    assert [p for _, p in outbox_keys("weekly_summary")] == ["2026-W49", "2026-W49#chart", "2026-W50", "2026-W50#chart"]


def test_on_a_public_holiday_a_note_goes_instead_once(driver, demo):
    national_day = datetime(2026, 10, 2, 7, 30, tzinfo=UTC)  # Friday 15:30, 国庆节
    first = runner.run_now("weekly_summary", at=national_day)
    second = runner.run_now("weekly_summary", at=national_day + timedelta(hours=1))
    assert (first.queued, second.queued) == (1, 0)
    [post] = driver.fake.calls_to("chat.postMessage")
    assert post.body["channel"] == "C0TEAM" and "本周没有例会摘要" in post.body["text"] and "10月2日周五" in post.body["text"]
    assert outbox_keys("weekly_summary") == [("C0TEAM", "2026-W40")]


def test_the_digest_reaches_each_manager_once_in_their_language(driver, demo):
    with db.session_scope() as session:
        team_id = scenario.member(session, "U0MGR").team_id
        session.add(Member(team_id=team_id, slack_id="U0MGR2", name="Grace", roles=["manager"], locale="en-GB", tz="Europe/London", active=True))
    report = runner.run_now("manager_digest", at=scenario.MONDAY)
    assert (report.queued, report.delivery.failed) == (2, 0)
    [chinese] = driver.fake.dm_texts("U0MGR")
    [english] = driver.fake.dm_texts("U0MGR2")
    assert chinese.startswith("政企客户一部 经理摘要：今天有 4 件事需要你处理")
    assert english.startswith("Manager digest for 政企客户一部: 4 things need your action today")
    grace = visible_text(next(c.body for c in driver.fake.calls_to("chat.postMessage") if c.body["channel"] == "U0MGR2"))
    assert "Needs your action today" in grace and "<@U0REP9>" in grace and "Overdue follow-ups" in grace
    again = runner.run_now("manager_digest", at=scenario.MONDAY + timedelta(hours=2))
    assert (again.queued, again.delivery.sent) == (0, 0)
    assert [k for k in outbox_keys("manager_digest") if "#" not in k[1]] == [("U0MGR", "2026-W50"), ("U0MGR2", "2026-W50")]


def test_a_large_team_fits_one_message_and_the_full_table_follows_in_the_thread(driver, demo):
    with db.session_scope() as session:
        scenario.add_reps(session, demo, 60)
    report = runner.run_now("weekly_summary", at=scenario.FRIDAY)
    assert report.delivery.failed == 0
    posts = driver.fake.calls_to("chat.postMessage")
    first, replies = posts[0], posts[1:]
    assert validate_blocks(first.body["blocks"], limit=50) == [] and len(first.body["blocks"]) <= 50
    assert "……另有 54 项，完整表格见消息串" in visible_text(first.body)  # 69 reps, 15 shown
    assert replies and all(r.body["thread_ts"] == first.response["ts"] for r in replies)
    table = "\n".join(visible_text(r.body) for r in replies)
    assert all(f"rep X{i:04d} |" in table for i in range(60)) and "张伟 |" in table and "吴磊 |" in table
    again = runner.run_now("weekly_summary", at=scenario.FRIDAY + timedelta(minutes=5))
    assert again.queued == 0 and len(driver.fake.calls_to("chat.postMessage")) == len(posts)

    digest = runner.run_now("manager_digest", at=scenario.MONDAY)
    dms = [c for c in driver.fake.calls_to("chat.postMessage") if c.body["channel"] in ("U0MGR", "DU0MGR")]
    assert digest.delivery.failed == 0 and len(dms) >= 2
    assert all(c.body["thread_ts"] == dms[0].response["ts"] and c.body["channel"] == "DU0MGR" for c in dms[1:])
    assert "rep X0059 |" in "\n".join(visible_text(c.body) for c in dms[1:])


def test_triggers_follow_the_team_schedule():
    jobs = registry.all_jobs()
    assert jobs["weekly_summary"].run is not None and jobs["manager_digest"].run is not None
    default = registry.TeamSchedule(1, "Asia/Shanghai", "fri", "16:00", {})
    assert weekly_summary_trigger(default) == {"trigger": "cron", "day_of_week": "fri", "hour": 15, "minute": 30, "timezone": "Asia/Shanghai"}
    assert manager_digest_trigger(default) == {"trigger": "cron", "day_of_week": "mon", "hour": 8, "minute": 30, "timezone": "Asia/Shanghai"}
    custom = registry.TeamSchedule(1, "Europe/London", "mon", "00:15", {"weekly_summary": {"before_meeting_minutes": 45}, "manager_digest": {"day": "tue", "time": "07:05"}})
    assert weekly_summary_trigger(custom) == {"trigger": "cron", "day_of_week": "sun", "hour": 23, "minute": 30, "timezone": "Europe/London"}
    assert manager_digest_trigger(custom) == {"trigger": "cron", "day_of_week": "tue", "hour": 7, "minute": 5, "timezone": "Europe/London"}
    assert summary_fire_time("wed", "09:00", 0) == ("wed", 9, 0)


def test_the_summary_trigger_fires_at_team_time(demo):
    from apscheduler.triggers.cron import CronTrigger

    with db.session_scope() as session:
        team = scenario.member(session, "U0MGR").team
        schedule = registry.TeamSchedule(team.id, team.timezone, team.meeting_day, team.meeting_time, dict(team.schedule or {}))
    for trigger, expected in ((weekly_summary_trigger, scenario.FRIDAY), (manager_digest_trigger, scenario.MONDAY)):
        args = dict(trigger(schedule))
        args.pop("trigger")
        assert CronTrigger(**args).get_next_fire_time(None, datetime(2026, 12, 3, 16, tzinfo=UTC)).astimezone(UTC) == expected
