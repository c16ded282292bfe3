"""`/digest weekly|manager|help`: the reports on demand, for the asker only (SPEC §4.5, §4.6)."""

from __future__ import annotations

from typing import Any

from slack_bolt import App
from slack_sdk import WebClient

from domain.args import tokenize
from handlers import ids
from handlers.context import resolve_actor
from handlers.replies import ephemeral, error_with_usage, guarded
from rendering import digest_blocks
from services.manager_digest import manager_digest
from services.weekly_summary import weekly_summary
from storage import db

USAGE = "digest/usage"
MESSAGES = "digest/messages"
HELP_WORDS = {"help", "帮助", "?", "？"}
WEEKLY_WORDS = {"weekly", "week", "summary", "周报", "例会", "本周"}
MANAGER_WORDS = {"manager", "managers", "经理", "主管"}


def register(app: App) -> None:
    app.command(ids.DIGEST)(handle_digest)


@guarded
def handle_digest(ack, command: dict[str, Any], client: WebClient, respond) -> None:
    ack()
    actor = resolve_actor(client, command["user_id"])
    texts = actor.texts
    words = tokenize(command.get("text", ""))
    sub = words[0].lower() if words else ""
    if not words or sub in HELP_WORDS:
        respond(**ephemeral(texts.render(USAGE)))
        return
    if sub not in WEEKLY_WORDS | MANAGER_WORDS:
        respond(**error_with_usage(texts, texts.macro(MESSAGES, "unknown_subcommand", word=words[0]), USAGE))
        return
    if len(words) > 1:
        respond(**error_with_usage(texts, texts.macro(MESSAGES, "extra_words", sub=words[0], words=" ".join(words[1:])), USAGE))
        return
    person = actor.person
    if not person.is_member:
        respond(**ephemeral(texts.macro("common", "refused_not_member", command=ids.DIGEST)))
        return
    if sub in MANAGER_WORDS and not person.is_manager:
        respond(**ephemeral(texts.macro(MESSAGES, "refused_not_manager")))
        return
    with db.session_scope() as session:
        if sub in MANAGER_WORDS:
            rendered = digest_blocks.manager_message(texts, manager_digest(session, person.team_id, actor.now), preview=True)
        else:
            rendered = digest_blocks.weekly_message(texts, weekly_summary(session, person.team_id, actor.now), preview=True)
    respond(**ephemeral(rendered.message["text"], rendered.message["blocks"]))
