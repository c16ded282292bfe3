"""Read-only views of backend questions: my questions, knowledge-base search, and the
customers a question form may name."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from domain.refusal import Refusal
from domain.routing import TopicKeywords, match_topic
from services import knowledge
from services.customer_index import team_entries
from services.knowledge import KnowledgeHit
from services.questions import member_and_team
from services.visit_access import access_for
from storage import questions as store
from storage.questions import QuestionCard


@dataclass(frozen=True)
class Mine:
    asked: list[QuestionCard]
    assigned: list[QuestionCard]


SEARCH_RESULTS = 50  # `/ask search` pages through the best matches


def mine(session: Session, slack_id: str) -> Mine:
    member, _team = member_and_team(session, slack_id)
    asked = [store.card(session, q) for q in store.asked_by(session, member.id)]
    assigned = [store.card(session, q) for q in store.queue_for(session, member.id)]
    return Mine(asked, assigned)


def search(session: Session, slack_id: str, words: str, now: datetime) -> list[KnowledgeHit]:
    """`/ask search <words>`: live knowledge-base entries, the asker's topic (by keywords) first."""
    _member, team = member_and_team(session, slack_id)
    if not words.strip():
        raise Refusal("ask.empty_search", usage=True)
    topics = [TopicKeywords(t.key, tuple(t.keywords or ())) for t in store.topics_of(session, team.id)]
    found = match_topic(words, topics)
    return knowledge.search(session, team.id, words, now=now, topic_key=found[0] if found else None, limit=SEARCH_RESULTS)


def customer_options(session: Session, slack_id: str, query: str, now: datetime, *, limit: int = 20) -> list[tuple[int, str]]:
    """Customers for the form's customer field: those the asker may see (a rep's own and
    those of whoever they cover, the whole team for a manager, none for support) whose
    name or alias contains the query."""
    access = access_for(session, slack_id, now)
    if access is None or not access.works_with_customers:
        return []
    needle = query.strip().casefold()
    found = []
    for customer in team_entries(session, access.team_id, owner_ids=access.visible_owner_ids()):
        names = [customer.name, *(customer.aliases or [])]
        if not needle or any(needle in n.casefold() for n in names):
            found.append((customer.id, customer.name))
    return found[:limit]
