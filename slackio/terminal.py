"""Show what the bot sent to Slack, readably, in a terminal (console and demo).

Block Kit becomes indented text; buttons get numbers the console user can press;
mentions become names; mrkdwn escapes are undone for display.
"""

from __future__ import annotations

import json
import re
import shutil
import textwrap
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from slackio.fake_api import Call

_USER = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")
_CHANNEL = re.compile(r"<#([CG][A-Z0-9]+)(?:\|([^>]*))?>")
_LINK = re.compile(r"<(https?://[^|>]+)(?:\|([^>]*))?>")
_SPECIAL = re.compile(r"<!(\w+)(?:\|[^>]*)?>")


@dataclass
class Pressable:
    """A button or select the console user can act on by number."""

    element: dict[str, Any]
    message: dict[str, Any] | None
    view: dict[str, Any] | None
    channel: str | None


@dataclass
class Screen:
    names: Callable[[str], str] = lambda user_id: user_id
    color: bool = False
    channels: dict[str, str] = field(default_factory=dict)  # channel id → name
    pressables: list[Pressable] = field(default_factory=list)

    def bold(self, text: str) -> str:
        return f"\033[1m{text}\033[0m" if self.color else text

    def dim(self, text: str) -> str:
        return f"\033[2m{text}\033[0m" if self.color else text

    def mrkdwn(self, text: str) -> str:
        text = _USER.sub(lambda m: "@" + self.names(m.group(1)), text)
        text = _CHANNEL.sub(lambda m: "#" + (m.group(2) or self.channels.get(m.group(1)) or m.group(1)), text)
        text = _LINK.sub(lambda m: f"{m.group(2)} ({m.group(1)})" if m.group(2) else m.group(1), text)
        text = _SPECIAL.sub(lambda m: "@" + m.group(1), text)
        if self.color:
            text = re.sub(r"(?<![\w*])\*([^*\n]+)\*(?![\w*])", lambda m: self.bold(m.group(1)), text)
        return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")

    # --- whole calls -------------------------------------------------------------------

    def call(self, call: Call, *, home_in_full: bool = True) -> str | None:
        """One Web API call as the user would see it; a Home refreshed after an action is
        a single line unless `home_in_full` (the user opened it or pressed a button on it)."""
        body = call.body
        if call.method == "chat.postMessage":
            return self._framed(f"→ {self._dest(str(body.get('channel')))}", body, body.get("channel"))
        if call.method == "chat.postEphemeral":
            return self._framed(f"→ {self._dest(str(body.get('user')))} (only they see this)", body, body.get("channel"))
        if call.method == "response_url":
            label = "(only you see this)" if body.get("response_type", "ephemeral") == "ephemeral" else "(in channel)"
            return self._framed(f"← reply {label}", body, None)
        if call.method == "chat.update":
            return self._framed("↻ message updated", body, body.get("channel"))
        if call.method in {"views.open", "views.push", "views.update"}:
            view = body.get("view") or {}
            return self.view(view, call.response.get("view") or view)
        if call.method == "files.completeUploadExternal":  # a chart (files_upload_v2's last step)
            where = self._dest(str(body.get("channel_id"))) + (" (in the thread)" if body.get("thread_ts") else "")
            lines = [self.bold(f"→ {where}")]
            if body.get("initial_comment"):
                lines += self._wrap(self.mrkdwn(str(body["initial_comment"])))
            files = json.loads(body.get("files") or "[]") if isinstance(body.get("files"), str) else body.get("files") or []
            return "\n".join(lines + [f"  🖼  {f.get('title', '')}" for f in files])
        if call.method == "views.publish":
            title = f"⌂ Home tab of {self._dest(str(body.get('user_id')))}"
            if not home_in_full:
                return self.dim(f"{title} refreshed (:home shows it)")
            return self._framed(title, {"blocks": (body.get("view") or {}).get("blocks"), "home": True}, None)
        return None

    def ack_reply(self, body: dict[str, Any]) -> str | None:
        """A slash command answered in its ack (shown by Slack like a response_url reply)."""
        if not (body.get("text") or body.get("blocks")):
            return None
        label = "(in channel)" if body.get("response_type") == "in_channel" else "(only you see this)"
        return self._framed(f"← reply {label}", body, None)

    def _dest(self, channel: str) -> str:
        if channel[:1] in {"U", "W"}:
            return "DM @" + self.names(channel)
        if channel[:1] == "D" and channel[1:2] in {"U", "W"}:
            return "DM @" + self.names(channel[1:])
        return "#" + self.channels.get(channel, channel)

    def _framed(self, title: str, message: dict[str, Any], channel: str | None) -> str:
        lines = [self.bold(title)]
        blocks = message.get("blocks") or []
        if blocks:
            lines += self.blocks(blocks, message=message, view=None, channel=channel)
        elif message.get("text"):
            lines += self._wrap(self.mrkdwn(message["text"]))
        return "\n".join(lines)

    def view(self, view: dict[str, Any], stored: dict[str, Any]) -> str:
        title = (view.get("title") or {}).get("text", "")
        lines = [self.bold(f"▣ {title}")]
        for block in view.get("blocks") or []:
            if block.get("type") == "input":
                label = (block.get("label") or {}).get("text", "")
                optional = self.dim(" (optional)") if block.get("optional") else ""
                lines.append(f"  ▭ {label}{optional}")
            else:
                lines += self.blocks([block], message=None, view=stored, channel=None)
        return "\n".join(lines)

    # --- blocks --------------------------------------------------------------------------

    def blocks(self, blocks: list[dict[str, Any]], *, message: dict | None, view: dict | None, channel: str | None) -> list[str]:
        lines: list[str] = []
        for block in blocks:
            kind = block.get("type")
            if kind == "header":
                lines.append(self.bold(block["text"]["text"]))
            elif kind == "section":
                if block.get("text"):
                    lines += self._wrap(self.mrkdwn(block["text"]["text"]))
                for f in block.get("fields") or []:
                    lines += self._wrap(self.mrkdwn(f.get("text", "")))
                if block.get("accessory"):
                    lines += self._elements([block["accessory"]], message, view, channel)
            elif kind == "context":
                lines += [self.dim("  " + self.mrkdwn(e.get("text", ""))) for e in block.get("elements", []) if e.get("text")]
            elif kind == "divider":
                lines.append(self.dim("  " + "─" * 40))
            elif kind == "actions":
                lines += self._elements(block.get("elements", []), message, view, channel)
        return lines

    def _elements(self, elements: list[dict[str, Any]], message: dict | None, view: dict | None, channel: str | None) -> list[str]:
        labels = []
        for element in elements:
            if element.get("type") in {"button", "static_select", "users_select", "overflow", "external_select"}:
                self.pressables.append(Pressable(element, message, view, channel))
                text = (element.get("text") or element.get("placeholder") or {}).get("text", element.get("action_id", ""))
                labels.append(f"[{len(self.pressables)}] {text}")
        return ["  " + "  ".join(labels)] if labels else []

    def _wrap(self, text: str) -> list[str]:
        width = max(40, min(100, shutil.get_terminal_size((100, 20)).columns - 4))
        out: list[str] = []
        for line in text.splitlines() or [""]:
            out += textwrap.wrap(line, width=width, initial_indent="  ", subsequent_indent="    ") or [""]
        return out
