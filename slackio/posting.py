"""Posting and redrawing messages where one unreachable person must not stop the rest:
a refusal from Slack is logged and the caller carries on."""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

log = logging.getLogger("ambot.posting")


def post_message(client: WebClient, channel: str | None, payload: dict[str, Any] | None, *, thread_ts: str | None = None, broadcast: bool = False) -> tuple[str, str] | None:
    """Post to a user (their DM) or channel; (channel, ts), or None when there is nobody
    to post to or Slack refused."""
    if not channel or payload is None:
        return None
    extra: dict[str, Any] = {}
    if thread_ts:
        extra["thread_ts"] = thread_ts
        if broadcast:
            extra["reply_broadcast"] = True
    try:
        response = client.chat_postMessage(channel=channel, **payload, **extra)
    except (SlackApiError, OSError) as exc:
        log.warning("could not post to %s: %s", channel, exc)
        return None
    return response["channel"], response["ts"]  # always there when Slack said ok


def update_message(client: WebClient, channel: str | None, ts: str | None, payload: dict[str, Any]) -> None:
    if not channel or not ts:
        return
    try:
        client.chat_update(channel=channel, ts=ts, **payload)
    except (SlackApiError, OSError) as exc:
        log.warning("could not update %s/%s: %s", channel, ts, exc)
