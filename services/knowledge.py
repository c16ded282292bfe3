"""The knowledge base (SPEC §4.3): reusable answers, found again when a question is asked
in other words, and curated by the people who answer.

- **Entries** come from answered questions ("Add to the knowledge base": the answerer, or a
  manager, checks the question, answer, topic and tags pre-filled from the thread). They
  can be edited (from the version the editor saw: a stale form is refused, naming who
  changed it and when), merged into another entry (whose other wordings then include
  theirs), retired and restored — never deleted; each change is in the audit trail
  (`knowledge_events`). Support people, managers and an entry's author curate it.
- **Search** (`/ask search`, deflection before routing, the live matches in the `/ask`
  form) reads only live entries, through the per-process index of services/kb_index.py:
  jieba with the team's words kept whole, each topic's keywords as synonyms, BM25 with a
  boost for the asker's topic and for recent entries (domain/text_search.py).
- **"This answers it"** counts on the entry, once per click (a double click or Slack's
  retry of the same click is one).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from domain.refusal import Refusal
from domain.routing import TopicKeywords, match_topic
from domain.text_search import Vocabulary
from services import kb_index
from services.customer_index import team_entries
from services.kb_index import IndexedEntry
from services.people import membership
from services.team_admin import topic_by_key
from storage import knowledge as store
from storage import questions as question_store
from storage.knowledge import LIVE, MERGED, RETIRED, EntryCard
from storage.models import KnowledgeEntry, Member, ProcessedRequest, Team, Topic

MAX_SIMILAR = 3  # matches shown before routing and in the form
MAX_RESULTS = 5  # `/ask search`
SEARCH_COVERAGE = 0.15  # `/ask search` leaves out what matches only a sliver of the words
MAX_QUESTION_CHARS = 1800
MAX_ANSWER_CHARS = 3000
MAX_TAGS = 10
MAX_TAG_CHARS = 40
LIST_LIMIT = 15


@dataclass(frozen=True)
class KnowledgeHit:
    card: EntryCard
    score: float
    coverage: float


@dataclass(frozen=True)
class EntryFields:
    """What the entry form holds."""

    question: str
    answer: str
    topic_key: str | None
    tags: tuple[str, ...]


@dataclass(frozen=True)
class Prefill:
    """The entry form for an answered question: new (fields from the thread) or, when the
    question is already an entry, that entry to edit."""

    question_id: int
    fields: EntryFields
    entry: EntryCard | None


@dataclass(frozen=True)
class Listing:
    entries: list[EntryCard]
    total: int
    retired: bool


# --- searching -------------------------------------------------------------------------------


def search(session: Session, team_id: int, text: str, *, now: datetime, topic_key: str | None = None, limit: int = MAX_RESULTS, min_coverage: float = SEARCH_COVERAGE) -> list[KnowledgeHit]:
    """Live entries that answer `text`, best first."""
    if not (text or "").strip():
        return []
    index = _team_index(session, team_id)
    hits = index.search(text, topic=topic_key, now=now, limit=limit, min_coverage=min_coverage)
    rows = store.by_ids(session, [h.key for h in hits])
    counts = store.deflection_counts(session, list(rows))
    found = []
    for hit in hits:
        entry = rows.get(hit.key)
        if entry is not None and entry.status == LIVE:
            found.append(KnowledgeHit(store.card(session, entry, deflections=counts.get(entry.id, 0)), hit.score, hit.coverage))
    return found


def similar(session: Session, team_id: int, text: str, *, now: datetime, topic_key: str | None, limit: int = MAX_SIMILAR) -> list[KnowledgeHit]:
    """What deflection shows before a question is routed: close enough to be worth a look."""
    return search(session, team_id, text, now=now, topic_key=topic_key, limit=limit, min_coverage=kb_index.SHOW_COVERAGE)


def matches_while_typing(session: Session, slack_id: str, text: str, topic_key: str | None, now: datetime) -> list[KnowledgeHit]:
    """The `/ask` form's live matches: nothing for a few characters, nothing for a stranger."""
    member = membership(session, slack_id)
    if member is None or len((text or "").strip()) < 4:
        return []
    if topic_key is None:
        topics = [TopicKeywords(t.key, tuple(t.keywords or ())) for t in _topics(session, member.team_id)]
        found = match_topic(text, topics)
        topic_key = found[0] if found else None
    return similar(session, member.team_id, text, now=now, topic_key=topic_key)


