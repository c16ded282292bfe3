"""How listeners answer: ephemeral replies, errors with usage, and a guard that turns
any unexpected failure into a polite message instead of a stack trace."""

from __future__ import annotations

import functools
import inspect
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
    """Run a listener; on an unexpected error log it and tell the user: never a stack
    trace, never a 500. The wrapper always receives `respond` and `body`, whatever the
    listener itself declares, so it can answer in the user's language."""
    own = inspect.signature(listener)
    own_names = set(own.parameters)
    needed = [name for name in ("respond", "body") if name not in own_names]
    advertised = own.replace(parameters=[
        *own.parameters.values(),
        *(inspect.Parameter(name, inspect.Parameter.POSITIONAL_OR_KEYWORD, default=None) for name in needed),
    ])

    @functools.wraps(listener)
    def wrapper(**kwargs: Any) -> Any:
        try:
            return listener(**{k: v for k, v in kwargs.items() if k in own_names})
        except Exception as exc:  # the user gets a message, the log gets the trace
            log.exception("listener %s failed", listener.__name__)
            body = kwargs.get("body") or {}
            locale = negotiate_locale((body.get("user") or {}).get("locale"), None)
            key = "database_unavailable" if isinstance(exc, OperationalError) else "internal_error"
            text = Texts(locale).macro("common", key)
            respond = kwargs.get("respond")
            if respond is not None:
                try:
                    respond(**ephemeral(text))
                except Exception:  # the response_url may be gone too; the log has it
                    log.warning("could not tell the user about the failure")
            return None

    # Bolt passes exactly the arguments this signature names (it reads them with
    # getfullargspec after inspect.unwrap, so the original must not be reachable).
    wrapper.__signature__ = advertised
    del wrapper.__wrapped__
    return wrapper
