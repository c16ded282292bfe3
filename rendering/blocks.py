"""Block Kit structure built from already rendered text.

Texts come from templates (rendering.i18n); these functions only give them shape and
keep them inside Slack's limits.
"""

from __future__ import annotations

import json
from typing import Any

SECTION_LIMIT = 3000
HEADER_LIMIT = 150
BUTTON_LIMIT = 75
OPTION_LIMIT = 75
MESSAGE_BLOCKS = 50
VIEW_BLOCKS = 100
MODAL_TITLE_LIMIT = 24
FALLBACK_LIMIT = 3000

Block = dict[str, Any]


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def mrkdwn(text: str) -> dict[str, Any]:
    return {"type": "mrkdwn", "text": clip(text, SECTION_LIMIT)}


def plain(text: str, limit: int = SECTION_LIMIT) -> dict[str, Any]:
    return {"type": "plain_text", "text": clip(text, limit), "emoji": True}


def section(text: str, accessory: Block | None = None, block_id: str | None = None) -> Block:
    block: Block = {"type": "section", "text": mrkdwn(text or " ")}
    if accessory:
        block["accessory"] = accessory
    if block_id:
        block["block_id"] = block_id
    return block


def sections(text: str) -> list[Block]:
    """A long text as several sections, split on line breaks where possible."""
    chunks: list[str] = []
    current = ""
    for line in text.splitlines() or [""]:
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) <= SECTION_LIMIT:
            current = candidate
            continue
        if current:
            chunks.append(current)
        current = clip(line, SECTION_LIMIT)
    chunks.append(current)
    return [section(chunk) for chunk in chunks if chunk.strip()] or [section(" ")]


def header(text: str) -> Block:
    return {"type": "header", "text": plain(text, HEADER_LIMIT)}


def context(*texts: str) -> Block:
    return {"type": "context", "elements": [mrkdwn(t) for t in texts if t][:10]}


def divider() -> Block:
    return {"type": "divider"}


def button(
    text: str, action_id: str, value: str = "", style: str | None = None, url: str | None = None, confirm: Block | None = None
) -> Block:
    element: Block = {"type": "button", "text": plain(text, BUTTON_LIMIT), "action_id": action_id}
    if value:
        element["value"] = value[:2000]
    if style in {"primary", "danger"}:
        element["style"] = style
    if url:
        element["url"] = url
    if confirm:
        element["confirm"] = confirm
    return element


def confirm_dialog(title: str, text: str, confirm: str, deny: str) -> Block:
    """"Are you sure?" before a button acts (Slack shows it; nothing is sent on Cancel)."""
    return {
        "title": plain(title, 100),
        "text": plain(text, 300),
        "confirm": plain(confirm, 30),
        "deny": plain(deny, 30),
        "style": "danger",
    }


def actions(*elements: Block, block_id: str | None = None) -> Block:
    block: Block = {"type": "actions", "elements": list(elements)[:25]}
    if block_id:
        block["block_id"] = block_id
    return block


def option(text: str, value: str) -> Block:
    return {"text": plain(text, OPTION_LIMIT), "value": value[:150]}


# --- inputs ---------------------------------------------------------------------------


def input_block(
    block_id: str, label: str, element: Block, *, optional: bool = False, hint: str | None = None, dispatch_action: bool = False
) -> Block:
    block: Block = {
        "type": "input",
        "block_id": block_id,
        "label": plain(label, 2000),
        "element": element,
        "optional": optional,
    }
    if dispatch_action:  # the element sends block_actions (see text_input's `dispatch_on`)
        block["dispatch_action"] = True
    if hint:
        block["hint"] = plain(hint, 2000)
    return block


def text_input(
    action_id: str,
    *,
    initial: str | None = None,
    multiline: bool = False,
    placeholder: str | None = None,
    max_length: int = 3000,
    dispatch_on: tuple[str, ...] = (),
) -> Block:
    element: Block = {
        "type": "plain_text_input",
        "action_id": action_id,
        "multiline": multiline,
        "max_length": max_length,
    }
    if dispatch_on:  # "on_character_entered", "on_enter_pressed"
        element["dispatch_action_config"] = {"trigger_actions_on": list(dispatch_on)}
    if initial:
        element["initial_value"] = initial[:max_length]
    if placeholder:
        element["placeholder"] = plain(placeholder, 150)
    return element


def date_input(action_id: str, *, initial: str | None = None) -> Block:
    element: Block = {"type": "datepicker", "action_id": action_id}
    if initial:
        element["initial_date"] = initial
    return element


def static_select(
    action_id: str, options: list[Block], *, initial_value: str | None = None, placeholder: str | None = None
) -> Block:
    element: Block = {"type": "static_select", "action_id": action_id, "options": options[:100]}
    if initial_value is not None:
        initial = next((o for o in options if o["value"] == initial_value), None)
        if initial:
            element["initial_option"] = initial
    if placeholder:
        element["placeholder"] = plain(placeholder, 150)
    return element


def external_select(
    action_id: str, *, initial: Block | None = None, placeholder: str | None = None, min_query_length: int = 0
) -> Block:
    element: Block = {
        "type": "external_select",
        "action_id": action_id,
        "min_query_length": min_query_length,
    }
    if initial:
        element["initial_option"] = initial
    if placeholder:
        element["placeholder"] = plain(placeholder, 150)
    return element


def users_select(action_id: str, *, initial_user: str | None = None) -> Block:
    element: Block = {"type": "users_select", "action_id": action_id}
    if initial_user:
        element["initial_user"] = initial_user
    return element


# --- whole payloads --------------------------------------------------------------------


def message(text: str, blocks: list[Block] | None = None, *, more_text: str | None = None) -> dict[str, Any]:
    """A message payload: `text` is the notification fallback beside the blocks."""
    payload: dict[str, Any] = {"text": clip(text, FALLBACK_LIMIT)}
    if blocks:
        payload["blocks"] = cap_blocks(blocks, MESSAGE_BLOCKS, more_text)
    return payload


def ephemeral(text: str, blocks: list[Block] | None = None) -> dict[str, Any]:
    """A reply only the asker sees."""
    return dict(message(text, blocks), response_type="ephemeral")


def cap_blocks(blocks: list[Block], limit: int, more_text: str | None = None) -> list[Block]:
    if len(blocks) <= limit:
        return blocks
    kept = blocks[: limit - 1]
    kept.append(context(more_text or "…"))
    return kept


def modal(
    callback_id: str,
    title: str,
    blocks: list[Block],
    *,
    submit: str | None = None,
    close: str | None = None,
    private_metadata: dict[str, Any] | None = None,
    external_id: str | None = None,
) -> dict[str, Any]:
    view: dict[str, Any] = {
        "type": "modal",
        "callback_id": callback_id,
        "title": plain(title, MODAL_TITLE_LIMIT),
        "blocks": blocks[:VIEW_BLOCKS],
    }
    if submit:
        view["submit"] = plain(submit, MODAL_TITLE_LIMIT)
    if close:
        view["close"] = plain(close, MODAL_TITLE_LIMIT)
    if private_metadata:
        view["private_metadata"] = json.dumps(private_metadata, ensure_ascii=False)[:3000]
    if external_id:
        view["external_id"] = external_id
    return view


def home(blocks: list[Block]) -> dict[str, Any]:
    return {"type": "home", "blocks": cap_blocks(blocks, VIEW_BLOCKS)}
