"""Slack-shaped inbound requests, signed exactly as Slack signs them.

Used by the tests, the console and the benchmarks to drive the bot through the same
path Slack does (Bolt's signature check included). Each kind of request is built from a
template — the payload as Slack documents it — with the parts that vary filled in: who,
what was typed or pressed, the response URL. The test bed loads its templates from
`tests/fixtures/slack/` (real payloads, with every field ambot ignores); the console and
the benchmarks use the smaller built-in ones below. Text a person types is escaped the
way Slack escapes it (`slackio.text.escape_typed`).
"""

from __future__ import annotations

import copy
import hashlib
import hmac
import itertools
import json
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from slack_sdk.signature import SignatureVerifier

from slackio.text import escape_typed

TEAM_ID = "T0TEAM"
APP_ID = "A0AMBOT"
KINDS = (
    "slash_command", "block_actions_message", "block_actions_modal", "view_submission", "view_closed",
    "block_suggestion", "event_app_home_opened", "event_message_im", "url_verification",
)  # fmt: skip

_TEAM = {"id": TEAM_ID, "domain": "test"}
_VIEW = {"id": "V0VIEW", "type": "modal", "callback_id": "", "state": {"values": {}}, "hash": "h0"}
_EVENT = {"token": "legacy", "team_id": TEAM_ID, "api_app_id": APP_ID, "type": "event_callback", "event_id": "", "event_time": 0}
BUILTIN: dict[str, dict[str, Any]] = {
    "slash_command": {"token": "legacy", "team_id": TEAM_ID, "team_domain": "test", "channel_id": "", "channel_name": "general", "user_id": "", "user_name": "", "command": "", "text": "", "api_app_id": APP_ID, "is_enterprise_install": "false", "response_url": "", "trigger_id": ""},
    "block_actions_message": {"type": "block_actions", "team": _TEAM, "user": {"id": ""}, "api_app_id": APP_ID, "trigger_id": "", "container": {"type": "message"}, "channel": {"id": ""}, "message": {"ts": "1.000001", "text": ""}, "response_url": "", "actions": [{"type": "button", "block_id": "b"}]},
    "block_actions_modal": {"type": "block_actions", "team": _TEAM, "user": {"id": ""}, "api_app_id": APP_ID, "trigger_id": "", "container": {"type": "view"}, "view": _VIEW, "actions": [{"type": "button", "block_id": "b"}]},
    "view_submission": {"type": "view_submission", "team": _TEAM, "user": {"id": ""}, "api_app_id": APP_ID, "trigger_id": "", "view": _VIEW, "response_urls": []},
    "view_closed": {"type": "view_closed", "team": _TEAM, "user": {"id": ""}, "api_app_id": APP_ID, "view": _VIEW, "is_cleared": False},
    "block_suggestion": {"type": "block_suggestion", "team": _TEAM, "user": {"id": ""}, "api_app_id": APP_ID, "action_id": "", "block_id": "", "value": "", "view": _VIEW},
    "event_app_home_opened": dict(_EVENT, event={"type": "app_home_opened", "tab": "home"}),
    "event_message_im": dict(_EVENT, event={"type": "message", "channel_type": "im"}),
    "url_verification": {"token": "legacy", "challenge": "", "type": "url_verification"},
}  # fmt: skip
_ts = itertools.count(1)


def signed_headers(secret: str, body: str | bytes, *, timestamp: int | None = None, content_type: str = "application/x-www-form-urlencoded") -> dict[str, str]:
    ts = str(int(time.time()) if timestamp is None else timestamp)
    if isinstance(body, bytes):  # not text (a malformed-request test): signed as bytes, as Slack would
        digest = hmac.new(secret.encode(), b"v0:" + ts.encode() + b":" + body, hashlib.sha256).hexdigest()
        signature = f"v0={digest}"
    else:
        signature = SignatureVerifier(secret).generate_signature(timestamp=ts, body=body) or ""
    return {
        "Content-Type": content_type,
        "X-Slack-Request-Timestamp": ts,
        "X-Slack-Signature": signature,
    }


