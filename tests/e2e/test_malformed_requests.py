"""A correctly signed request whose body is not a usable Slack payload never answers 500.

It gets 400 — or, for a slash command whose sender is known, an ephemeral "could not read
that request" in their language — one WARNING line, no stack trace, nothing written and
nothing sent to Slack.
"""

from __future__ import annotations

import json
import logging
from urllib.parse import urlencode

import pytest

from slackio.requests import TEAM_ID, interactivity_body
from tests.helpers import row_counts

USER = {"id": "U0A1", "username": "u0a1", "team_id": TEAM_ID}
VIEW = {"id": "V0X", "type": "modal", "callback_id": "visit_modal", "state": {"values": {}}, "blocks": []}


def form(**fields: object) -> str:
    return urlencode({k: v for k, v in fields.items() if v is not None})


def payload(value: object) -> str:
    return interactivity_body(value) if isinstance(value, dict) else urlencode({"payload": json.dumps(value)})


def command(**overrides: object) -> str:
    fields: dict[str, object] = dict(
        token="legacy", team_id=TEAM_ID, channel_id="C0GENERAL", user_id="U0A1", command="/visit", text="list",
        response_url="http://127.0.0.1:9/response/x", trigger_id="trig.1",
    )
    fields.update(overrides)
    return form(**fields)


def event(inner: object) -> str:
    return json.dumps({"token": "legacy", "team_id": TEAM_ID, "api_app_id": "A0AMBOT", "type": "event_callback", "event": inner, "event_id": "Ev1", "event_time": 1})


FORM = "application/x-www-form-urlencoded"
JSON = "application/json"
MALFORMED: list[tuple[str, str | bytes, str]] = [
    ("empty body", "", FORM),
    ("payload that is not JSON", "payload=%7Bnot-json", FORM),
    ("payload that is a JSON list", payload([1, 2, 3]), FORM),
    ("payload that is a JSON string", payload("block_actions"), FORM),
    ("payload without a type", payload({"user": USER, "actions": []}), FORM),
    ("payload of an unknown type", payload({"type": "telepathy", "user": USER}), FORM),
    ("view_submission without view", payload({"type": "view_submission", "user": USER}), FORM),
    ("view_submission whose view has no state", payload({"type": "view_submission", "user": USER, "view": {k: v for k, v in VIEW.items() if k != "state"}}), FORM),
    ("view_submission without user", payload({"type": "view_submission", "view": VIEW}), FORM),
    ("view_submission whose user is a string", payload({"type": "view_submission", "user": "U0A1", "view": VIEW}), FORM),
    ("block_actions without actions", payload({"type": "block_actions", "user": USER, "response_url": "http://127.0.0.1:9/r"}), FORM),
    ("block_actions with no action in actions", payload({"type": "block_actions", "user": USER, "actions": []}), FORM),
    ("block_actions whose action has no action_id", payload({"type": "block_actions", "user": USER, "actions": [{"value": "1"}]}), FORM),
    ("block_actions whose value is a number", payload({"type": "block_actions", "user": USER, "actions": [{"action_id": "followup_done", "value": 7}]}), FORM),
    ("block_actions whose view has no id", payload({"type": "block_actions", "user": USER, "actions": [{"action_id": "visit_add_followup"}], "view": {"type": "modal"}}), FORM),
    ("block_suggestion without action_id", payload({"type": "block_suggestion", "user": USER, "value": "acme"}), FORM),
    ("view_closed without view", payload({"type": "view_closed", "user": USER}), FORM),
    ("event body that is not JSON", "{this is not json", JSON),
    ("event_callback without event", json.dumps({"type": "event_callback", "team_id": TEAM_ID}), JSON),
    ("event whose type is missing", event({"user": "U0A1"}), JSON),
    ("event whose user is an object", event({"type": "app_home_opened", "user": {"id": "U0A1"}, "tab": "home"}), JSON),
    ("url_verification without challenge", json.dumps({"type": "url_verification"}), JSON),
    ("a body that is not UTF-8", b"command=%2Fvisit&text=\xff\xfe", FORM),
    ("a form with neither command nor payload", form(hello="world"), FORM),
    ("slash command without user_id", command(user_id=None), FORM),
    ("slash command without command", command(command=None), FORM),
]
# A slash command from someone ambot can name: they are told, in their language.
FROM_A_KNOWN_USER: list[tuple[str, str]] = [
    ("slash command without trigger_id", command(trigger_id=None)),
    ("slash command without response_url", command(response_url=None)),
    ("slash command whose name has no slash", command(command="visit")),
]


def test_at_least_twenty_kinds_are_covered():
    assert len(MALFORMED) + len(FROM_A_KNOWN_USER) >= 20


@pytest.mark.parametrize(("kind", "body", "content_type"), MALFORMED, ids=[m[0] for m in MALFORMED])
def test_an_unusable_body_gets_400_one_warning_and_no_trace(driver, team, caplog, kind, body, content_type):
    before = row_counts()
    caplog.set_level(logging.INFO)
    result = driver.post(body, content_type=content_type)
    assert result.status == 400, f"{kind}: {result.status} {result.text}"
    _quietly_refused(caplog, driver, before)


@pytest.mark.parametrize(("kind", "body"), FROM_A_KNOWN_USER, ids=[m[0] for m in FROM_A_KNOWN_USER])
def test_a_known_sender_hears_it_in_their_language(driver, team, caplog, kind, body):
    from tests.helpers import db

    with db.session_scope() as session:
        from storage.models import Member

        session.query(Member).filter(Member.slack_id == "U0A1").update({"locale": "zh-CN"})
    before = row_counts()
    caplog.set_level(logging.INFO)
    result = driver.post(body)
    assert result.status == 200
    assert result.json["response_type"] == "ephemeral"
    assert "无法读取这条请求" in result.json["text"]
    _quietly_refused(caplog, driver, before)


def test_someone_on_no_team_hears_it_in_english(driver):
    result = driver.post(command(trigger_id=None, user_id="U0NOBODY"))
    assert result.status == 200 and "could not read that request" in result.json["text"]


def test_an_unsigned_malformed_body_is_still_401(driver):
    result = driver.post("payload=%7Bnot-json", signature="v0=" + "0" * 64)
    assert result.status == 401


def _quietly_refused(caplog: pytest.LogCaptureFixture, driver, before: dict[str, int]) -> None:
    warnings = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert [r.levelname for r in warnings] == ["WARNING"], [r.getMessage() for r in warnings]
    assert not any(r.exc_info for r in caplog.records), "no stack trace"
    assert "Traceback" not in caplog.text
    assert row_counts() == before
    assert driver.fake.calls == []
