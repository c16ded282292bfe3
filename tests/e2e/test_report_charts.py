"""Each report's chart reaches Slack through `files_upload_v2` — the fake's
`files.getUploadURLExternal`, the upload to its URL and `files.completeUploadExternal` —
as a valid PNG in the report's own thread (the manager digest: each manager's DM), with
alt text in the reader's language; `/kpi team` sends its chart to the asker's DM. Through
the outbox a chart is retried like any post and never uploaded twice."""

from __future__ import annotations

import io
import json
from datetime import timedelta

import pytest
from PIL import Image
from sqlalchemy import select, update

from core import clock
from services.weekly_summary import weekly_summary
from storage.models import Member, OutboxMessage
from tests import kpi_scenario
from tests import reports_scenario as scenario
from tests.helpers import db, runner, sender

PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def demo(database):
    with database.session_scope() as session:
        return scenario.load(session)


def uploads(fake):
    """(getUploadURLExternal, upload, completeUploadExternal) calls, one triple per file."""
    return fake.calls_to("files.getUploadURLExternal"), fake.calls_to("upload"), fake.calls_to("files.completeUploadExternal")


def assert_png(data: bytes) -> Image.Image:
    assert data.startswith(PNG)
    image = Image.open(io.BytesIO(data))
    image.verify()
    return Image.open(io.BytesIO(data))


def test_the_weekly_summary_posts_its_chart_in_its_own_thread(driver, demo):
    report = runner.run_now("weekly_summary", at=scenario.FRIDAY)
    assert report.delivery.failed == 0
    [summary] = driver.fake.calls_to("chat.postMessage")
    [asked], [sent], [done] = uploads(driver.fake)
    assert done.body["channel_id"] == "C0TEAM" and done.body["thread_ts"] == summary.response["ts"]
    [item] = json.loads(done.body["files"])
    assert item["id"] == asked.response["file_id"] and item["title"] == "每周拜访，2026年第4季度"
    assert asked.response["upload_url"].endswith(f"/upload/{item['id']}") and sent.path == f"/upload/{item['id']}"
    [file] = driver.fake.shared_files("C0TEAM")
    assert assert_png(file.data).size == (800, 360)
    assert file.filename.startswith("weekly-visits-") and file.filename.endswith(".png")
    assert file.alt_txt.startswith("柱状图：2026年第4季度团队每周的拜访次数") and "第49周：拜访" in file.alt_txt
    # The summary says everything without the picture: the chart is a reply beside it.
    assert "例会摘要" in summary.body["text"] and "files" not in summary.body
    thread = driver.fake.messages["C0TEAM"]
    assert [m.get("thread_ts") for m in thread] == [None, summary.response["ts"]]
    assert thread[1]["files"][0]["id"] == item["id"]


def test_the_digest_chart_reaches_each_manager_in_their_language_drawn_once_per_language(driver, demo):
    with db.session_scope() as session:
        team_id = scenario.member(session, "U0MGR").team_id
        session.add(Member(team_id=team_id, slack_id="U0MGR2", name="Grace", roles=["manager"], locale="en-GB", tz="Europe/London", active=True))
        session.add(Member(team_id=team_id, slack_id="U0MGR3", name="周敏", roles=["manager"], locale="zh-CN", active=True))
    runner.run_now("manager_digest", at=scenario.MONDAY)
    _, _, completed = uploads(driver.fake)
    assert len(completed) == 3
    posts = {c.body["channel"]: c.response for c in driver.fake.calls_to("chat.postMessage")}
    by_channel = {c.body["channel_id"]: c.body for c in completed}
    for manager in ("U0MGR", "U0MGR2", "U0MGR3"):
        assert by_channel["D" + manager]["thread_ts"] == posts[manager]["ts"]
    chinese, english, other = (driver.fake.shared_files(m)[0] for m in ("U0MGR", "U0MGR2", "U0MGR3"))
    assert chinese.title == "各主题问题量与 SLA 达成，近 28 天" and english.title == "Questions by topic and SLA, last 28 days"
    assert chinese.alt_txt.startswith("柱状图：近 28 天各主题的提问数") and "提问" in chinese.alt_txt
    assert english.alt_txt.startswith("Bar chart of the questions asked per topic in the last 28 days")
    assert chinese.data == other.data != english.data  # one drawing per language, shared by its readers
    assert_png(english.data)


