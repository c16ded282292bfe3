"""The Slack Web API methods the fake answers, with just enough state to be believable:
posted messages per channel (and thread), views, and users' profiles."""

from __future__ import annotations

import itertools
import threading
import time
from typing import Any

from slackio.fake_validation import dm_channel


class WebApiMethods:
    """Mixed into FakeSlack, which provides the state (`messages`, `views`, `users`,
    `_lock`, `_ts`, `_ids`). A method `a.b` is answered by `_m_a_b(body)`."""

    messages: dict[str, list[dict[str, Any]]]
    views: dict[str, dict[str, Any]]
    users: dict[str, dict[str, Any]]
    _lock: threading.RLock
    _ts: itertools.count[int]
    _ids: itertools.count[int]

    def _next_ts(self) -> str:
        return f"{int(time.time())}.{next(self._ts):06d}"

    def _m_auth_test(self, body: dict) -> dict:
        return {"ok": True, "team_id": "T0TEAM", "user_id": "UBOT", "bot_id": "BBOT", "team": "Test", "url": "https://test.slack.com/"}

    def _m_chat_postMessage(self, body: dict) -> dict:
        channel = dm_channel(str(body["channel"]))
        ts = self._next_ts()
        message = {"ts": ts, "text": body.get("text"), "blocks": body.get("blocks"), "metadata": body.get("metadata"), "thread_ts": body.get("thread_ts")}
        with self._lock:
            self.messages.setdefault(channel, []).append(message)
        return {"ok": True, "channel": channel, "ts": ts, "message": message}

    def _m_chat_postEphemeral(self, body: dict) -> dict:
        return {"ok": True, "message_ts": self._next_ts()}

    def _m_chat_update(self, body: dict) -> dict:
        return {"ok": True, "channel": body.get("channel"), "ts": body.get("ts"), "text": body.get("text")}

    def _m_conversations_open(self, body: dict) -> dict:
        users = str(body.get("users", ""))
        return {"ok": True, "channel": {"id": dm_channel(users.replace(",", ""))}}

    def _m_conversations_history(self, body: dict) -> dict:
        # As on Slack, thread replies are not part of the channel's history.
        with self._lock:
            messages = [m for m in reversed(self.messages.get(str(body.get("channel")), [])) if not m.get("thread_ts")]
        return {"ok": True, "messages": messages[: int(body.get("limit", 100))], "has_more": False}

    def _m_conversations_replies(self, body: dict) -> dict:
        ts = str(body.get("ts"))
        with self._lock:
            thread = [m for m in self.messages.get(str(body.get("channel")), []) if ts in (m.get("ts"), m.get("thread_ts"))]
        if not thread:
            return {"ok": False, "error": "thread_not_found"}
        return {"ok": True, "messages": thread[: int(body.get("limit", 100))], "has_more": False}

    def _m_users_info(self, body: dict) -> dict:
        user_id = str(body.get("user"))
        profile = self.users.get(user_id)
        if profile is None:
            return {"ok": False, "error": "user_not_found"}
        user = {"id": user_id, "name": profile.get("name", user_id.lower()), "real_name": profile.get("real_name", user_id), "tz": profile.get("tz", "Asia/Shanghai"), "profile": {"real_name": profile.get("real_name", user_id)}}
        if str(body.get("include_locale")).lower() in {"true", "1"}:
            user["locale"] = profile.get("locale", "en-US")
        return {"ok": True, "user": user}

    def _store_view(self, view: dict, view_id: str | None = None) -> dict:
        view_id = view_id or f"V{next(self._ids):08d}"
        stored = dict(view, id=view_id, hash=f"h{next(self._ids)}")
        with self._lock:
            self.views[view_id] = stored
        return {"ok": True, "view": stored}

    def _m_views_open(self, body: dict) -> dict:
        return self._store_view(body["view"])

    def _m_views_push(self, body: dict) -> dict:
        return self._store_view(body["view"])

    def _m_views_update(self, body: dict) -> dict:
        view_id = body.get("view_id")
        if not view_id and body.get("external_id"):
            view_id = next((k for k, v in self.views.items() if v.get("external_id") == body["external_id"]), None)
        if not view_id or view_id not in self.views:
            return {"ok": False, "error": "not_found"}
        # As Slack: a hash names the version the update was made from; a newer one wins.
        if body.get("hash") and body["hash"] != self.views[view_id].get("hash"):
            return {"ok": False, "error": "hash_conflict"}
        return self._store_view(body["view"], view_id)

    def _m_views_publish(self, body: dict) -> dict:
        return self._store_view(body["view"], f"VHOME{body.get('user_id')}")
