"""What real Slack sends, through the real front: escaped text, a command that says
"payload", and every kind of payload built from Slack's documented JSON
(tests/fixtures/slack/)."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import parse_qsl, urlencode

from slack_bolt.request.internals import parse_body as bolt_parse_body

from slackio import requests as inbound
from tests.conftest import SHAPES
from tests.e2e import visits_fixtures
from tests.e2e.visits_fixtures import speak, visits_of

FIXTURES = Path(__file__).parents[1] / "fixtures" / "slack"
visit_team = visits_fixtures.visit_team  # the fixture


# --- 1. escaped text -----------------------------------------------------------------------


def test_the_driver_sends_text_escaped_exactly_as_slack_does(driver):
    form = SHAPES.slash_command("/visit", "需求：A&B <100M> cc <@U0B1|lina>", "U0A1", response_url="http://x/r")
    assert form["text"] == "需求：A&amp;B &lt;100M&gt; cc <@U0B1|lina>"
    assert dict(parse_qsl(urlencode(form)))["text"] == form["text"]


def test_an_ampersand_and_angle_brackets_in_a_quick_log_are_stored_as_typed(driver, visit_team):
    speak(driver, "U0A1", locale="zh-CN")
    result = driver.command("U0A1", "/visit", "华东制造集团；需求：A&B <100M>；顾虑：R&D 周期 > 3 周；跟进：发报价 截止 12月1日 <@U0B1|lina>")
    [visit] = visits_of("华东制造集团")
    assert (visit.needs, visit.concerns) == ("A&B <100M>", "R&D 周期 > 3 周")  # one field each, nothing split at `;`
    assert [(f.text, f.owner_id is not None) for f in visit.followups] == [("发报价", True)]
    shown = json.dumps(result.reply, ensure_ascii=False)
    assert "A&amp;B &lt;100M&gt;" in shown and "&amp;amp;" not in shown  # escaped once on the way out
    assert "<@U0B1>" in result.reply_text  # the mention stayed a mention


# --- 2. a command that says "payload" --------------------------------------------------------


def test_bolts_own_parser_loses_a_command_that_says_payload():
    """The trap, on the installed slack-bolt: any form containing "payload" is read as
    interactivity, so the command's fields are gone. The front reads the form itself."""
    body = urlencode(SHAPES.slash_command("/ask", "what is the payload limit?", "U0A1", response_url="http://x/r"))
    assert bolt_parse_body(body, "application/x-www-form-urlencoded") == {}
    from slackio.payloads import parse_body

    assert parse_body(body, "application/x-www-form-urlencoded")["text"] == "what is the payload limit?"


def test_a_slash_command_whose_text_says_payload_is_routed_and_answered(driver, team):
    speak(driver, "U0A1", "U0S1")
    result = driver.command("U0A1", "/ask", "MPLS circuit: what is the payload limit of payload=1 frames?")
    assert result.status == 200 and result.answered
    assert "#circuit" in result.reply_text and "<@U0S1>" in result.reply_text
    assert "payload limit" in "\n".join(driver.fake.dm_texts("U0S1") + [json.dumps(c.body, ensure_ascii=False) for c in driver.fake.calls_to("chat.postMessage")])


# --- 9. real payload shapes ---------------------------------------------------------------------


def test_every_kind_the_bot_handles_has_a_documented_fixture():
    assert sorted(p.stem for p in FIXTURES.glob("*.json")) == sorted(inbound.KINDS)
    for kind in inbound.KINDS:
        assert json.loads((FIXTURES / f"{kind}.json").read_text("utf-8"))  # valid JSON, not empty


def _keys(value: object, prefix: str = "") -> set[str]:
    if not isinstance(value, dict):
        return set()
    found = set()
    for key, inner in value.items():
        found.add(prefix + key)
        if key not in {"blocks", "values", "actions", "state", "title", "submit", "close"}:  # the bot's own objects
            found |= _keys(inner, prefix + key + ".")
    return found


def test_built_requests_keep_every_field_of_the_documented_payload():
    """Fields ambot ignores (enterprise, is_enterprise_install, authorizations, …) reach it too."""
    view = {"type": "modal", "callback_id": "visit_modal", "title": {"type": "plain_text", "text": "t"}, "blocks": []}
    built = {
        "slash_command": SHAPES.slash_command("/visit", "x", "U0A1", response_url="http://x/r"),
        "block_actions_message": SHAPES.block_actions("U0A1", {"action_id": "a", "value": "1"}, response_url="http://x/r"),
        "block_actions_modal": SHAPES.block_actions("U0A1", {"action_id": "a", "value": "1"}, response_url="http://x/r", view=dict(view, id="V1")),
        "view_submission": SHAPES.view_submission("U0A1", dict(view, id="V1"), {}),
        "view_closed": SHAPES.view_closed("U0A1", dict(view, id="V1")),
        "block_suggestion": SHAPES.block_suggestion("U0A1", "a", "acme", block_id="customer", view=dict(view, id="V1")),
        "event_app_home_opened": SHAPES.event({"type": "app_home_opened", "user": "U0A1", "channel": "DU0A1", "tab": "home"}),
        "event_message_im": SHAPES.event({"type": "message", "user": "U0A1", "channel": "DU0A1", "text": "hi & bye"}),
        "url_verification": SHAPES.url_verification("abc"),
    }
    for kind, payload in built.items():
        documented = json.loads((FIXTURES / f"{kind}.json").read_text("utf-8"))
        if kind == "event_app_home_opened":
            documented["event"].pop("view")  # Slack sends the Home only once one is published
        assert _keys(documented) <= _keys(payload), (kind, _keys(documented) - _keys(payload))
    assert built["event_message_im"]["event"]["text"] == "hi &amp; bye"
    assert built["block_actions_message"]["team"]["id"] == inbound.TEAM_ID


def test_url_verification_is_answered_with_its_challenge(driver):
    body = json.dumps(SHAPES.url_verification("3eZbrw1aBm2rZgRNFdxV"))
    result = driver.post(body, content_type="application/json")
    assert result.status == 200 and "3eZbrw1aBm2rZgRNFdxV" in result.text


def test_a_closed_modal_is_acknowledged_and_changes_nothing(driver, team):
    from tests.helpers import row_counts

    before = row_counts()
    result = driver.close_view("U0A1", {"id": "V0CLOSED", "type": "modal", "callback_id": "visit_modal", "title": {"type": "plain_text", "text": "Log a visit"}})
    assert result.status in (200, 404) and row_counts() == before


def test_a_topic_that_is_also_a_channel_name_still_names_the_topic(driver, team):
    """A workspace with a #circuit channel: Slack delivers `/ask #circuit …` as `<#C…|circuit>`."""
    speak(driver, "U0A1", "U0S1")
    result = driver.command("U0A1", "/ask", "<#C0CIRCUIT|circuit> 苏州到上海要多久？")
    assert "#circuit" in result.reply_text and "<@U0S1>" in result.reply_text
    assert "<#C0CIRCUIT" not in "\n".join(driver.fake.dm_texts("U0S1"))
