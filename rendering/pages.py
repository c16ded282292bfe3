"""Long lists as pages that Slack accepts: every section at most 3,000 characters, every
message at most 50 blocks, and an entry (a rep's line, a visit with its Edit button, a
follow-up with its buttons) never cut in two.

    entries = [Entry(line) for line in lines]
    payload = list_message(texts, head, entries, page=2, more=More(ids.X_MORE, query="…", command="/visit list"))

Plain entries share a section, one per line, as long as it stays under 3,000 characters;
an entry with a button of its own gets its own section. A page also stays under
`PAGE_CHARS` so it reads as a screenful or two. Below a page that is not the last comes
"page 2 of 5" and a **More** button (its value: the next page and what was asked); typing
`… page 3` (`第3页`) goes straight there.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from domain.refusal import Refusal
from rendering import blocks as bk
from rendering.i18n import Texts

PAGE_CHARS = 12_000
VALUE_QUERY_LIMIT = 1500  # what was asked, in the More button's value (2,000 at most)
Block = dict[str, Any]


@dataclass(frozen=True)
class Entry:
    """One item of a list: its mrkdwn text, and the buttons that belong to it."""

    text: str
    accessory: Block | None = None  # a button beside the text
    after: tuple[Block, ...] = ()  # blocks under it (a row of buttons)
    block_id: str | None = None  # its section's, when it has buttons of its own
    spaced: bool = False  # a blank line before it when it shares a section (multi-line entries)

    @property
    def plain(self) -> bool:
        return self.accessory is None and not self.after


@dataclass(frozen=True)
class More:
    """How to ask for the next page: the button's action id, what was asked (a customer's
    name, search words), and the command that lists it (shown as `… page N`)."""

    action_id: str
    command: str
    query: str = ""


@dataclass(frozen=True)
class Page:
    number: int
    count: int
    entries: list[Entry] = field(default_factory=list)


def more_value(page: int, query: str = "") -> str:
    return json.dumps({"p": page, "q": query[:VALUE_QUERY_LIMIT]}, ensure_ascii=False)


def read_more_value(value: str) -> tuple[int, str]:
    """(page, query) from a More button; a value that is not ours is the first page."""
    try:
        data = json.loads(value)
        page = int(data.get("p", 1))
        return max(1, page), str(data.get("q") or "")
    except (ValueError, TypeError, AttributeError):
        return 1, ""


def entry_blocks(entries: Sequence[Entry]) -> list[Block]:
    """Sections for `entries`: plain ones merged, one per line, up to 3,000 characters."""
    out: list[Block] = []
    merged: list[str] = []

    def flush() -> None:
        if merged:
            out.append(bk.section("\n".join(merged)))
            merged.clear()

    for entry in entries:
        text = bk.clip(entry.text, bk.SECTION_LIMIT)
        if not entry.plain:
            flush()
            out.append(bk.section(text, accessory=entry.accessory, block_id=entry.block_id))
            out.extend(entry.after)
            continue
        joined = f"\n{text}" if entry.spaced else text
        if merged and len("\n".join([*merged, joined])) > bk.SECTION_LIMIT:
            flush()
        merged.append(joined if merged else text)
    flush()
    return out


def paginate(entries: Sequence[Entry], *, reserved_blocks: int, chars: int = PAGE_CHARS) -> list[list[Entry]]:
    """`entries` cut into pages, never inside an entry: each page's sections plus
    `reserved_blocks` (head and footer) fit one message, and its text fits `chars`."""
    budget = bk.MESSAGE_BLOCKS - reserved_blocks
    pages: list[list[Entry]] = [[]]
    used_blocks = used_chars = 0
    open_section: int | None = None  # length of the last section while plain entries can join it
    for entry in entries:
        size = min(len(entry.text), bk.SECTION_LIMIT) + (1 if entry.spaced else 0)
        if entry.plain:
            joins = open_section is not None and open_section + 1 + size <= bk.SECTION_LIMIT
            blocks = 0 if joins else 1
        else:
            joins, blocks = False, 1 + len(entry.after)
        if pages[-1] and (used_blocks + blocks > budget or used_chars + size > chars):
            pages.append([])
            used_blocks = used_chars = 0
            open_section, joins, blocks = None, False, (1 if entry.plain else 1 + len(entry.after))
        pages[-1].append(entry)
        used_blocks += blocks
        used_chars += size
        if entry.plain:
            open_section = open_section + 1 + size if joins and open_section is not None else size
        else:
            open_section = None
    return pages


def page_of(entries: Sequence[Entry], number: int, *, reserved_blocks: int, chars: int = PAGE_CHARS) -> Page:
    """Page `number` (1-based); asking past the last page is refused, saying how many there are."""
    pages = paginate(entries, reserved_blocks=reserved_blocks, chars=chars)
    if number > len(pages):
        raise Refusal("common.no_such_page", page=number, pages=len(pages))
    return Page(number, len(pages), pages[number - 1])


def list_message(texts: Texts, head: Sequence[Block], entries: Sequence[Entry], *, page: int, more: More, fallback: str, foot: Sequence[Block] = (), chars: int = PAGE_CHARS) -> dict[str, Any]:
    """Page `page` of a list: `head`, its entries, `foot`, and — when more follow — where
    it is ("page 2 of 5") with a More button."""
    reserved = len(head) + len(foot) + 2  # the "page N of M" line and the More button
    shown = page_of(entries, page, reserved_blocks=reserved, chars=chars)
    return page_message(texts, head, shown, more=more, fallback=fallback, foot=foot)


def page_message(texts: Texts, head: Sequence[Block], shown: Page, *, more: More, fallback: str, foot: Sequence[Block] = ()) -> dict[str, Any]:
    """A page already cut (by the caller, in SQL): `head`, its entries, `foot`, "page N of
    M" and the More button as `list_message` draws them."""
    body: list[Block] = [*head, *entry_blocks(shown.entries), *foot]
    if shown.count > 1:
        where = texts.macro("common", "page_of", shown.number, shown.count, more.command)
        body.append(bk.context(where))
        fallback = f"{fallback}\n{where}"
    if shown.number < shown.count:
        button = bk.button(texts.macro("common", "button_more"), more.action_id, more_value(shown.number + 1, more.query))
        body.append(bk.actions(button, block_id=f"more:{shown.number + 1}"))
    return bk.message(fallback, body)
