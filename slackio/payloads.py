"""Reading what Slack sends to `/slack/events`, before Bolt routes it.

Slack sends slash commands as a form, interactivity as a form with one `payload` field
holding JSON, and events as JSON. `parse_body` reads the form properly: Bolt's own parser
takes any form containing the text `payload` for interactivity, so a slash command whose
text says "payload" would be routed nowhere. `problem` then checks the shape every
listener relies on, so a correctly signed but unusable body is answered 400 here instead
of failing deep inside a listener.

Every string of what `parse_body` returns — keys and values, at any depth — has its
control characters removed (`domain.text_hygiene.strip_controls`): this is the one place
text typed in Slack enters ambot, so a NUL byte or an escape sequence reaches no service,
and SQLite and PostgreSQL store the same text.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qsl

from domain.text_hygiene import strip_controls


class Unreadable(ValueError):
    """The body is not a Slack payload at all (bad JSON, not an object, not UTF-8)."""


def parse_body(body: str, content_type: str | None) -> dict[str, Any]:
    return clean(_parse(body, content_type))


def _parse(body: str, content_type: str | None) -> dict[str, Any]:
    if not body:
        raise Unreadable("empty body")
    if (content_type or "").split(";")[0].strip() == "application/json" or body.lstrip().startswith("{"):
        return _json_object(body)
    form = dict(parse_qsl(body, keep_blank_values=True))
    if "payload" in form and "command" not in form:
        return _json_object(form["payload"])
    return form


def clean(value: Any) -> Any:
    """`value` with control characters removed from every string in it, at any depth."""
    if isinstance(value, str):
        return strip_controls(value)
    if isinstance(value, dict):
        return {clean(k): clean(v) for k, v in value.items()}
    if isinstance(value, list):
        return [clean(v) for v in value]
    return value


def _json_object(text: str) -> dict[str, Any]:
    try:
        value = json.loads(text)
    except ValueError as exc:  # JSONDecodeError, or e.g. an integer literal too long for int()
        detail = exc.msg if isinstance(exc, json.JSONDecodeError) else str(exc)
        raise Unreadable(f"not JSON: {detail}") from None
    if not isinstance(value, dict):
        raise Unreadable(f"JSON {type(value).__name__}, not an object")
    return value


def private_metadata(view: dict[str, Any]) -> dict[str, Any]:
    """What ambot put in a view's `private_metadata` ({} when it is not ambot's JSON)."""
    try:
        meta = json.loads(view.get("private_metadata") or "{}")
    except (TypeError, ValueError):
        return {}
    return meta if isinstance(meta, dict) else {}


def _text(value: Any) -> bool:
    return isinstance(value, str) and bool(value)


def _user_id(body: dict[str, Any]) -> str | None:
    user = body.get("user")
    return user.get("id") if isinstance(user, dict) and _text(user.get("id")) else None


def problem(body: dict[str, Any]) -> str | None:
    """Why this body cannot be handled (None: it can)."""
    if "command" in body:
        for field in ("command", "user_id", "team_id", "trigger_id", "response_url"):
            if not _text(body.get(field)):
                return f"slash command without {field}"
        if not str(body["command"]).startswith("/"):
            return "slash command name without /"
        if not isinstance(body.get("text", ""), str):
            return "slash command text is not text"
        return None
    kind = body.get("type")
    check = _CHECKS.get(kind) if isinstance(kind, str) else None
    if check is None:
        return f"unknown payload type {kind!r}"
    return check(body)


def user_of(body: dict[str, Any]) -> str | None:
    """Who sent it, when that can be read (to answer them in their language)."""
    return body.get("user_id") if _text(body.get("user_id")) else _user_id(body)


def _block_actions(body: dict[str, Any]) -> str | None:
    if _user_id(body) is None:
        return "block_actions without user"
    actions = body.get("actions")
    if not isinstance(actions, list) or not actions:
        return "block_actions without actions"
    for action in actions:
        if not isinstance(action, dict) or not _text(action.get("action_id")):
            return "block_actions action without action_id"
        if "value" in action and not isinstance(action["value"], str):
            return "block_actions value is not text"
    return _view_if_any(body) or _object_if_any(body, "message") or _object_if_any(body, "container")


def _view_submission(body: dict[str, Any]) -> str | None:
    if _user_id(body) is None:
        return "view_submission without user"
    view = body.get("view")
    if not isinstance(view, dict):
        return "view_submission without view"
    if not _text(view.get("id")) or not _text(view.get("callback_id")):
        return "view_submission view without id or callback_id"
    state = view.get("state")
    if not isinstance(state, dict) or not isinstance(state.get("values"), dict):
        return "view_submission without state.values"
    return None


def _view_closed(body: dict[str, Any]) -> str | None:
    if _user_id(body) is None:
        return "view_closed without user"
    view = body.get("view")
    if not isinstance(view, dict) or not _text(view.get("callback_id")):
        return "view_closed without view"
    return None


def _block_suggestion(body: dict[str, Any]) -> str | None:
    if _user_id(body) is None:
        return "block_suggestion without user"
    if not _text(body.get("action_id")):
        return "block_suggestion without action_id"
    if not isinstance(body.get("value", ""), str):
        return "block_suggestion value is not text"
    return _view_if_any(body)


def _event_callback(body: dict[str, Any]) -> str | None:
    event = body.get("event")
    if not isinstance(event, dict) or not _text(event.get("type")):
        return "event_callback without event type"
    if "user" in event and not isinstance(event["user"], str):
        return "event user is not an id"
    return None


def _url_verification(body: dict[str, Any]) -> str | None:
    return None if _text(body.get("challenge")) else "url_verification without challenge"


def _view_if_any(body: dict[str, Any]) -> str | None:
    view = body.get("view")
    if view is None:
        return None
    if not isinstance(view, dict) or not _text(view.get("id")):
        return "view without id"
    return None


def _object_if_any(body: dict[str, Any], key: str) -> str | None:
    return None if body.get(key) is None or isinstance(body.get(key), dict) else f"{key} is not an object"


_CHECKS = {
    "block_actions": _block_actions,
    "view_submission": _view_submission,
    "view_closed": _view_closed,
    "block_suggestion": _block_suggestion,
    "event_callback": _event_callback,
    "url_verification": _url_verification,
    "app_rate_limited": lambda body: None,
}
