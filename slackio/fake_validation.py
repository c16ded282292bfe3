"""What the fake Slack Web API checks before accepting a message or a view: the
Block Kit models of `slack_sdk.models` and Slack's documented limits."""

from __future__ import annotations

import re
from typing import Any

from slack_sdk.errors import SlackObjectFormationError
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View


def dm_channel(channel: str) -> str:
    """Posting to a user id lands in the app's DM with them, as on Slack."""
    return "D" + channel if channel[:1] in {"U", "W"} else channel


# Slack turns `<@U…>` into a person's name only in mrkdwn; in plain_text (labels, options,
# buttons, titles, field errors) and in a notification's fallback it shows the raw code.
RAW_MENTION = re.compile(r"<@[UW][A-Z0-9]+(?:\|[^>]*)?>")


def raw_mentions(value: Any, where: str = "") -> list[str]:
    """Every plain_text object under `value` that shows a raw `<@U…>`."""
    found: list[str] = []
    if isinstance(value, dict):
        if value.get("type") == "plain_text" and isinstance(value.get("text"), str) and RAW_MENTION.search(value["text"]):
            found.append(f"raw mention in plain_text{where}: {value['text'][:80]!r}")
        for key, inner in value.items():
            found += raw_mentions(inner, f"{where}.{key}" if where else f" at {key}")
    elif isinstance(value, list):
        for inner in value:
            found += raw_mentions(inner, where)
    return found


def validate_fallback(text: str | None) -> list[str]:
    """A message's `text` beside blocks is what notifications show, as plain text."""
    if text and RAW_MENTION.search(text):
        return [f"raw mention in the notification text: {text[:80]!r}"]
    return []


def validate_field_errors(errors: Any) -> list[str]:
    """A view submission's `response_action: errors`: plain text under each input."""
    if not isinstance(errors, dict):
        return ["errors must be an object"]
    problems: list[str] = []
    for block, text in errors.items():
        if not isinstance(text, str) or not text:
            problems.append(f"field error for {block} is not text")
        elif RAW_MENTION.search(text):
            problems.append(f"raw mention in the field error for {block}: {text[:80]!r}")
    return problems


def validate_options(answer: Any) -> list[str]:
    """A block suggestion's answer: at most 100 options of plain text."""
    if not isinstance(answer, dict):
        return ["options answer must be an object"]
    options = answer.get("options")
    if options is None:
        options = [o for group in answer.get("option_groups") or [] for o in group.get("options") or []]
    problems: list[str] = []
    if len(options) > 100:
        problems.append(f"{len(options)} options, over the limit of 100")
    for option in options:
        text = (option.get("text") or {}) if isinstance(option, dict) else {}
        if text.get("type") != "plain_text" or not text.get("text"):
            problems.append(f"option without plain_text: {option!r:.80}")
        elif len(text["text"]) > 75:
            problems.append(f"option text of {len(text['text'])} characters, over 75")
        if not isinstance(option, dict) or not isinstance(option.get("value"), str) or len(option["value"]) > 150:
            problems.append(f"option value missing or over 150 characters: {option!r:.80}")
    return problems + raw_mentions(options)


def validate_blocks(blocks: list[dict], *, limit: int) -> list[str]:
    problems: list[str] = []
    if not isinstance(blocks, list):
        return ["blocks must be a list"]
    problems += raw_mentions(blocks)
    if len(blocks) > limit:
        problems.append(f"{len(blocks)} blocks, over the limit of {limit}")
    for raw in blocks:
        if raw.get("type") == "section":
            text = (raw.get("text") or {}).get("text", "")
            if len(text) > 3000:
                problems.append(f"section text of {len(text)} characters, over 3000")
            if not raw.get("text") and not raw.get("fields"):
                problems.append("section without text or fields")
        try:
            parsed = Block.parse(raw)
            if parsed is None:
                problems.append(f"unknown block type {raw.get('type')!r}")
                continue
            parsed.validate_json()
        except (SlackObjectFormationError, KeyError, TypeError, ValueError) as exc:
            problems.append(f"{raw.get('type')}: {exc}")
    return problems


def validate_view(view: dict) -> list[str]:
    problems: list[str] = []
    blocks = view.get("blocks") or []
    problems += validate_blocks(blocks, limit=100)
    if view.get("type") == "modal":
        title = (view.get("title") or {}).get("text", "")
        if not title or len(title) > 24:
            problems.append(f"modal title must be 1–24 characters, got {len(title)}")
        if any(b.get("type") == "input" for b in blocks) and not view.get("submit"):
            problems.append("a modal with inputs needs a submit button")
        problems += raw_mentions({k: view.get(k) for k in ("title", "submit", "close")})
    try:
        View(**view).validate_json()
    except (SlackObjectFormationError, TypeError, ValueError) as exc:
        problems.append(f"view: {exc}")
    return problems
