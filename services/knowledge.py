"""The knowledge base: answered questions, found again by text similarity (SPEC §4.3).

Similarity is RapidFuzz's token scorers over a normalised token string. Latin text is
split into words (case- and width-folded, common function words dropped); Chinese has
no spaces, so each run of Han characters becomes its overlapping character bigrams, the
same scheme as Lucene's CJK analyzer and PostgreSQL's pg_bigm. Bigrams need no
dictionary (jieba would add ~20 MB and a second of start-up per process) and still
match "专线资源核查" against "跨域专线的资源核查". The pool is bounded: only answered
questions of the team (and topic), newest first.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from rapidfuzz import fuzz, process
from sqlalchemy.orm import Session

from storage import questions as store
from storage.questions import QuestionCard

# Deflection wants "the same question asked again": word order may change and a few
# words may differ, so it averages the set score (shared tokens) with the sorted-string
# score (how much is *not* shared). Search wants "contains my words": the set score alone.
SIMILAR_CUTOFF = 60.0
SEARCH_CUTOFF = 70.0
MAX_SIMILAR = 3
MAX_RESULTS = 5

_LATIN = re.compile(r"[0-9a-z]+(?:[._+-][0-9a-z]+)*")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_STOPWORDS = frozenset({
    "a", "an", "and", "are", "as", "at", "be", "by", "can", "could", "do", "does", "for", "from", "has", "have",
    "how", "i", "if", "in", "is", "it", "its", "me", "my", "of", "on", "or", "our", "please", "should", "that",
    "the", "their", "there", "this", "to", "was", "we", "what", "when", "where", "which", "who", "why", "will",
    "with", "would", "you", "your",
})


@dataclass(frozen=True)
class KnowledgeHit:
    card: QuestionCard
    score: float


def tokens(text: str) -> list[str]:
    """Comparable tokens: folded Latin words and Han character bigrams."""
    folded = unicodedata.normalize("NFKC", text or "").casefold()
    words = [w for w in _LATIN.findall(folded) if w not in _STOPWORDS]
    for run in _HAN.findall(folded):
        words.extend([run] if len(run) == 1 else [run[i : i + 2] for i in range(len(run) - 1)])
    return words


def fingerprint(text: str) -> str:
    return " ".join(tokens(text))


def _same_question(a: str, b: str, **kwargs: object) -> float:
    return (fuzz.token_set_ratio(a, b) + fuzz.token_sort_ratio(a, b)) / 2


def similar_answered(session: Session, team_id: int, topic_id: int | None, text: str, *, limit: int = MAX_SIMILAR) -> list[KnowledgeHit]:
    """Up to `limit` answered questions of the topic that look like `text`, best first."""
    query = fingerprint(text)
    if not query:
        return []
    pool = store.answered_pool(session, team_id, topic_id=topic_id)
    choices = {q.id: fingerprint(q.text) for q in pool}
    found = process.extract(query, choices, scorer=_same_question, processor=None, limit=limit, score_cutoff=SIMILAR_CUTOFF)
    by_id = {q.id: q for q in pool}
    return [KnowledgeHit(store.card(session, by_id[key]), score) for _, score, key in found]


def search(session: Session, team_id: int, words: str, *, limit: int = MAX_RESULTS) -> list[KnowledgeHit]:
    """`/ask search <words>`: answered questions whose question or answer has the words."""
    query = fingerprint(words)
    if not query:
        return []
    pool = store.answered_pool(session, team_id)
    choices = {q.id: fingerprint(f"{q.text} {q.answer or ''}") for q in pool}
    found = process.extract(query, choices, scorer=fuzz.token_set_ratio, processor=None, limit=limit, score_cutoff=SEARCH_CUTOFF)
    by_id = {q.id: q for q in pool}
    return [KnowledgeHit(store.card(session, by_id[key]), score) for _, score, key in found]
