"""Text as Slack sends it, and back.

Slack escapes three characters in everything a person types — slash-command text and
message text alike — and uses angle brackets only for its own control sequences
(api.slack.com/docs/formatting):

    typed:  需求：A&B <100M>, ask @lina      (`should_escape` turns @lina into a mention)
    sent:   需求：A&amp;B &lt;100M&gt;, ask <@U0B1|lina>

`unescape` undoes that once, where text enters ambot, keeping Slack's own sequences
(`<@U…>`, `<#C…>`, `<!…>`, `<http…|…>`, `<mailto:…>`) whole so mentions and channels
stay readable; what leaves ambot is escaped again by the templates (`|slack_escape`).
`escape_typed` is the other direction, as a Slack client does it: the test bed and the
console send what a person types exactly as Slack would deliver it.
"""

from __future__ import annotations

import re

# Slack's control sequences: a user, a channel, a special mention (<!here>, <!subteam^…>,
# <!date^…>) or a link, each with an optional `|label`.
TOKEN = re.compile(r"<(?:@[UW][A-Z0-9]+|#[CG][A-Z0-9]+|![a-z]+(?:\^[^|<>]*)?|(?:https?|mailto):[^|<>\s]+)(?:\|[^<>]*)?>")
_ENTITIES = re.compile(r"&(amp|lt|gt);")
_CHARACTERS = {"amp": "&", "lt": "<", "gt": ">"}


def unescape(text: str) -> str:
    """Slack's escaped text as the person typed it; Slack's own `<…>` sequences stay as
    they are (the text between them is unescaped once: `&amp;lt;` becomes `&lt;`)."""
    if "&" not in text:
        return text
    parts: list[str] = []
    last = 0
    for match in TOKEN.finditer(text):
        parts.append(_ENTITIES.sub(lambda m: _CHARACTERS[m[1]], text[last : match.start()]))
        parts.append(match[0])
        last = match.end()
    parts.append(_ENTITIES.sub(lambda m: _CHARACTERS[m[1]], text[last:]))
    return "".join(parts)


def escape_typed(text: str) -> str:
    """What a person typed, escaped as Slack sends it: `&`, `<` and `>` become entities,
    except inside the control sequences Slack itself put there (mentions, channels,
    links) — written here already in Slack's `<…>` form."""
    parts: list[str] = []
    last = 0
    for match in TOKEN.finditer(text):
        parts.append(_escape(text[last : match.start()]))
        parts.append(match[0])
        last = match.end()
    parts.append(_escape(text[last:]))
    return "".join(parts)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


_URL = re.compile(r"(?<![<|])\bhttps?://[^\s<>]+")
_NAME_CHARS = re.compile(r"[\w.\-]")


def as_slack_delivers(typed: str, people: dict[str, str], channels: dict[str, str], *, labelled: bool = True) -> str:
    """What Slack makes of a line a person types, before escaping it: `@name` of someone in
    the workspace becomes `<@U…|name>` (`<@U…>` in a message, `labelled=False`), `#name` of
    a channel `<#C…|name>`, and a web address a link `<https://…>`. Names are matched
    longest first (a handle like `zhang.wei`, or a display name like `李娜`); an `@` or `#`
    that names nobody stays as typed, as it does in Slack."""
    by_length = sorted(people, key=len, reverse=True)
    channel_names = sorted(channels, key=len, reverse=True)
    out: list[str] = []
    i = 0
    while i < len(typed):
        char = typed[i]
        starts_word = i == 0 or not _NAME_CHARS.match(typed[i - 1])
        if char in "@#" and starts_word:
            names, table = (by_length, people) if char == "@" else (channel_names, channels)
            found = _name_at(typed, i + 1, names)
            if found is not None:
                target = table[found]
                label = f"|{found}" if (labelled or char == "#") else ""
                out.append(f"<{char}{target}{label}>")
                i += 1 + len(found)
                continue
        if typed.startswith(("http://", "https://"), i) and starts_word:
            url = _URL.match(typed, i)
            if url:
                out.append(f"<{url[0].replace('&', '&amp;')}>")  # Slack escapes `&` in a link too
                i = url.end()
                continue
        out.append(char)
        i += 1
    return "".join(out)


def _name_at(text: str, start: int, names: list[str]) -> str | None:
    for name in names:
        end = start + len(name)
        if text[start:end].lower() != name.lower():
            continue
        # A Latin handle must end where the word ends (`@li.na` is not `@li`); a Chinese
        # display name may run straight into the next word, as Chinese is written.
        if name[-1].isascii() and _word_goes_on(text, end):
            continue
        return name
    return None


def _word_goes_on(text: str, at: int) -> bool:
    if at >= len(text):
        return False
    if text[at] == ".":  # `@li.na` goes on; `@li.` ends a sentence
        return at + 1 < len(text) and bool(_NAME_CHARS.match(text[at + 1]))
    return bool(_NAME_CHARS.match(text[at]))
