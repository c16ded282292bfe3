"""The week's recurring needs and concerns: what customers said, grouped, most frequent first.

A visit's field may hold several points (`专线扩容；价格`), so it is split on `;`, `；`,
`。` and line breaks. Points are grouped when they say the same thing in different
spelling: same text once width, case and spacing are folded, or — for the most frequent
distinct points — a token overlap (Jaccard) of at least `SAME_THEME`, over folded words
and Chinese character bigrams (no dictionary: short points need none). Pure: plain
values in and out.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from domain.text_search import ENGLISH_STOPWORDS, fold

SAME_THEME = 0.6
FUZZY_POOL = 300  # distinct points compared pairwise; the long tail is grouped exactly only
_SPLIT = re.compile(r"[;；。\n]+")
_TRIM = " \t,，.、:：!！?？"
_LATIN = re.compile(r"[0-9a-z]+(?:[._+-][0-9a-z]+)*")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")


def tokens(text: str) -> list[str]:
    """Comparable tokens: folded Latin words and Han character bigrams."""
    folded = fold(text)
    words = [w for w in _LATIN.findall(folded) if w not in ENGLISH_STOPWORDS]
    for run in _HAN.findall(folded):
        words.extend([run] if len(run) == 1 else [run[i : i + 2] for i in range(len(run) - 1)])
    return words


@dataclass(frozen=True)
class Theme:
    text: str  # the most common wording (the shortest among equals)
    mentions: int  # visits that raised it
    customers: int  # distinct customers that raised it


@dataclass
class _Group:
    key: str
    spellings: Counter
    visits: set
    customers: set
    tokens: frozenset


def points(text: str | None) -> list[str]:
    """The separate points of one free-text field, trimmed; empty parts dropped."""
    if not text:
        return []
    return [p.strip(_TRIM) for p in _SPLIT.split(text) if p.strip(_TRIM)]


def _fold(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def recurring_themes(mentions: Iterable[tuple[int, int, str | None]]) -> list[Theme]:
    """Group (visit id, customer id, text) mentions into themes, most frequent first."""
    groups: dict[str, _Group] = {}
    for visit, customer, text in mentions:
        for point in points(text):
            key = _fold(point)
            group = groups.get(key)
            if group is None:
                group = groups[key] = _Group(key, Counter(), set(), set(), frozenset())
            group.spellings[point] += 1
            group.visits.add(visit)
            group.customers.add(customer)
    ranked = sorted(groups.values(), key=lambda g: (-len(g.visits), -len(g.customers), g.key))
    merged: list[_Group] = []
    for group in ranked[:FUZZY_POOL]:
        group.tokens = frozenset(tokens(group.key))
        home = next((m for m in merged if _similar(m.tokens, group.tokens)), None)
        if home is None:
            merged.append(group)
            continue
        home.spellings.update(group.spellings)
        home.visits |= group.visits
        home.customers |= group.customers
    merged += ranked[FUZZY_POOL:]
    themes = [Theme(_wording(g.spellings), len(g.visits), len(g.customers)) for g in merged]
    return sorted(themes, key=lambda t: (-t.mentions, -t.customers, t.text))


def _wording(spellings: Counter) -> str:
    """The most used spelling; among equals the shortest, then the first in order."""
    return min(spellings, key=lambda text: (-spellings[text], len(text), text))


def _similar(a: frozenset, b: frozenset) -> bool:
    if not a or not b:
        return False
    return len(a & b) / len(a | b) >= SAME_THEME