def _topics(session: Session, team_id: int) -> list[Topic]:
    return list(session.scalars(select(Topic).where(Topic.team_id == team_id).order_by(Topic.key)))


def _team_index(session: Session, team_id: int) -> kb_index.TeamIndex:
    team = session.get_one(Team, team_id)
    topics = _topics(session, team_id)
    words = hashlib.sha256(repr([(t.key, list(t.keywords or ())) for t in topics]).encode()).hexdigest()[:16]
    stamp = f"{team.knowledge_stamp}:{team.customers_stamp}:{words}"

    def vocabulary() -> Vocabulary:
        names = [w for c in team_entries(session, team_id) for w in (c.name, *c.aliases)]
        return Vocabulary.standard({t.key: list(t.keywords or ()) for t in topics}, names)

    def entries() -> list[IndexedEntry]:
        return [
            IndexedEntry(entry_id, version, topic, "\n".join([question, *(alternates or [])]), answer, tuple(tags or ()), updated_at)
            for entry_id, version, topic, question, alternates, answer, tags, updated_at in store.live_rows(session, team_id)
        ]

    return kb_index.team_index((str(session.get_bind().engine.url), team_id), stamp, vocabulary, entries)


# --- "This answers it" -------------------------------------------------------------------------


def deflected(session: Session, entry_id: int, slack_id: str, now: datetime, *, click_key: str | None = None) -> EntryCard | None:
    """The asker found their answer: count it on the entry (None when the entry is not
    the team's: nothing to count). `click_key` names the click: a repeat is not counted."""
    member = _member(session, slack_id)
    entry = store.get(session, entry_id)
    if entry is None or entry.team_id != member.team_id:
        return None
    if click_key is None or first_click(session, click_key, now):
        store.add_event(session, entry.id, "deflected", now, actor_id=member.id)
    return store.card(session, entry)


def first_click(session: Session, key: str, now: datetime) -> bool:
    """Remember `key` in processed_requests; False when it was there already."""
    key = key[:200]
    if session.get(ProcessedRequest, key) is not None:
        return False
    try:
        with session.begin_nested():
            session.add(ProcessedRequest(key=key, created_at=now, result={}))
    except IntegrityError:  # the same click, racing itself
        return False
    return True


# --- who may do what ---------------------------------------------------------------------------


def _member(session: Session, slack_id: str) -> Member:
    member = membership(session, slack_id)
    if member is None:
        raise Refusal("ask.not_member", usage=True)
    return member


def may_curate(member: Member, entry: KnowledgeEntry) -> bool:
    return member.has_role("manager") or member.has_role("support") or entry.created_by_id == member.id


def _entry_for(session: Session, entry_id: int, member: Member) -> KnowledgeEntry:
    entry = store.get(session, entry_id)
    if entry is None or entry.team_id != member.team_id:
        raise Refusal("ask.kb_not_found", id=entry_id)
    return entry


def _curated(session: Session, entry_id: int, slack_id: str) -> tuple[KnowledgeEntry, Member]:
    member = _member(session, slack_id)
    entry = _entry_for(session, entry_id, member)
    if not may_curate(member, entry):
        raise Refusal("ask.kb_not_allowed", id=entry.id)
    return entry, member


# --- reading ---------------------------------------------------------------------------------


def show(session: Session, slack_id: str, entry_id: int) -> tuple[EntryCard, bool]:
    """One entry, and whether the reader may change it."""
    member = _member(session, slack_id)
    entry = _entry_for(session, entry_id, member)
    return store.card(session, entry), may_curate(member, entry)


def listing(session: Session, slack_id: str, *, retired: bool = False) -> Listing:
    member = _member(session, slack_id)
    statuses = (RETIRED, MERGED) if retired else (LIVE,)
    entries = store.listing(session, member.team_id, statuses, limit=LIST_LIMIT)
    return Listing(store.cards(session, entries), store.count(session, member.team_id, statuses), retired)


# --- from an answered question ------------------------------------------------------------------


