"""Commands whose capability is not built yet answer `help` and explain their usage.

Each capability module replaces its entry here when it lands (see handlers/__init__.py).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_sdk import WebClient

from domain.args import tokenize
from handlers.context import resolve_actor
from handlers.replies import ephemeral, error_with_usage, guarded


def usage_listener(command_name: str, usage_template: str) -> Callable[..., None]:
    @guarded
    def listener(ack, command: dict[str, Any], client: WebClient, respond) -> None:
        ack()
        actor = resolve_actor(client, command["user_id"])
        words = tokenize(command.get("text", ""))
        if not words or words[0].lower() in {"help", "帮助", "?"}:
            respond(**ephemeral(actor.texts.render(usage_template)))
            return
        text = actor.texts.macro("common", "unknown_subcommand", command=command_name, word=words[0])
        respond(**error_with_usage(actor.texts, text, usage_template))

    listener.__name__ = f"usage_{command_name.strip('/')}"
    return listener
