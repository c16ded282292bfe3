"""What text ambot keeps: no control characters, no direction overrides in names, bounded.

`strip_controls` is applied to every string of every payload where it enters (the HTTP
front's payload reading), so a NUL byte or an escape sequence never reaches a service —
and the same text is stored on SQLite and on PostgreSQL (which refuses NUL outright).
Names and other short fields shown to other people (customer, member and topic names,
aliases, follow-ups) also lose the Unicode direction controls (U+202E RIGHT-TO-LEFT
OVERRIDE and its kin: they make "gpj.exe" read as "exe.jpg") and are kept on one line.
Anything longer than its field allows is refused, never cut.
"""

from __future__ import annotations

import re

from domain.refusal import Refusal

# C0 controls but tab and newline, DEL, and the C1 controls.
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# Lone UTF-16 surrogates (a JSON "\ud800"): no database can store them.
_SURROGATES = re.compile(r"[\ud800-\udfff]")
# Embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069), the implicit marks
# (U+200E, U+200F, U+061C).
BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
_BIDI = re.compile(f"[{BIDI_CONTROLS}]")
_SPACES = re.compile(r"\s+")

# Longest text each kind of field takes (characters).
NAME_MAX = 200  # customer, member, team and topic names (the columns' size)
SHORT_MAX = 100  # an alias, a keyword, an industry
FOLLOWUP_MAX = 1000
# A visit's purpose, needs, concerns or notes: the form's inputs stop at 3,000 (Slack's
# limit), a one-line log may carry more, and it is stored whole up to this.
TEXT_MAX = 10_000


def strip_controls(text: str) -> str:
    """`text` without control characters (tab and newline stay; CR LF and a lone CR
    become a newline) and with each lone surrogate replaced by U+FFFD."""
    if text.isprintable() and not _SURROGATES.search(text):
        return text  # the common case: nothing to do
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _SURROGATES.sub("\ufffd", _CONTROLS.sub("", text))


def neutralise_bidi(text: str) -> str:
    return _BIDI.sub("", text)


def has_bidi_controls(text: str) -> bool:
    return bool(_BIDI.search(text))


def clean_short(text: str, field: str, limit: int = NAME_MAX, *, beside: str | None = None) -> str:
    """A name or another short field: controls and direction overrides removed, runs of
    whitespace (newlines included) made one space, trimmed. Refused (`common.too_long`)
    when it is longer than `limit`."""
    cleaned = _SPACES.sub(" ", neutralise_bidi(strip_controls(text))).strip()
    if len(cleaned) > limit:
        raise Refusal("common.too_long", usage=True, beside=beside, field=field, limit=limit)
    return cleaned


def clean_long(text: str, field: str, limit: int = TEXT_MAX, *, beside: str | None = None) -> str:
    """Free text (needs, notes): controls removed, lines kept, trimmed; refused past `limit`."""
    cleaned = strip_controls(text).strip()
    if len(cleaned) > limit:
        raise Refusal("common.too_long", usage=True, beside=beside, field=field, limit=limit)
    return cleaned


def short_problem(text: str, limit: int = NAME_MAX) -> str | None:
    """For validators that collect problems instead of refusing: "too_long" or None."""
    return "too_long" if len(_SPACES.sub(" ", neutralise_bidi(strip_controls(text))).strip()) > limit else None
