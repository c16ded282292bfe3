"""Every Slack request is checked as Slack signs it, and every command explains itself."""

from __future__ import annotations

import time

import pytest

from slackio.ids import ALL_COMMANDS
from slackio.requests import slash_command_body
from tests.helpers import row_counts


def test_bad_signature_is_refused_with_401(driver):
    body = slash_command_body("/amteam", "help", "U0X", response_url=driver.fake.response_url())
    result = driver.post(body, signature="v0=" + "0" * 64)
    assert result.status == 401
    assert driver.fake.calls == []


def test_stale_timestamp_is_refused_with_401(driver):
    body = slash_command_body("/amteam", "help", "U0X", response_url=driver.fake.response_url())
    result = driver.post(body, timestamp=int(time.time()) - 6 * 60)
    assert result.status == 401


def test_signed_request_is_answered(driver):
    result = driver.command("U0X", "/amteam", "help")
    assert result.status == 200
    assert "/amteam setup" in result.reply_text


@pytest.mark.parametrize("command", ALL_COMMANDS)
@pytest.mark.parametrize("text", ["help", "", "xyzzy-garbage 123"])
def test_every_command_answers_help_empty_and_garbage(driver, team, command, text):
    before = row_counts()
    result = driver.command("U0A1", command, text)
    assert result.status == 200
    after = row_counts()
    assert {k: v for k, v in after.items() if k != "processed_requests"} == {
        k: v for k, v in before.items() if k != "processed_requests"
    }
    opened = driver.fake.calls_to("views.open")
    if opened and not text:
        return  # `/visit` and `/ask` alone open their form, as the SPEC says
    assert result.answered, f"{command} {text!r} gave no visible answer"
    reply = result.reply
    assert reply.get("response_type") == "ephemeral"
    assert command in result.reply_text
    if text.startswith("xyzzy"):
        assert "xyzzy" in result.reply_text  # says what was wrong …
        assert "`" + command in result.reply_text  # … and shows the usage


def test_user_locale_picks_chinese(driver, team):
    driver.fake.users["U0A1"] = {"locale": "zh-CN", "tz": "Asia/Shanghai"}
    result = driver.command("U0A1", "/amteam", "help")
    assert "团队管理" in result.reply_text


def test_team_language_is_used_when_slack_locale_is_unknown(driver, team):
    driver.fake.users["U0A1"] = {"locale": "ja-JP"}
    result = driver.command("U0A1", "/amteam", "help")
    assert "团队管理" in result.reply_text  # the example team speaks zh


def test_english_user_in_chinese_team_reads_english(driver, team):
    driver.fake.users["U0A1"] = {"locale": "en-US"}
    result = driver.command("U0A1", "/amteam", "help")
    assert "team administration" in result.reply_text


def test_a_week_old_profile_is_refreshed_after_the_answer_not_before(driver, team, runtime):
    """Serving real traffic, a stale but known profile never makes a request wait on
    Slack's users.info (a form submission must be acked within 3 seconds)."""
    import dataclasses
    import time
    from concurrent.futures import ThreadPoolExecutor
    from datetime import UTC, datetime, timedelta

    from core import clock
    from listening.request import Request
    from services import people
    from tests.helpers import db

    now = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)
    with db.session_scope() as session:
        people.remember_profile(session, "U0A1", "en-US", "Asia/Shanghai", now - timedelta(days=8))
    driver.fake.users["U0A1"] = {"locale": "zh-CN", "tz": "Asia/Shanghai"}
    background = ThreadPoolExecutor(max_workers=1)
    serving = dataclasses.replace(runtime, background=background)  # as when serving: work after the answer
    # Slack takes users.info in but holds its answer until we let it go: a request that
    # waited on it would still be waiting.
    with driver.fake.holding("users.info") as answer:
        clock.freeze(now)
        started = time.monotonic()
        req = Request(serving, {"user_id": "U0A1"}, "r1")
        locale = req.texts.locale
        assert time.monotonic() - started < 1.0
        assert locale == "en"  # what we knew, for this answer
        req.commit()
        req.close()
        for effect in req.take_effects():  # the layer runs these once the answer is out
            effect()
        driver.fake.wait_for("users.info", timeout=5)
        answer.set()
        background.shutdown(wait=True)
    assert Request(runtime, {"user_id": "U0A1"}, "r2").texts.locale == "zh"  # and from now on
