"""Finding a customer by what a person types: name or alias, Chinese or Latin, typos too.

`pick` decides for a command (one customer, a short list to choose from, or
none); `search_customers` ranks for the modal's searchable select. Both compare
normalised labels (full-width folded, case and spacing and punctuation ignored), first
exactly, then by containment, then fuzzily with rapidfuzz.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from rapidfuzz import fuzz, process

FUZZY_THRESHOLD = 78  # below this a name is "unknown" rather than a typo
CLEAR_LEAD = 8  # a fuzzy winner must beat the runner-up by this much to be "the" match
SEARCH_THRESHOLD = 55
MAX_CANDIDATES = 8

_SEPARATOR = "\x00"  # between labels in CustomerIndex.joined; normalise() removes it from labels
_NOISE = re.compile(r"[\s\-_.,·&'\"()（）【】\[\]/\\，。、《》“”‘’]+")


@dataclass(frozen=True)
class CustomerMatch:
    """`unique`, `ambiguous` (see `candidates`, best first) or `unknown`. The customers
    are whatever was searched: `storage.models.Customer` rows or cached entries."""

    query: str
    kind: str
    customer: Any | None = None
    candidates: tuple[Any, ...] = field(default_factory=tuple)


def normalise(text: str) -> str:
    folded = unicodedata.normalize("NFKC", text or "").casefold()
    return _NOISE.sub("", folded).replace(_SEPARATOR, "")


def labels(customer: Any) -> list[str]:
    """A customer's normalised name and aliases (precomputed on a cached `CustomerEntry`)."""
    known = getattr(customer, "match_labels", None)
    if known is not None:
        return list(known)
    return [label for label in (normalise(x) for x in [customer.name, *(customer.aliases or [])]) if label]


class CustomerIndex:
    """Customers (rows or cached entries) with their labels laid out for matching many
    quickly: exact labels in a dict, every label in one string for substring search, and
    a flat list for rapidfuzz's batch scorers. The order given (by name) breaks ties."""

    def __init__(self, customers: list[Any]) -> None:
        self.customers = customers
        self.by_label: dict[str, list[int]] = {}
        self.flat: list[str] = []  # every label, customer by customer
        self.owner: list[int] = []  # flat[i] belongs to customers[owner[i]]
        self.starts: list[int] = []  # where flat[i] begins in `joined`
        position = 0
        for index, customer in enumerate(customers):
            for label in dict.fromkeys(labels(customer)):
                self.by_label.setdefault(label, []).append(index)
                self.flat.append(label)
                self.owner.append(index)
                self.starts.append(position)
                position += len(label) + 1
        self.joined = _SEPARATOR.join(self.flat)

    def exact(self, wanted: str) -> list[int]:
        return self.by_label.get(wanted, [])

    def occurrences(self, wanted: str) -> dict[int, bool]:
        """{customer: whether a label starts with it} for customers with a label containing `wanted`."""
        found: dict[int, bool] = {}
        at = self.joined.find(wanted)
        while at != -1:
            label = bisect_right(self.starts, at) - 1
            customer = self.owner[label]
            found[customer] = found.get(customer, False) or at == self.starts[label]
            at = self.joined.find(wanted, at + 1)
        return found

    def inside(self, wanted: str, min_length: Callable[[str], int]) -> set[int]:
        """Customers with a label found inside `wanted` (at least `min_length(label)` long)."""
        found: set[int] = set()
        for start in range(len(wanted)):
            for end in range(start + 2, len(wanted) + 1):
                piece = wanted[start:end]
                if len(piece) >= min_length(piece):
                    found.update(self.by_label.get(piece, ()))
        return found

    def scores(self, wanted: str, scorer: Callable[..., float], cutoff: float) -> dict[int, float]:
        """{customer: best score of its labels} for those scoring at least `cutoff`."""
        best: dict[int, float] = {}
        for _, score, label in process.extract(wanted, self.flat, scorer=scorer, score_cutoff=cutoff, limit=None):
            customer = self.owner[label]
            best[customer] = max(score, best.get(customer, 0.0))
        return best


def pick(customers: list[Any] | CustomerIndex, query: str) -> CustomerMatch:
    index = customers if isinstance(customers, CustomerIndex) else CustomerIndex(customers)
    wanted = normalise(query)
    if not wanted:
        return CustomerMatch(query, "unknown")
    exact = index.exact(wanted)
    if exact:
        return _decide(query, [index.customers[i] for i in exact])
    containing = index.inside(wanted, _min_inside_length)
    if len(wanted) >= (2 if wanted.isascii() else 1):
        containing.update(index.occurrences(wanted))
    if containing:
        ranked = sorted(containing, key=lambda i: (-_score(wanted, labels(index.customers[i])), i))
        return _decide(query, [index.customers[i] for i in ranked])
    best_of = index.scores(wanted, fuzz.ratio, FUZZY_THRESHOLD)
    scored = sorted(((score, i) for i, score in best_of.items()), key=lambda pair: (-pair[0], pair[1]))
    if not scored:
        return CustomerMatch(query, "unknown")
    best = scored[0][0]
    if len(scored) == 1 or best - scored[1][0] >= CLEAR_LEAD:
        return CustomerMatch(query, "unique", customer=index.customers[scored[0][1]])
    close = [index.customers[i] for score, i in scored if best - score < CLEAR_LEAD]
    return CustomerMatch(query, "ambiguous", candidates=tuple(close[:MAX_CANDIDATES]))


def search_customers(customers: list[Any] | CustomerIndex, query: str, *, limit: int = 100) -> list[Any]:
    """Customers ranked for a type-ahead: everything (by name) for an empty query."""
    index = customers if isinstance(customers, CustomerIndex) else CustomerIndex(customers)
    wanted = normalise(query)
    if not wanted:
        return index.customers[:limit]
    score = {i: 200.0 if prefix else 150.0 for i, prefix in index.occurrences(wanted).items()}
    if len(score) < limit:  # fuzzy scores (at most 100) only fill what containment left
        for i, fuzzy in index.scores(wanted, fuzz.WRatio, SEARCH_THRESHOLD).items():
            score.setdefault(i, fuzzy)
    ranked = sorted(score, key=lambda i: (-score[i], index.customers[i].name))
    return [index.customers[i] for i in ranked[:limit]]


def _decide(query: str, found: list[Any]) -> CustomerMatch:
    if len(found) == 1:
        return CustomerMatch(query, "unique", customer=found[0])
    return CustomerMatch(query, "ambiguous", candidates=tuple(found[:MAX_CANDIDATES]))


# Containment, both ways: "华东" names 华东制造集团 (one Latin letter names nothing), and
# "华东制造集团有限公司" names it too, but only through labels long enough not to hide
# inside words ("cm" in "acme").
def _min_inside_length(label: str) -> int:
    return 4 if label.isascii() else 2


def _score(wanted: str, customer_labels: list[str]) -> float:
    return max((fuzz.ratio(wanted, label) for label in customer_labels), default=0.0)
