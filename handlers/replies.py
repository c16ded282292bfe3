"""How listeners answer: ephemeral replies, errors with usage, and a guard that turns
any unexpected failure into a polite message instead of a stack trace."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any

from sqlalchemy.exc import OperationalError

from rendering.blocks import context, message, section
from rendering.i18n import Texts, negotiate_locale

log = logging.getLogger("ambot.handlers")


def ephemeral(text: str, blocks: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    payload = message(text, blocks)
    payload["response_type"] = "ephemeral"
    return payload


def error_with_usage(texts: Texts, error_text: str, usage_template: str) -> dict[str, Any]:
    """A clear error plus the command's usage, as one ephemeral reply."""
    usage = texts.render(usage_template)
    return ephemeral(error_text, [section(f":warning: {error_text}"), context(usage)])


def guarded(listener: Callable[..., Any]) -> Callable[..., Any]:
    """Run a listener; on an unexpected error log it and tell the user, never a 500."""

    @functools.wraps(listener)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return listener(*args, **kwargs)
        except Exception as exc:  # the user gets a message, the log gets the trace
            log.exception("listener %s failed", listener.__name__)
            respond = kwargs.get("respond")
            body = kwargs.get("body") or {}
            locale = negotiate_locale((body.get("user") or {}).get("locale"), None)
            texts = Texts(locale)
            key = "database_unavailable" if isinstance(exc, OperationalError) else "internal_error"
            text = texts.macro("common", key)
            if respond is not None:
                try:
                    respond(**ephemeral(text))
                except Exception:  # the response_url may be gone too; the log has it
                    log.warning("could not tell the user about the failure")
            return None

    return wrapper
