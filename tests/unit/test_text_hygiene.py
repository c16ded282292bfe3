"""The text rules (domain/text_hygiene.py) and the payload cleaning built on them."""

from __future__ import annotations

import pytest

from domain.refusal import Refusal
from domain.text_hygiene import (
    clean_long,
    clean_short,
    has_bidi_controls,
    neutralise_bidi,
    short_problem,
    strip_controls,
)
from slackio.payloads import clean, parse_body


@pytest.mark.parametrize(
    ("raw", "kept"),
    [
        ("plain text", "plain text"),
        ("华东制造集团；需求：专线", "华东制造集团；需求：专线"),
        ("a\x00b", "ab"),
        ("tab\tand\nnewline", "tab\tand\nnewline"),
        ("windows\r\nline", "windows\nline"),
        ("old mac\rline", "old mac\nline"),
        ("\x1b[31mred\x1b[0m", "[31mred[0m"),
        ("bell\x07 del\x7f c1\x85\x9f", "bell del c1"),
        ("lone \ud800 surrogate", "lone \ufffd surrogate"),
        ("\u3000ideographic space", "\u3000ideographic space"),
    ],
)
def test_strip_controls(raw, kept):
    assert strip_controls(raw) == kept


def test_direction_controls_are_removed_from_short_fields():
    assert neutralise_bidi("invoice\u202etxt.exe") == "invoicetxt.exe"
    assert has_bidi_controls("a\u2066b\u2069") and not has_bidi_controls("مرحبا hello")
    assert clean_short("  Evil\u202e\x00 Corp \n Ltd  ", "customer_name") == "Evil Corp Ltd"


def test_too_long_is_refused_never_cut():
    assert clean_short("x" * 200, "customer_name") == "x" * 200
    with pytest.raises(Refusal) as refused:
        clean_short("x" * 201, "customer_name", beside="customer")
    assert (refused.value.key, refused.value.params, refused.value.beside) == ("common.too_long", {"field": "customer_name", "limit": 200}, "customer")
    assert short_problem("y" * 101, 100) == "too_long" and short_problem("y" * 100, 100) is None
    with pytest.raises(Refusal):
        clean_long("z" * 10_001, "needs")
    assert clean_long(" keep\nlines \u202e ", "needs") == "keep\nlines \u202e"  # long text keeps its own direction marks


def test_every_string_of_a_payload_is_cleaned_at_any_depth():
    payload = {"type": "view_submission", "view\x00": {"state": {"values": {"needs": {"needs": {"value": "a\x00b"}}}}, "list": ["c\x01", 1, None, True]}}
    assert clean(payload) == {"type": "view_submission", "view": {"state": {"values": {"needs": {"needs": {"value": "ab"}}}}, "list": ["c", 1, None, True]}}


def test_parse_body_cleans_forms_and_json_alike():
    form = parse_body("command=%2Fvisit&text=Acme%00+Corp&user_id=U1", "application/x-www-form-urlencoded")
    assert form["text"] == "Acme Corp"
    interactive = parse_body('payload={"type":"block_actions","actions":[{"value":"1\\u0000"}]}'.replace("{", "%7B").replace("}", "%7D"), None)
    assert interactive["actions"][0]["value"] == "1"
    event = parse_body('{"type":"event_callback","event":{"type":"app_home_opened","user":"U\\u00001"}}', "application/json")
    assert event["event"]["user"] == "U1"