def interactivity_body(payload: dict[str, Any]) -> str:
    return urlencode({"payload": json.dumps(payload, ensure_ascii=False)})


def _trigger() -> str:
    return f"{time.monotonic_ns()}.{TEAM_ID}.{next(_ts):08x}"


def _message_ts() -> str:
    return f"{int(time.time())}.{next(_ts):06d}"


class Shapes:
    """Builds each kind of request from its template (a documented Slack payload)."""

    def __init__(self, templates: dict[str, dict[str, Any]]) -> None:
        missing = [kind for kind in KINDS if kind not in templates]
        if missing:
            raise ValueError(f"no template for {', '.join(missing)}")
        self.templates = templates

    @classmethod
    def from_directory(cls, directory: Path) -> Shapes:
        """`<kind>.json` for every kind (tests/fixtures/slack/)."""
        return cls({kind: json.loads((directory / f"{kind}.json").read_text("utf-8")) for kind in KINDS})

    def template(self, kind: str) -> dict[str, Any]:
        return copy.deepcopy(self.templates[kind])

    # --- slash commands ------------------------------------------------------------------

    def slash_command(self, command: str, text: str, user_id: str, *, response_url: str, trigger_id: str | None = None, channel_id: str = "C0GENERAL") -> dict[str, Any]:
        """The form Slack posts; `text` as typed (mentions already in Slack's `<@U…|name>`)."""
        form = self.template("slash_command")
        form.update(
            team_id=TEAM_ID, team_domain="test", channel_id=channel_id, user_id=user_id, user_name=user_id.lower(),
            command=command, text=escape_typed(text), api_app_id=APP_ID, response_url=response_url,
            trigger_id=trigger_id or _trigger(),
        )
        if channel_id.startswith("D"):
            form["channel_name"] = "directmessage"
        return form

    # --- interactivity -------------------------------------------------------------------

    def _user(self, payload: dict[str, Any], user_id: str) -> None:
        user = payload.setdefault("user", {})
        user.update(id=user_id, team_id=TEAM_ID)
        for name in ("username", "name"):
            if name in user:
                user[name] = user_id.lower()
        payload["team"] = dict(payload.get("team") or {}, **_TEAM)
        payload["api_app_id"] = APP_ID

    def _view(self, payload: dict[str, Any], view: dict[str, Any] | None) -> dict[str, Any]:
        """The view as Slack sends it back: what the bot sent, plus Slack's own fields."""
        merged = dict(payload.get("view") or {})
        merged.update(view or {})
        merged.setdefault("state", {"values": {}})
        for key in ("team_id", "app_installed_team_id"):
            if key in merged:
                merged[key] = TEAM_ID
        if "app_id" in merged:
            merged["app_id"] = APP_ID
        if merged.get("root_view_id") is not None:
            merged["root_view_id"] = merged["id"]
        payload["view"] = merged
        return merged

    def block_actions(self, user_id: str, action: dict[str, Any], *, response_url: str, message: dict | None = None, view: dict | None = None, channel_id: str = "D0DM", trigger_id: str | None = None) -> dict[str, Any]:
        """A button (or menu) pressed in a modal when `view` is given, else in a message."""
        payload = self.template("block_actions_modal" if view is not None else "block_actions_message")
        self._user(payload, user_id)
        payload["trigger_id"] = trigger_id or _trigger()
        shown = dict(payload["actions"][0])
        shown.pop("text", None)  # the template's label is not the pressed button's
        shown.pop("value", None)
        pressed = dict(shown, action_ts=str(time.time()))
        pressed.update(action)
        payload["actions"] = [pressed]
        if view is not None:
            merged = self._view(payload, dict(view, id=view.get("id") or "V0VIEW"))
            payload["container"] = {"type": "view", "view_id": merged["id"]}
            return payload
        posted = dict(payload.get("message") or {})
        if message is not None:
            posted = dict(posted, **message)
        posted.setdefault("ts", _message_ts())
        payload["message"] = posted
        payload["channel"] = dict(payload.get("channel") or {}, id=channel_id)
        if "name" in payload["channel"]:
            payload["channel"]["name"] = "directmessage" if channel_id.startswith("D") else "general"
        payload["container"] = dict(payload.get("container") or {}, type="message", message_ts=posted["ts"], channel_id=channel_id)
        payload["response_url"] = response_url
        payload.setdefault("state", {"values": {}})
        return payload

    def view_submission(self, user_id: str, view: dict[str, Any], values: dict[str, dict[str, Any]]) -> dict[str, Any]:
        payload = self.template("view_submission")
        self._user(payload, user_id)
        payload["trigger_id"] = _trigger()
        submitted = dict(view)
        submitted.setdefault("id", "V0TEST")
        submitted.setdefault("hash", "h0")
        submitted["state"] = {"values": values}
        self._view(payload, submitted)
        payload["view"].setdefault("private_metadata", "")
        return payload

    def view_closed(self, user_id: str, view: dict[str, Any]) -> dict[str, Any]:
        payload = self.template("view_closed")
        self._user(payload, user_id)
        self._view(payload, dict(view, id=view.get("id") or "V0TEST"))
        return payload

    def block_suggestion(self, user_id: str, action_id: str, value: str, *, block_id: str, view: dict | None = None) -> dict[str, Any]:
        payload = self.template("block_suggestion")
        self._user(payload, user_id)
        payload.update(action_id=action_id, block_id=block_id, value=value)
        merged = self._view(payload, view or {"id": "V0TEST", "type": "modal", "callback_id": "x"})
        payload["container"] = {"type": "view", "view_id": merged.get("id") or "V0TEST"}
        return payload

    # --- events --------------------------------------------------------------------------

    def event(self, event: dict[str, Any], *, event_id: str | None = None) -> dict[str, Any]:
        """An Events API callback; a message event's `text` as typed (escaped here)."""
        kind = "event_message_im" if event.get("type") == "message" else "event_app_home_opened"
        envelope = self.template(kind)
        base = envelope.get("event") or {}
        if event.get("type") != base.get("type"):
            base = {}
        if kind == "event_app_home_opened" and event.get("type") == "app_home_opened":
            base.pop("view", None)  # Slack sends the Home the app published; there is none yet
        envelope.update(team_id=TEAM_ID, api_app_id=APP_ID)
        envelope["event"] = dict(base, **event)
        if kind == "event_message_im" and event.get("type") == "message":
            self._message(envelope["event"])
        for authorization in envelope.get("authorizations") or []:
            authorization["team_id"] = TEAM_ID
        envelope["event_id"] = event_id or f"Ev{time.monotonic_ns()}"
        envelope["event_time"] = int(time.time())
        return envelope

    @staticmethod
    def _message(event: dict[str, Any]) -> None:
        typed = str(event.get("text") or "")
        event["text"] = escape_typed(typed)
        event.setdefault("ts", _message_ts())
        event["event_ts"] = event["ts"]
        if "team" in event:
            event["team"] = TEAM_ID
        if "blocks" in event and not event.get("bot_id"):
            # Slack's rich-text copy of what was typed (ambot reads `text`).
            event["blocks"] = [{"type": "rich_text", "block_id": "rt", "elements": [{"type": "rich_text_section", "elements": [{"type": "text", "text": typed}]}]}]
        if "client_msg_id" in event and event.get("bot_id"):
            del event["client_msg_id"]

    def url_verification(self, challenge: str) -> dict[str, Any]:
        return dict(self.template("url_verification"), challenge=challenge)


BUILTIN_SHAPES = Shapes(BUILTIN)


def slash_command_body(command: str, text: str, user_id: str, *, response_url: str, trigger_id: str | None = None, channel_id: str = "C0GENERAL", shapes: Shapes = BUILTIN_SHAPES) -> str:
    return urlencode(shapes.slash_command(command, text, user_id, response_url=response_url, trigger_id=trigger_id, channel_id=channel_id))


def event_body(event: dict[str, Any], *, event_id: str | None = None, shapes: Shapes = BUILTIN_SHAPES) -> str:
    return json.dumps(shapes.event(event, event_id=event_id), ensure_ascii=False)