def prefill_from_question(session: Session, question_id: int, slack_id: str) -> Prefill:
    """The form for "Add to the knowledge base", filled in from the question's thread."""
    member = _member(session, slack_id)
    question = question_store.get(session, question_id)
    if question is None or question.team_id != member.team_id:
        raise Refusal("ask.not_found", id=question_id)
    if question.status not in question_store.DONE_STATUSES:
        raise Refusal("ask.kb_not_answered", id=question.id)
    if question.answered_by_id != member.id and not member.has_role("manager"):
        raise Refusal("ask.kb_not_answerer", id=question.id)
    existing = store.by_source_question(session, question.id)
    if existing is not None:
        card = store.card(session, existing)
        return Prefill(question.id, EntryFields(card.question, card.answer, card.topic_key, card.tags), card)
    topic = session.get(Topic, question.topic_id) if question.topic_id else None
    tags: tuple[str, ...] = ()
    if topic is not None:
        folded = question.text.casefold()
        tags = tuple(k for k in (topic.keywords or []) if k.casefold() in folded)[:MAX_TAGS]
    answer = "\n\n".join(store.answers_in_thread(session, question))
    return Prefill(question.id, EntryFields(question.text, answer[:MAX_ANSWER_CHARS], topic.key if topic else None, tags), None)


def add_from_question(session: Session, question_id: int, slack_id: str, fields: EntryFields, now: datetime) -> tuple[EntryCard, bool]:
    """A new live entry from an answered question; (entry, created). A second submission
    for the same question (a double click, Slack's retry) returns the entry made first."""
    prefill = prefill_from_question(session, question_id, slack_id)
    member = _member(session, slack_id)
    if prefill.entry is not None:
        return prefill.entry, False
    question, answer, topic, tags = _checked(session, member, fields)
    try:
        with session.begin_nested():
            entry = store.add(session, {
                "team_id": member.team_id, "topic_id": topic.id if topic else None, "question": question, "answer": answer,
                "tags": list(tags), "alternates": [], "status": LIVE, "source_question_id": question_id,
                "created_by_id": member.id, "created_at": now, "updated_by_id": member.id, "updated_at": now, "version": 1,
            })
    except IntegrityError:  # the same question added at the same moment
        existing = store.by_source_question(session, question_id)
        assert existing is not None
        return store.card(session, existing), False
    store.add_event(session, entry.id, "created", now, actor_id=member.id, from_question=question_id)
    return store.card(session, entry), True


def _checked(session: Session, member: Member, fields: EntryFields) -> tuple[str, str, Topic | None, tuple[str, ...]]:
    question = (fields.question or "").strip()
    answer = (fields.answer or "").strip()
    if not question:
        raise Refusal("ask.kb_empty_question", beside="kb_question")
    if len(question) > MAX_QUESTION_CHARS:
        raise Refusal("ask.kb_too_long", beside="kb_question", count=len(question), limit=MAX_QUESTION_CHARS)
    if not answer:
        raise Refusal("ask.kb_empty_answer", beside="kb_answer")
    if len(answer) > MAX_ANSWER_CHARS:
        raise Refusal("ask.kb_too_long", beside="kb_answer", count=len(answer), limit=MAX_ANSWER_CHARS)
    topic = None
    if fields.topic_key:
        topic = topic_by_key(session, session.get_one(Team, member.team_id), fields.topic_key)
        if topic is None:
            raise Refusal("ask.unknown_topic", beside="kb_topic", key=fields.topic_key, topics=[])
    tags = tuple(dict.fromkeys(t.strip()[:MAX_TAG_CHARS] for t in fields.tags if t.strip()))[:MAX_TAGS]
    return question, answer, topic, tags


def split_tags(text: str | None) -> tuple[str, ...]:
    """Tags as typed: separated by commas (either width), semicolons or new lines."""
    raw = (text or "").replace("，", ",").replace("；", ",").replace(";", ",").replace("、", ",").replace("\n", ",")
    return tuple(t.strip() for t in raw.split(",") if t.strip())


# --- curating ------------------------------------------------------------------------------------


def edit(session: Session, entry_id: int, slack_id: str, fields: EntryFields, version: int, now: datetime) -> EntryCard:
    entry, member = _curated(session, entry_id, slack_id)
    if entry.status == MERGED:
        raise Refusal("ask.kb_not_live", id=entry.id, status=entry.status, into=entry.merged_into_id)
    question, answer, topic, tags = _checked(session, member, fields)
    before = {"question": entry.question, "answer": entry.answer, "topic_id": entry.topic_id, "tags": list(entry.tags or [])}
    after = {"question": question, "answer": answer, "topic_id": topic.id if topic else None, "tags": list(tags)}
    if before == after:
        return store.card(session, entry)
    if not store.change_if_version(session, entry, version, dict(after, updated_by_id=member.id, updated_at=now)):
        raise _stale(session, store.fresh(session, entry.id))
    store.add_event(session, entry.id, "edited", now, actor_id=member.id, before=before, after=after, version=version + 1)
    return store.card(session, store.fresh(session, entry.id))


