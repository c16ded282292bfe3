"""Mentions where Slack does not render them.

Slack shows `<@U…>` as a person's name only in mrkdwn. In plain text — a form field
error, and the `text` of a message with blocks, which is what notifications show — it
would show the raw code, so there the name is written out: `@张伟`.
"""

from __future__ import annotations

import re
from typing import Any

MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|([^>]*))?>")


def mentioned(text: str | None) -> set[str]:
    """The Slack ids `<@U…>` in `text`."""
    return {m[1] for m in MENTION.finditer(text or "")}


def plain_mentions(text: str, names: dict[str, str]) -> str:
    """`<@U0A1>` → `@张伟` (the member's name; else the label Slack gave, else the id)."""
    return MENTION.sub(lambda m: "@" + (names.get(m[1]) or m[2] or m[1]), text)


def plain_fallback(payload: dict[str, Any], names: dict[str, str]) -> dict[str, Any]:
    """A message whose notification text (the `text` beside its blocks) names people
    instead of showing `<@U…>`; a message without blocks is mrkdwn itself and stays."""
    text = payload.get("text")
    if not payload.get("blocks") or not isinstance(text, str) or not MENTION.search(text):
        return payload
    return dict(payload, text=plain_mentions(text, names))
