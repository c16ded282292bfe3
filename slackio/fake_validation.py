"""What the fake Slack Web API checks before accepting a message or a view: the
Block Kit models of `slack_sdk.models` and Slack's documented limits."""

from __future__ import annotations

from slack_sdk.errors import SlackObjectFormationError
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View


def dm_channel(channel: str) -> str:
    """Posting to a user id lands in the app's DM with them, as on Slack."""
    return "D" + channel if channel[:1] in {"U", "W"} else channel


def validate_blocks(blocks: list[dict], *, limit: int) -> list[str]:
    problems: list[str] = []
    if not isinstance(blocks, list):
        return ["blocks must be a list"]
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
    try:
        View(**view).validate_json()
    except (SlackObjectFormationError, TypeError, ValueError) as exc:
        problems.append(f"view: {exc}")
    return problems
