"""Drive the bot the way Slack does: signed HTTP requests to `/slack/events`.

Used by the end-to-end tests, the console and the benchmarks. Each request gets its own
response_url on the fake Web API, so the replies to one request are easy to pick out.
"""

from __future__ import annotations

import itertools
import json
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from slackio import requests as inbound
from slackio.fake_api import FakeSlack

if TYPE_CHECKING:
    from slack_sdk import WebClient


@dataclass
class Result:
    status: int
    text: str
    replies: list[dict[str, Any]] = field(default_factory=list)

    @property
    def json(self) -> dict[str, Any]:
        return json.loads(self.text) if self.text.strip().startswith("{") else {}

    @property
    def answered(self) -> bool:
        """The user saw something: a response_url message or a non-empty ack body."""
        return bool(self.replies) or bool(self.json.get("text") or self.json.get("blocks"))

    @property
    def reply(self) -> dict[str, Any]:
        """The last thing the user saw in answer: a response_url message or the ack body."""
        if self.replies:
            return self.replies[-1]
        return self.json

    @property
    def reply_text(self) -> str:
        """All visible text of the answer: fallback text plus every block's text."""
        return visible_text(self.reply)


def visible_text(message: dict[str, Any]) -> str:
    parts = [message.get("text") or ""]
    for block in message.get("blocks") or []:
        parts.extend(_block_texts(block))
    return "\n".join(p for p in parts if p)


def _block_texts(block: dict[str, Any]) -> list[str]:
    texts: list[str] = []
    if block.get("type") in {"mrkdwn", "plain_text"} and isinstance(block.get("text"), str):
        return [block["text"]]
    for key in ("text", "label", "title"):
        value = block.get(key)
        if isinstance(value, dict):
            texts.append(value.get("text", ""))
    for element in block.get("elements") or []:
        if isinstance(element, dict):
            texts.extend(_block_texts(element))
    for f in block.get("fields") or []:
        texts.append(f.get("text", ""))
    if isinstance(block.get("accessory"), dict):
        texts.extend(_block_texts(block["accessory"]))
    return texts


class SlackDriver:
    """`shapes` builds each request (the test bed's come from tests/fixtures/slack/)."""

    def __init__(self, events_url: str, signing_secret: str, fake: FakeSlack, *, shapes: inbound.Shapes = inbound.BUILTIN_SHAPES) -> None:
        self.events_url = events_url
        self.secret = signing_secret
        self.fake = fake
        self.shapes = shapes
        self._names = itertools.count(1)

    @property
    def server_client(self) -> WebClient:
        """A WebClient aimed at the fake, as the bot's own would be."""
        from slack_sdk import WebClient

        return WebClient(token=self.fake.token, base_url=self.fake.api_url)

    def post(self, body: str | bytes, *, content_type: str = "application/x-www-form-urlencoded", timestamp: int | None = None, signature: str | None = None, retry_num: int | None = None, timeout: float = 10.0) -> Result:
        headers = inbound.signed_headers(self.secret, body, timestamp=timestamp, content_type=content_type)
        if signature is not None:
            headers["X-Slack-Signature"] = signature
        if retry_num is not None:
            headers["X-Slack-Retry-Num"] = str(retry_num)
            headers["X-Slack-Retry-Reason"] = "http_timeout"
        data = body if isinstance(body, bytes) else body.encode("utf-8")
        request = urllib.request.Request(self.events_url, data=data, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return Result(response.status, response.read().decode("utf-8"))
        except urllib.error.HTTPError as error:
            return Result(error.code, error.read().decode("utf-8", "replace"))

    def _with_replies(self, result: Result, name: str) -> Result:
        result.replies = [c.body for c in self.fake.responses(name)]
        return result

    def command(self, user: str, command: str, text: str = "", *, trigger_id: str | None = None, retry_num: int | None = None, channel_id: str = "C0GENERAL") -> Result:
        name = f"c{next(self._names)}"
        form = self.shapes.slash_command(command, text, user, response_url=self.fake.response_url(name), trigger_id=trigger_id, channel_id=channel_id)
        return self._with_replies(self.post(urlencode(form), retry_num=retry_num), name)

    def action(self, user: str, action: dict[str, Any], *, message: dict | None = None, view: dict | None = None, channel_id: str = "D0DM", retry_num: int | None = None) -> Result:
        name = f"a{next(self._names)}"
        payload = self.shapes.block_actions(user, action, response_url=self.fake.response_url(name), message=message, view=view, channel_id=channel_id)
        return self._with_replies(self.post(inbound.interactivity_body(payload), retry_num=retry_num), name)

    def press(self, user: str, button: dict[str, Any], **kwargs: Any) -> Result:
        """Press a button element taken from a message or view the bot sent."""
        action = {"action_id": button["action_id"], "value": button.get("value", ""), "type": button.get("type", "button")}
        if button.get("text"):
            action["text"] = button["text"]
        return self.action(user, action, **kwargs)

    def submit(self, user: str, view: dict[str, Any], values: dict[str, dict[str, Any]], *, retry_num: int | None = None) -> Result:
        payload = self.shapes.view_submission(user, view, values)
        result = self.post(inbound.interactivity_body(payload), retry_num=retry_num)
        self.fake.check_answer("view_submission", result.json)
        return result

    def suggest(self, user: str, action_id: str, value: str, *, block_id: str, view: dict | None = None) -> Result:
        payload = self.shapes.block_suggestion(user, action_id, value, block_id=block_id, view=view)
        result = self.post(inbound.interactivity_body(payload))
        self.fake.check_answer("block_suggestion", result.json)
        return result

    def dm(self, user: str, text: str, *, ts: str | None = None, event_id: str | None = None, retry_num: int | None = None, **extra: Any) -> Result:
        """`user` writes `text` in their DM with the bot: Slack delivers `message.im`."""
        event: dict[str, Any] = {"type": "message", "channel_type": "im", "user": user, "channel": "D" + user, "text": text, **extra}
        if ts:
            event["ts"] = ts
        return self.event(event, event_id=event_id, retry_num=retry_num)

    def close_view(self, user: str, view: dict[str, Any]) -> Result:
        return self.post(inbound.interactivity_body(self.shapes.view_closed(user, view)))

    def event(self, event: dict[str, Any], *, event_id: str | None = None, retry_num: int | None = None) -> Result:
        body = json.dumps(self.shapes.event(event, event_id=event_id), ensure_ascii=False)
        return self.post(body, content_type="application/json", retry_num=retry_num)
