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
