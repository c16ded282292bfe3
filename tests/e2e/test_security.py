"""Security review as tests: forged and replayed requests, people without the role,
oversized payloads, and secrets that must never reach a log."""

from __future__ import annotations

import logging
import time

import pytest

from slackio.ids import ALL_COMMANDS
from slackio.requests import slash_command_body
from tests.conftest import BOT_TOKEN, SIGNING_SECRET
from tests.helpers import row_counts


def test_forged_signature_with_the_wrong_secret_is_refused(driver):
    from slackio.requests import signed_headers

    body = slash_command_body("/amteam", "setup name Evil", "U0EVIL", response_url=driver.fake.response_url())
    forged = signed_headers("not-the-secret", body)
    result = driver.post(body, signature=forged["X-Slack-Signature"])
    assert result.status == 401 and row_counts()["teams"] == 0


def test_replayed_request_older_than_five_minutes_is_refused(driver):
    body = slash_command_body("/amteam", "setup name Replayed", "U0EVIL", response_url=driver.fake.response_url())
    result = driver.post(body, timestamp=int(time.time()) - 301)
    assert result.status == 401 and row_counts()["teams"] == 0


def test_a_tampered_body_breaks_the_signature(driver):
    from slackio.requests import signed_headers

    body = slash_command_body("/amteam", "help", "U0X", response_url=driver.fake.response_url())
    headers = signed_headers(SIGNING_SECRET, body)
    result = driver.post(body.replace("help", "show"), signature=headers["X-Slack-Signature"], timestamp=int(headers["X-Slack-Request-Timestamp"]))
    assert result.status == 401


def test_oversized_payload_is_refused_before_parsing(driver):
    body = slash_command_body("/amteam", "x" * 1_100_000, "U0X", response_url=driver.fake.response_url())
    result = driver.post(body)
    assert result.status == 413 and driver.fake.calls == []


@pytest.mark.parametrize("command", ALL_COMMANDS)
def test_a_person_with_no_role_changes_nothing(driver, team, command):
    driver.fake.users["U0NOBODY"] = {"locale": "en-US"}
    before = row_counts()
    result = driver.command("U0NOBODY", command, "setup name Takeover" if command == "/amteam" else "list")
    assert result.status == 200 and result.answered
    assert {k: v for k, v in row_counts().items() if k != "processed_requests"} == {k: v for k, v in before.items() if k != "processed_requests"}


@pytest.mark.parametrize("text", ["add <@U0X|x> manager", "remove <@U0A1|a>", "setup language en", "customer add Mine owner <@U0S1|s>", "pair <@U0A1|a> <@U0S1|s>"])
def test_support_person_cannot_run_admin_commands(driver, team, text):
    driver.fake.users["U0S1"] = {"locale": "en-US"}
    before = row_counts()
    result = driver.command("U0S1", "/amteam", text)
    assert "Only managers" in result.reply_text
    assert row_counts() == before


def test_secrets_never_reach_the_log(driver, team, caplog, virtual_time):
    from app import SecretsFilter

    root = logging.getLogger()
    guard = SecretsFilter([BOT_TOKEN, SIGNING_SECRET])
    handler = caplog.handler
    handler.addFilter(guard)
    caplog.set_level(logging.DEBUG)
    try:
        logging.getLogger("ambot.test").warning("token is %s and secret %s", BOT_TOKEN, SIGNING_SECRET)
        driver.command("U0MGR", "/amteam", "show")
        driver.fake.fail("users.info", status=500, times=3)
        driver.command("U0A1", "/amteam", "help")
    finally:
        handler.removeFilter(guard)
    text = caplog.text
    assert BOT_TOKEN not in text and SIGNING_SECRET not in text
    assert "***" in text
    assert root is logging.getLogger()


def test_settings_repr_hides_secrets():
    from core.settings import Settings

    shown = repr(Settings(bot_token=BOT_TOKEN, signing_secret=SIGNING_SECRET, app_token="xapp-1-secret-value"))
    assert BOT_TOKEN not in shown and SIGNING_SECRET not in shown and "xapp-1-secret-value" not in shown
