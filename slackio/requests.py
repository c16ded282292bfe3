"""Slack-shaped inbound requests, signed exactly as Slack signs them.

Used by the tests, the console and the benchmarks to drive the bot through the same
path Slack does (Bolt's signature check included).
"""

from __future__ import annotations

import json
import time
from typing import Any
from urllib.parse import urlencode

from slack_sdk.signature import SignatureVerifier

TEAM_ID = "T0TEAM"


def signed_headers(secret: str, body: str, *, timestamp: int | None = None, content_type: str = "application/x-www-form-urlencoded") -> dict[str, str]:
    ts = str(int(time.time()) if timestamp is None else timestamp)
    signature = SignatureVerifier(secret).generate_signature(timestamp=ts, body=body)
    assert signature is not None  # None only without a timestamp or a body
    return {
        "Content-Type": content_type,
        "X-Slack-Request-Timestamp": ts,
        "X-Slack-Signature": signature,
    }


def slash_command_body(command: str, text: str, user_id: str, *, response_url: str, trigger_id: str | None = None, channel_id: str = "C0GENERAL") -> str:
    return urlencode(
        {
            "token": "legacy",
            "team_id": TEAM_ID,
            "team_domain": "test",
            "channel_id": channel_id,
            "channel_name": "general",
            "user_id": user_id,
            "user_name": user_id.lower(),
            "command": command,
            "text": text,
            "api_app_id": "A0AMBOT",
            "is_enterprise_install": "false",
            "response_url": response_url,
            "trigger_id": trigger_id or f"trig.{time.monotonic_ns()}",
        }
    )


def interactivity_body(payload: dict[str, Any]) -> str:
    return urlencode({"payload": json.dumps(payload, ensure_ascii=False)})


def block_actions_payload(user_id: str, action: dict[str, Any], *, response_url: str, message: dict | None = None, view: dict | None = None, channel_id: str = "D0DM", trigger_id: str | None = None) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "type": "block_actions",
        "team": {"id": TEAM_ID, "domain": "test"},
        "user": {"id": user_id, "username": user_id.lower(), "team_id": TEAM_ID},
        "api_app_id": "A0AMBOT",
        "trigger_id": trigger_id or f"trig.{time.monotonic_ns()}",
        "actions": [dict({"type": "button", "action_ts": str(time.time()), "block_id": "b"}, **action)],
        "response_url": response_url,
    }
    if view is not None:
        view = dict(view)
        view.setdefault("id", "V0VIEW")  # Slack sends the id of the view the button is in
        payload["view"] = view
        payload["container"] = {"type": "view", "view_id": view["id"]}
    else:
        payload["channel"] = {"id": channel_id}
        payload["message"] = message or {"ts": "1.000001", "text": ""}
        payload["container"] = {"type": "message", "message_ts": payload["message"]["ts"], "channel_id": channel_id}
    return payload


def view_submission_payload(user_id: str, view: dict[str, Any], values: dict[str, dict[str, Any]]) -> dict[str, Any]:
    submitted = dict(view)
    submitted["state"] = {"values": values}
    submitted.setdefault("id", "V0TEST")
    submitted.setdefault("hash", "h0")
    return {
        "type": "view_submission",
        "team": {"id": TEAM_ID, "domain": "test"},
        "user": {"id": user_id, "username": user_id.lower(), "team_id": TEAM_ID},
        "api_app_id": "A0AMBOT",
        "trigger_id": f"trig.{time.monotonic_ns()}",
        "view": submitted,
        "response_urls": [],
    }


def block_suggestion_payload(user_id: str, action_id: str, value: str, *, block_id: str, view: dict | None = None) -> dict[str, Any]:
    return {
        "type": "block_suggestion",
        "team": {"id": TEAM_ID, "domain": "test"},
        "user": {"id": user_id, "team_id": TEAM_ID},
        "api_app_id": "A0AMBOT",
        "action_id": action_id,
        "block_id": block_id,
        "value": value,
        "view": view or {"id": "V0TEST", "type": "modal", "callback_id": "x"},
    }


def event_body(event: dict[str, Any]) -> str:
    return json.dumps(
        {
            "token": "legacy",
            "team_id": TEAM_ID,
            "api_app_id": "A0AMBOT",
            "event": event,
            "type": "event_callback",
            "event_id": f"Ev{time.monotonic_ns()}",
            "event_time": int(time.time()),
        }
    )
