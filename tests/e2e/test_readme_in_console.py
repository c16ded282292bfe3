"""Every example in the README works verbatim in the console: typed as a person types it
(`@name`, `#team`, `&`), delivered as Slack delivers it, and answered — never "could not
read that", never "something went wrong"."""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from console.simulator import open_console
from core import clock
from core.settings import Settings
from slackio.driver import visible_text

README = Path(__file__).parents[2] / "README.md"
MANAGER_COMMANDS = ("/amteam", "/kpi target", "/kpi team", "/kpi @", "/digest manager")
UNRESOLVED_MENTION = re.compile(r"(?<![\w<|])@[^\s<>,，；;。]+")


def plain_code_blocks(text: str) -> list[list[str]]:
    """The README's fenced blocks without a language (commands, messages, transcripts)."""
    blocks: list[list[str]] = []
    current: list[str] | None = None
    fence = ""
    for line in text.splitlines():
        if line.startswith("```"):
            if current is None:
                current, fence = [], line[3:].strip()
            else:
                if not fence:
                    blocks.append(current)
                current = None
            continue
        if current is not None:
            current.append(line)
    return blocks


def examples() -> tuple[list[str], list[str], list[str]]:
    """(slash commands, DMs, console lines) as written in the README; usage patterns with
    `a|b`, `<value>` or `[optional]` are descriptions, not examples."""
    text = README.read_text("utf-8")
    commands, console_lines = [], []
    for block in plain_code_blocks(text):
        for line in block:
            if line.startswith("["):
                console_lines.append(line.split("> ", 1)[1].split("  ")[0].strip())
            elif line.startswith("/"):
                commands += [p.strip() for p in re.split(r"\s{2,}", line) if p.startswith("/") and not re.search(r"[|<>\[]", p)]
    dm_section = text.split("## Talking to ambot in a DM", 1)[1]
    dms = plain_code_blocks(dm_section)[0]
    return commands, dms, console_lines


def _is_usage_refusal(reply: dict) -> bool:
    blocks = reply.get("blocks") or []
    return len(blocks) == 2 and blocks[0]["text"]["text"].startswith(":warning:") and blocks[1]["type"] == "context"


@pytest.mark.slow
def test_every_readme_example_works_in_the_console(tmp_path, caplog, capsys):
    commands, dms, console_lines = examples()
    assert len(commands) > 35 and len(dms) == 4 and ":home" in console_lines
    caplog.set_level(logging.WARNING, logger="ambot")
    clock.freeze(datetime(2026, 12, 2, 2, 0, tzinfo=UTC))  # Wednesday 10:00 in Shanghai
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'console.db'}")
    try:
        with open_console(settings, input_fn=lambda prompt: ":quit") as console:
            for command in commands:
                console.user = "U0MGR" if command.startswith(MANAGER_COMMANDS) else "U0REP1"
                name, _, text = command.partition(" ")
                delivered = console.as_slack_delivers(text)
                assert not UNRESOLVED_MENTION.findall(re.sub(r"<[^>]*>", "", delivered)), command
                before = len(console.fake.calls)
                result = console.driver.command(console.user, name, delivered)
                opened = any(c.method == "views.open" for c in console.fake.calls[before:])
                assert result.status == 200 and (result.answered or opened), command
                assert not _is_usage_refusal(result.reply), (command, visible_text(result.reply))
            console.user = "U0REP1"
            for message in dms:
                before = len(console.fake.calls)
                assert console.driver.dm("U0REP1", console.as_slack_delivers(message, labelled=False)).status == 200
                answers = [c for c in console.fake.calls[before:] if c.method == "chat.postMessage"]
                assert len(answers) == 1, message
            for line in console_lines:
                if line != ":quit":
                    console.handle(line)
            assert console.fake.invalid == []
    finally:
        clock.freeze(None)
    failures = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert failures == []
    shown = capsys.readouterr().out
    assert "你现在是 王建国" in shown and "Home" in shown
