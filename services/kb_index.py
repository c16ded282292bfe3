"""The knowledge base's search index, kept per process (domain.text_search does the maths).

Two things are expensive and so are done once per process, not per request:

- **jieba's dictionary** (about 1 s to load on the 2-vCPU test machine, 1.0–1.4 s measured by
  `python -m bench.kb_recall`): loaded lazily on the first search, under a lock, into a
  `jieba.Tokenizer` of our own (jieba's global one is never changed), and shared read-only.
- **each team's index**: analysing thousands of entries with jieba takes seconds, so the
  index is kept per team and rebuilt only when the team's `knowledge_stamp` (renewed by
  every change to an entry), its topics' keywords or its customers change. A rebuild
  re-analyses only the entries whose text changed — or, when the team's words changed,
  those that contain one of the words that came or went — and redraws the postings.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from domain.text_search import Analyzer, Bm25Index, Document, Hit, Vocabulary, fold

log = logging.getLogger("ambot.knowledge")

# Deflection and the live matches show an entry only when it covers this share of the
# question's IDF weight (bench.kb_recall measures what it lets through).
SHOW_COVERAGE = 0.30
MAX_TEAMS = 16  # team indexes kept per process, least recently used dropped first

_segmenter_lock = threading.Lock()
_segmenter: Callable[[str], Iterable[str]] | None = None


def segmenter() -> Callable[[str], Iterable[str]]:
    """jieba's search-mode cut, its dictionary loaded on first use (once per process)."""
    global _segmenter
    if _segmenter is not None:
        return _segmenter
    with _segmenter_lock:
        if _segmenter is None:
            import jieba

            jieba.setLogLevel(logging.WARNING)  # it prints its loading to stderr otherwise
            started = time.perf_counter()
            tokenizer = jieba.Tokenizer()
            tokenizer.initialize()
            log.info("jieba dictionary loaded in %.2f s", time.perf_counter() - started)
            _segmenter = tokenizer.cut_for_search
    return _segmenter


@dataclass(frozen=True)
class IndexedEntry:
    """What the index needs of a live knowledge-base entry."""

    id: int
    version: int
    topic: str | None
    question: str  # with its other phrasings (from merges), one per line
    answer: str
    tags: tuple[str, ...]
    changed_at: datetime


@dataclass
class _Analysed:
    folded: str  # what was analysed: an entry's id alone says too little (SQLite reuses the
    document: Document  # ids of rolled-back rows), so a copy is reused only for the same text


class TeamIndex:
    """One team's live entries, analysed and indexed."""

    def __init__(self, vocabulary: Vocabulary, segment: Callable[[str], Iterable[str]]) -> None:
        self.vocabulary = vocabulary
        self.analyzer = Analyzer(vocabulary, segment)
        self._analysed: dict[int, _Analysed] = {}
        self.index = Bm25Index([])

    def refresh(self, entries: Sequence[IndexedEntry], vocabulary: Vocabulary) -> None:
        """Bring the index up to `entries`, re-analysing only what changed."""
        changed_words: set[str] = set()
        if vocabulary.signature != self.vocabulary.signature:
            old, new = self.vocabulary.groups_of, vocabulary.groups_of
            changed_words = {w for w in old.keys() | new.keys() if old.get(w) != new.get(w)}
            self.vocabulary = vocabulary
            self.analyzer = Analyzer(vocabulary, self.analyzer.segment)
        analysed: dict[int, _Analysed] = {}
        for entry in entries:
            known = self._analysed.get(entry.id)
            folded = _folded(entry)
            if (
                known is not None
                and known.folded == folded
                and (known.document.topic, known.document.changed_at) == (entry.topic, entry.changed_at)
                and not any(w in folded for w in changed_words)
            ):
                analysed[entry.id] = known
                continue
            analysed[entry.id] = self._analyse(entry, folded)
        self._analysed = analysed
        self.index = Bm25Index([a.document for a in analysed.values()])

    def _analyse(self, entry: IndexedEntry, folded: str) -> _Analysed:
        tokens = self.analyzer.tokens
        document = Document(
            entry.id,
            tokens(entry.question),
            tokens(entry.answer),
            [t for tag in entry.tags for t in tokens(tag)],
            entry.topic,
            entry.changed_at,
        )
        return _Analysed(folded, document)

    def search(self, text: str, *, topic: str | None, now: datetime, limit: int, min_coverage: float = 0.0) -> list[Hit]:
        return self.index.search(self.analyzer.query_terms(text), topic=topic, now=now, limit=limit, min_coverage=min_coverage)


def _folded(entry: IndexedEntry) -> str:
    return fold(f"{entry.question}\n{entry.answer}\n{' '.join(entry.tags)}")


_cache: OrderedDict[tuple[str, int], tuple[str, TeamIndex]] = OrderedDict()
_cache_lock = threading.Lock()


def team_index(
    cache_key: tuple[str, int],
    stamp: str,
    vocabulary: Callable[[], Vocabulary],
    entries: Callable[[], Sequence[IndexedEntry]],
) -> TeamIndex:
    """The team's index as of `stamp`: the process's copy, refreshed when the stamp moved."""
    with _cache_lock:
        cached = _cache.get(cache_key)
        if cached is not None:
            _cache.move_to_end(cache_key)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    started = time.perf_counter()
    words = vocabulary()
    index = cached[1] if cached is not None else TeamIndex(words, segmenter())
    rows = entries()
    # A copy is refreshed, not the shared one: a search running meanwhile keeps a whole index.
    fresh = TeamIndex(index.vocabulary, index.analyzer.segment)
    fresh._analysed = dict(index._analysed)
    fresh.refresh(rows, words)
    log.debug("knowledge index for team %s: %d entries in %.3f s", cache_key[1], len(rows), time.perf_counter() - started)
    with _cache_lock:
        _cache[cache_key] = (stamp, fresh)
        _cache.move_to_end(cache_key)
        while len(_cache) > MAX_TEAMS:
            _cache.popitem(last=False)
    return fresh


def clear() -> None:
    with _cache_lock:
        _cache.clear()
