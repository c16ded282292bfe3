"""`jobs run kpi_nudges --at …` on the KPI test team: the expected DMs, then none."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from jobs import registry
from jobs.kpi import kpi_nudges_trigger
from storage.models import OutboxMessage, Team
from tests import kpi_scenario as scenario
from tests.helpers import db, runner


@pytest.fixture
def kpi_team(database):
    with database.session_scope() as session:
        return scenario.load(session)


def english(driver, *users):
    for user in users:
        driver.fake.users[user] = {"locale": "en-US", "tz": "Asia/Shanghai"}


def set_locale(slack_id: str, locale: str) -> None:
    with db.session_scope() as session:
        scenario.member(session, slack_id).locale = locale


def test_monday_run_nudges_each_rep_behind_once_and_a_second_run_sends_none(driver, kpi_team):
    set_locale("U0A1", "en-US")
    set_locale("U0C1", "en-US")
    set_locale("U0B1", "en-US")
    report = runner.run_now("kpi_nudges", at=scenario.NUDGE_AT)
    assert (report.queued, report.delivery.sent, report.delivery.failed) == (3, 3, 0)

    [a1] = driver.fake.dm_texts("U0A1")
    assert "*New customers* is furthest behind for Q4 2026: 3 so far, 7.1 expected by today (target 10)" in a1
    assert "2 key customers are past their visit cadence: 华东制造集团, 星海银行" in a1
    assert "长江物流" not in a1

    [c1] = driver.fake.dm_texts("U0C1")
    assert "*Revenue* is furthest behind for Q4 2026" in c1
    assert "2 follow-ups are overdue" in c1

    [b1] = driver.fake.dm_texts("U0B1")
    assert "on or ahead of pace on every target" in b1 and "Well done" in b1

    assert driver.fake.dm_texts("U0D1") == []  # behind, but away this week
    assert driver.fake.dm_texts("U0E1") == []  # no targets, nothing to say

    again = runner.run_now("kpi_nudges", at=scenario.NUDGE_AT + timedelta(hours=3))
    assert (again.queued, again.delivery.sent) == (0, 0)
    assert len(driver.fake.calls_to("chat.postMessage")) == 3


def test_next_week_nudges_again_but_the_well_done_waits_for_next_month(driver, kpi_team):
    runner.run_now("kpi_nudges", at=scenario.NUDGE_AT)
    next_monday = scenario.NUDGE_AT + timedelta(days=7)
    report = runner.run_now("kpi_nudges", at=next_monday)
    recipients = sorted(c.body["channel"] for c in driver.fake.calls_to("chat.postMessage"))
    # 刘洋 is back from leave and behind; 李娜 had her well-done for December already.
    assert recipients == ["U0A1", "U0A1", "U0B1", "U0C1", "U0C1", "U0D1"]
    assert report.queued == 3
    with db.session_scope() as session:
        keys = sorted(session.execute(select(OutboxMessage.recipient, OutboxMessage.period)).all())
    assert keys == [("U0A1", "2026-W50"), ("U0A1", "2026-W51"), ("U0B1", "2026-12"), ("U0C1", "2026-W50"),
                    ("U0C1", "2026-W51"), ("U0D1", "2026-W51")]


def test_nudges_speak_the_team_language_by_default(driver, kpi_team):
    runner.run_now("kpi_nudges", at=scenario.NUDGE_AT)
    [a1] = driver.fake.dm_texts("U0A1")
    assert "*新增客户*" in a1 and "华东制造集团" in a1 and "下一步" in a1


def test_customer_names_in_a_nudge_are_escaped(driver, kpi_team):
    with db.session_scope() as session:
        scenario.customer(session, "星海银行").name = "<!channel> & Co"
    runner.run_now("kpi_nudges", at=scenario.NUDGE_AT)
    [a1] = driver.fake.dm_texts("U0A1")
    assert "&lt;!channel&gt; &amp; Co" in a1 and "<!channel>" not in a1


def test_kpi_nudges_is_registered_with_the_team_schedule():
    spec = registry.get("kpi_nudges")
    assert spec is not None and spec.run is not None
    default = registry.TeamSchedule(1, "Asia/Shanghai", "fri", "16:00", {})
    assert kpi_nudges_trigger(default) == {"trigger": "cron", "day_of_week": "mon", "hour": 9, "minute": 30, "timezone": "Asia/Shanghai"}
    custom = registry.TeamSchedule(1, "Europe/London", "fri", "16:00", {"kpi_nudges": {"day": "tue", "time": "08:05"}})
    assert kpi_nudges_trigger(custom) == {"trigger": "cron", "day_of_week": "tue", "hour": 8, "minute": 5, "timezone": "Europe/London"}


def test_the_trigger_fires_at_team_time(kpi_team):
    from apscheduler.triggers.cron import CronTrigger

    with db.session_scope() as session:
        team = session.scalar(select(Team))
        schedule = registry.TeamSchedule(team.id, team.timezone, team.meeting_day, team.meeting_time, dict(team.schedule or {}))
    args = dict(kpi_nudges_trigger(schedule))
    args.pop("trigger")
    fire = CronTrigger(**args).get_next_fire_time(None, datetime(2026, 12, 5, tzinfo=UTC))
    assert fire.astimezone(UTC) == scenario.NUDGE_AT


def test_jobs_run_on_the_demo_team_from_the_command_line(fake_slack, tmp_path, bot_cli):
    """`bot.py jobs run kpi_nudges --at …` on the demo team: one DM per rep behind pace,
    each naming their most-behind metric; a second run sends nothing."""
    from console.demo_seed import load_demo_team, seed_history
    from core.settings import Settings
    from services import kpi
    from storage.db import Database
    from tests.conftest import BOT_TOKEN

    at = datetime(2026, 12, 7, 1, 30, tzinfo=UTC)  # Monday 09:30 in Shanghai
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    demo = Database(url)
    demo.migrate()
    with demo.session_scope() as session:
        team = load_demo_team(session, at - timedelta(days=90))
        seed_history(session, team, scenario.TODAY)
        pace = kpi.team_pace(session, team.id, scenario.TODAY)
        behind = {rep.slack_id: rep.worst[1].metric_key for rep in pace.reps if rep.worst}
    demo.dispose()
    assert len(behind) >= 3  # the demo has something to nudge about

    settings = Settings.from_env({"DATABASE_URL": url, "SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_API_URL": fake_slack.api_url, "AMBOT_LANG": "en", "LANG": "C.UTF-8"})

    def run():
        return bot_cli("jobs", "run", "kpi_nudges", "--at", "2026-12-07T09:30+08:00", settings=settings)

    fake_slack.reset()
    first = run()
    assert first.returncode == 0, first.stderr
    assert f"queued {len(behind)}, delivered {len(behind)}, failed 0" in first.stdout
    sent = {c.body["channel"]: c.body["text"] for c in fake_slack.calls_to("chat.postMessage")}
    assert set(sent) == set(behind)
    names = {"complaints": "*投诉*", "revenue": "*消费额*", "visits": "*拜访*", "new_customers": "*新增客户*", "lost_customers": "*流失客户*"}
    for slack_id, metric in behind.items():
        assert names[metric] in sent[slack_id] and "*下一步：*" in sent[slack_id]

    second = run()
    assert second.returncode == 0 and "queued 0, delivered 0, failed 0" in second.stdout
    assert len(fake_slack.calls_to("chat.postMessage")) == len(behind)
