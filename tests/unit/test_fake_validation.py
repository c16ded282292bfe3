"""The fake Slack refuses what real Slack would show wrongly: `<@U…>` where it is not
rendered (plain_text labels, options, buttons, titles, field errors, and a message's
notification text beside its blocks)."""

from __future__ import annotations

from slackio.fake_api import FakeSlack
from slackio.fake_validation import (
    validate_blocks,
    validate_fallback,
    validate_field_errors,
    validate_options,
    validate_view,
)

MENTION = "<@U0B1>"


def plain(text: str) -> dict:
    return {"type": "plain_text", "text": text}


def test_mrkdwn_may_mention_people():
    assert validate_blocks([{"type": "section", "text": {"type": "mrkdwn", "text": f"ask {MENTION}"}}], limit=50) == []


def test_a_button_header_or_context_in_plain_text_may_not():
    button = {"type": "actions", "elements": [{"type": "button", "action_id": "a", "text": plain(f"Ping {MENTION}")}]}
    header = {"type": "header", "text": plain(f"{MENTION}'s week")}
    context = {"type": "context", "elements": [plain(f"by {MENTION}")]}
    for block in (button, header, context):
        assert any("raw mention" in p for p in validate_blocks([block], limit=50)), block


def test_labels_options_and_titles_of_a_modal_may_not():
    select = {"type": "static_select", "action_id": "s", "options": [{"text": plain(f"{MENTION}"), "value": "1"}]}
    view = {
        "type": "modal", "callback_id": "x", "title": plain(f"Cover {MENTION}"), "submit": plain("OK"),
        "blocks": [{"type": "input", "block_id": "b", "label": plain(f"Owner: {MENTION}"), "element": select}],
    }  # fmt: skip
    problems = validate_view(view)
    assert sum("raw mention" in p for p in problems) == 3, problems


def test_field_errors_options_and_notification_text():
    assert validate_field_errors({"customer": f"Beta Bank is {MENTION}'s customer."})
    assert validate_field_errors({"customer": "Beta Bank is @李娜's customer."}) == []
    assert validate_options({"options": [{"text": plain(f"#1 {MENTION}"), "value": "1"}]})
    assert validate_options({"options": [{"text": plain("x" * 76), "value": "1"}]})
    assert validate_options({"options": [{"text": plain("ok"), "value": str(n)} for n in range(101)]})
    assert validate_options({"options": [{"text": plain("ok"), "value": "1"}]}) == []
    assert validate_fallback(f"{MENTION} accepted")
    assert validate_fallback("@李娜 accepted") == []


def test_the_fake_refuses_a_message_whose_notification_shows_a_raw_mention():
    fake = FakeSlack()
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": f"{MENTION} accepted"}}]
    assert fake._validate("chat.postMessage", {"channel": "U0A1", "text": f"{MENTION} accepted", "blocks": blocks})
    assert fake._validate("chat.postMessage", {"channel": "U0A1", "text": "@李娜 accepted", "blocks": blocks}) == []
    assert fake._validate("chat.postMessage", {"channel": "U0A1", "text": f"{MENTION} accepted"}) == []  # mrkdwn itself