def test_a_failed_upload_is_retried_and_the_chart_goes_out_once(driver, demo):
    driver.fake.fail("files.completeUploadExternal", status=200, error="internal_error")
    first = runner.run_now("weekly_summary", at=scenario.FRIDAY)
    assert first.delivery.sent == 2 and first.delivery.failed == 0
    assert len(driver.fake.calls_to("files.completeUploadExternal", ok_only=False)) == 2
    assert len(driver.fake.shared_files("C0TEAM")) == 1


def test_a_sender_that_died_after_the_upload_does_not_upload_again(driver, demo):
    runner.run_now("weekly_summary", at=scenario.FRIDAY)
    assert len(driver.fake.shared_files("C0TEAM")) == 1
    with db.session_scope() as session:  # as if the sender vanished before recording it
        session.execute(
            update(OutboxMessage).where(OutboxMessage.period == "2026-W49#chart")
            .values(status="sending", lease_until=scenario.FRIDAY, slack_ts=None)
        )
    report = sender().drain_until_empty(scenario.FRIDAY + timedelta(minutes=5), timeout=10)
    assert (report.recovered, report.sent) == (1, 0)
    assert len(driver.fake.shared_files("C0TEAM")) == 1
    with db.session_scope() as session:
        assert session.scalar(select(OutboxMessage.status).where(OutboxMessage.period == "2026-W49#chart")) == "sent"


def test_a_chart_for_a_channel_the_bot_left_fails_with_its_summary(driver, demo):
    driver.fake.keep_out("C0TEAM", "not_in_channel")
    report = runner.run_now("weekly_summary", at=scenario.FRIDAY)
    assert report.delivery.failed == 2
    assert uploads(driver.fake) == ([], [], [])


@pytest.fixture
def kpi_team(database):
    with database.session_scope() as session:
        team_id = kpi_scenario.load(session)
    clock.freeze(kpi_scenario.NUDGE_AT)
    return team_id


@pytest.mark.parametrize(("locale", "title", "alt"), [
    ("en-US", "KPI pace against expected to date · December 2026 · Q4 2026", "Bar chart of KPI pace for 4 reps against expected to date (December 2026 / Q4 2026)."),
    ("zh-CN", "KPI 进度（对比截至目前应完成） · 2026年12月 · 2026年第4季度", "条形图：4 名销售的 KPI 进度，对比截至目前应完成（2026年12月 / 2026年第4季度）。"),
])
def test_kpi_team_sends_its_chart_to_the_managers_dm(driver, kpi_team, locale, title, alt):
    driver.fake.users["U0MGR"] = {"locale": locale, "tz": "Asia/Shanghai"}
    result = driver.command("U0MGR", "/kpi", "team")
    assert result.replies and result.replies[0]["response_type"] == "ephemeral"
    [done] = driver.fake.calls_to("files.completeUploadExternal")
    assert done.body["channel_id"] == "DU0MGR" and "thread_ts" not in done.body
    assert "/kpi team" in done.body["initial_comment"]
    [file] = driver.fake.shared_files("U0MGR")
    assert (file.title, file.filename) == (title, "kpi-pace.png")
    assert file.alt_txt.startswith(alt)
    assert_png(file.data)
    assert driver.fake.shared_files("C0GENERAL") == []  # never in the channel the command came from
    methods = [c.method for c in driver.fake.calls]
    assert methods.index("response_url") < methods.index("files.getUploadURLExternal")  # the answer first


def test_kpi_team_for_a_non_manager_uploads_nothing(driver, kpi_team):
    driver.fake.users["U0A1"] = {"locale": "en-US", "tz": "Asia/Shanghai"}
    assert "Only managers" in driver.command("U0A1", "/kpi", "team").reply_text
    assert uploads(driver.fake) == ([], [], [])


def test_the_charts_numbers_agree_with_the_summary(demo):
    with db.session_scope() as session:
        summary = weekly_summary(session, demo, scenario.FRIDAY)
    assert summary.quarter is not None
    weeks = summary.quarter.weeks
    assert (weeks[0].monday, weeks[-1].monday) == (scenario.TODAY.replace(month=9, day=28), summary.monday)
    assert weeks[-1].visits == summary.visits and weeks[-1].past_cadence == summary.agenda.customers_total
    assert sum(w.visits for w in weeks) > summary.visits
