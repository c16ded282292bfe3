"""`/digest weekly|manager|export|help`: the reports on demand, for the asker only (SPEC §4.5,
§4.6); `/digest export visits 2026Q4` sends a manager the team's spreadsheet in a DM."""

from __future__ import annotations

from domain.args import tokenize
from domain.refusal import Refusal
from handlers.digest_export import export_command
from listening.layer import Listeners
from listening.request import Request
from rendering import digest_blocks
from rendering.blocks import ephemeral
from services.manager_digest import manager_digest
from services.weekly_summary import weekly_summary
from slackio import ids

USAGE = "digest/usage"
HELP_WORDS = {"help", "帮助", "?", "？"}
WEEKLY_WORDS = {"weekly", "week", "summary", "周报", "例会", "本周"}
MANAGER_WORDS = {"manager", "managers", "经理", "主管"}
EXPORT_WORDS = {"export", "导出"}


def register(on: Listeners) -> None:
    on.command(ids.DIGEST, handle_digest, usage=USAGE)


def handle_digest(req: Request) -> None:
    words = tokenize(req.text)
    sub = words[0].lower() if words else ""
    if not words or sub in HELP_WORDS:
        req.say(req.texts.render(USAGE))
        return
    if sub in EXPORT_WORDS:
        export_command(req, words[1:])
        return
    if sub not in WEEKLY_WORDS | MANAGER_WORDS:
        raise Refusal("digest.unknown_subcommand", usage=True, word=words[0])
    if len(words) > 1:
        raise Refusal("digest.extra_words", usage=True, sub=words[0], words=" ".join(words[1:]))
    person = req.person
    if not person.is_member:
        raise Refusal("common.not_member", command=ids.DIGEST)
    assert person.team_id is not None
    if sub in MANAGER_WORDS:
        if not person.is_manager:
            raise Refusal("digest.not_manager")
        rendered = digest_blocks.manager_message(req.texts, manager_digest(req.db, person.team_id, req.now), preview=True)
    else:
        rendered = digest_blocks.weekly_message(req.texts, weekly_summary(req.db, person.team_id, req.now), preview=True)
    req.reply(ephemeral(rendered.message["text"], rendered.message["blocks"]))

