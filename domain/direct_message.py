"""What someone means by a direct message to ambot: help, a visit in quick-log form, a
question for the back office, or something ambot cannot act on. Pure: the DM listener
(handlers/direct.py) decides what to answer from this."""

from __future__ import annotations

import re

from domain.quicklog import has_labels

HELP_WORDS = {"help", "帮助", "?", "？", "hi", "hello", "你好", "菜单", "menu"}
# How questions start and end, in the two languages the team writes.
_QUESTION_END = re.compile(r"[?？吗呢]\s*$")
_QUESTION_START = re.compile(
    r"^(?:how|what|when|where|why|who|which|can|could|is|are|does|do|should|will|"
    r"怎么|怎样|如何|为什么|为何|能否|能不能|可以|可否|是否|多久|多长时间|什么|哪|谁|请问)",
    re.IGNORECASE,
)


def classify(text: str) -> str:
    """`help`, `quick_log`, `question` or `other`."""
    stripped = " ".join(text.split())
    if not stripped or stripped.lower() in HELP_WORDS:
        return "help"
    if has_labels(text):
        return "quick_log"
    if _QUESTION_END.search(stripped) or _QUESTION_START.match(stripped):
        return "question"
    return "other"
