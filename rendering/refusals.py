"""A refusal or a failure as the user sees it: an ephemeral message (with the command's
usage when ambot could not read what was typed), a form field error, or a small view."""

from __future__ import annotations

from typing import Any

from domain.refusal import Refusal
from rendering.blocks import context, ephemeral, modal, section
from rendering.i18n import Texts
from rendering.mentions import plain_mentions

FIELD_ERROR_LIMIT = 300


def refusal_text(texts: Texts, refusal: Refusal) -> str:
    """The macro `error_<code>` of the capability's messages, in the reader's language."""
    capability, _, code = refusal.key.partition(".")
    template = "common" if capability == "common" else f"{capability}/messages"
    return texts.macro(template, "error_" + code, **refusal.params)


def refusal_reply(texts: Texts, text: str, usage_template: str | None = None) -> dict[str, Any]:
    if usage_template is None:
        return ephemeral(text)
    return error_with_usage(texts, text, usage_template)


def error_with_usage(texts: Texts, error_text: str, usage_template: str) -> dict[str, Any]:
    """A clear error plus the command's usage, as one ephemeral reply."""
    return ephemeral(error_text, [section(f":warning: {error_text}"), context(texts.render(usage_template))])


def field_text(text: str, names: dict[str, str]) -> str:
    """A message as a form field error: plain text, so `<@U…>` becomes `@name` and mrkdwn
    marks go (Slack shows them literally under an input)."""
    return plain_mentions(text, names).replace("*", "").replace("`", "")[:FIELD_ERROR_LIMIT]


def failure_text(texts: Texts, key: str, request_id: str) -> str:
    """"Something went wrong, nothing was saved", with the id the log line carries."""
    return texts.macro("common", key, ref=request_id)


def notice_view(texts: Texts, text: str) -> dict[str, Any]:
    return modal("ambot_notice", texts.macro("common", "notice_title"), [section(text)], close=texts.macro("common", "close"))