def _stale(session: Session, entry: KnowledgeEntry) -> Refusal:
    who = session.get(Member, entry.updated_by_id) if entry.updated_by_id else None
    return Refusal("ask.kb_stale", id=entry.id, by=who.slack_id if who else None, at=entry.updated_at)


def retire(session: Session, entry_id: int, slack_id: str, now: datetime) -> EntryCard:
    entry, member = _curated(session, entry_id, slack_id)
    if entry.status != LIVE:
        raise Refusal("ask.kb_not_live", id=entry.id, status=entry.status, into=entry.merged_into_id)
    if not store.change_if_version(session, entry, entry.version, {"status": RETIRED, "updated_by_id": member.id, "updated_at": now}):
        raise _stale(session, store.fresh(session, entry.id))
    store.add_event(session, entry.id, "retired", now, actor_id=member.id)
    return store.card(session, store.fresh(session, entry.id))


def restore(session: Session, entry_id: int, slack_id: str, now: datetime) -> EntryCard:
    """A retired or merged entry becomes live again (a merge's wordings stay where they went)."""
    entry, member = _curated(session, entry_id, slack_id)
    if entry.status == LIVE:
        raise Refusal("ask.kb_already_live", id=entry.id)
    values = {"status": LIVE, "merged_into_id": None, "updated_by_id": member.id, "updated_at": now}
    if not store.change_if_version(session, entry, entry.version, values):
        raise _stale(session, store.fresh(session, entry.id))
    store.add_event(session, entry.id, "restored", now, actor_id=member.id, was=entry.status)
    return store.card(session, store.fresh(session, entry.id))


def merge(session: Session, source_id: int, target_id: int, slack_id: str, now: datetime) -> tuple[EntryCard, EntryCard]:
    """`source` joins `target`: its question (and other wordings) become the target's other
    wordings, its tags the target's, and it stops being shown. Both stay on record."""
    source, member = _curated(session, source_id, slack_id)
    target = _entry_for(session, target_id, member)
    if source.id == target.id:
        raise Refusal("ask.kb_merge_same", id=source.id)
    for entry in (source, target):
        if entry.status != LIVE:
            raise Refusal("ask.kb_not_live", id=entry.id, status=entry.status, into=entry.merged_into_id)
    wordings = [w for w in dict.fromkeys([*(target.alternates or []), source.question, *(source.alternates or [])]) if w != target.question]
    tags = list(dict.fromkeys([*(target.tags or []), *(source.tags or [])]))[:MAX_TAGS]
    if not store.change_if_version(session, target, target.version, {"alternates": wordings, "tags": tags, "updated_by_id": member.id, "updated_at": now}):
        raise _stale(session, store.fresh(session, target.id))
    if not store.change_if_version(session, source, source.version, {"status": MERGED, "merged_into_id": target.id, "updated_by_id": member.id, "updated_at": now}):
        raise _stale(session, store.fresh(session, source.id))
    store.add_event(session, source.id, "merged", now, actor_id=member.id, into=target.id)
    store.add_event(session, target.id, "merged_in", now, actor_id=member.id, source=source.id, alternates_before=list(target.alternates or []))
    return store.card(session, store.fresh(session, source.id)), store.card(session, store.fresh(session, target.id))


def seed_entry(session: Session, team_id: int, question_id: int | None, fields: EntryFields, author_id: int | None, at: datetime) -> KnowledgeEntry:
    """An entry written directly (the demo's history, imports): live, with its audit line."""
    topic = topic_by_key(session, session.get_one(Team, team_id), fields.topic_key) if fields.topic_key else None
    entry = store.add(session, {
        "team_id": team_id, "topic_id": topic.id if topic else None, "question": fields.question, "answer": fields.answer,
        "tags": list(fields.tags), "alternates": [], "status": LIVE, "source_question_id": question_id, "created_by_id": author_id,
        "created_at": at, "updated_by_id": author_id, "updated_at": at, "version": 1,
    })
    store.add_event(session, entry.id, "created", at, actor_id=author_id, from_question=question_id)
    return entry


