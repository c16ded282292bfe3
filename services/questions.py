"""Backend questions (SPEC §4.3): ask and route, claim, answer, resolve, follow up.

Every refusal raises `Refusal("ask.<code>", **params)` before anything is written; the
code names a macro in templates/ask/messages.j2 (`error_<code>`). State changes are
compare-and-set updates (storage.questions), so double clicks and two people pressing
at once have exactly one effect.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime

from sqlalchemy.orm import Session

from domain.refusal import Refusal
from domain.routing import MAX_LEVEL, MIN_LEVEL, TopicKeywords, match_topic
from services import knowledge
from services import question_routing as routing
from services.knowledge import KnowledgeHit
from services.people import membership
from services.team_admin import member_by_slack_id, topic_by_key
from services.visit_access import access_for
from storage import questions as store
from storage.models import Customer, Member, Question, Team, Topic
from storage.questions import QuestionCard

# A question travels in a button value (2,000 characters) until it is routed, and is
# shown in a section (3,000, after escaping): 1,800 characters keeps both inside Slack.
MAX_QUESTION_CHARS = 1800
MAX_ANSWER_CHARS = 3000


@dataclass(frozen=True)
class Draft:
    """A question not yet routed: what `/ask` or the form said."""

    question: str
    topic_key: str | None = None
    level: int | None = None
    customer_id: int | None = None


@dataclass(frozen=True)
class TopicChoice:
    key: str
    name: str


@dataclass(frozen=True)
class Preparation:
    """What happens before routing: pick a topic, look at similar answers, or go."""

    draft: Draft
    topics: list[TopicChoice]  # to pick from when `topic_key` is still None
    similar: list[KnowledgeHit]
    unknown_key: str | None = None  # the topic asked for, when the team has no such topic

    @property
    def needs_topic(self) -> bool:
        return self.draft.topic_key is None


@dataclass(frozen=True)
class Routing:
    card: QuestionCard
    created: bool
    requested_level: int
    via_backup_of: str | None  # Slack id of the away responder
    to_manager: bool
    lead_until: date | None
    previous_assignee: str | None = None
    previous_thread: tuple[str | None, str | None] = (None, None)  # their DM about it
    actor: str | None = None  # who reassigned or escalated; None for the SLA job

    @property
    def went_up(self) -> bool:
        return self.card.level > self.requested_level


# --- who is asking ---------------------------------------------------------------------


def member_and_team(session: Session, slack_id: str) -> tuple[Member, Team]:
    member = membership(session, slack_id)
    if member is None:
        raise Refusal("ask.not_member", usage=True)
    return member, member.team


def check_text(text: str | None) -> str:
    question = (text or "").strip()
    if not question:
        raise Refusal("ask.empty_question", usage=True)
    if len(question) > MAX_QUESTION_CHARS:
        raise Refusal("ask.too_long", usage=True, count=len(question), limit=MAX_QUESTION_CHARS)
    return question


def check_level(level: int | None) -> int:
    if level is None:
        return MIN_LEVEL
    if not MIN_LEVEL <= level <= MAX_LEVEL:
        raise Refusal("ask.bad_level", usage=True, value=level)
    return level


def topic_choices(session: Session, team: Team) -> list[TopicChoice]:
    return [TopicChoice(t.key, t.name) for t in store.topics_of(session, team.id)]


def search_topics(session: Session, slack_id: str, query: str, *, limit: int = 100) -> list[TopicChoice]:
    """Topics for a type-ahead: those whose key, name or a keyword contains what was typed
    (any case), keys first; everything, by key, when nothing was typed."""
    _member, team = member_and_team(session, slack_id)
    wanted = " ".join(query.lower().split()).lstrip("#")
    found: list[tuple[int, str, TopicChoice]] = []
    for topic in store.topics_of(session, team.id):
        haystacks = [topic.key.lower(), (topic.name or "").lower(), *(k.lower() for k in topic.keywords or [])]
        if not wanted:
            found.append((0, topic.key, TopicChoice(topic.key, topic.name)))
        elif any(wanted in h for h in haystacks):
            found.append((0 if topic.key.lower().startswith(wanted) else 1, topic.key, TopicChoice(topic.key, topic.name)))
    return [choice for _, _, choice in sorted(found, key=lambda item: item[:2])][:limit]


def _resolve_topic(session: Session, team: Team, draft: Draft) -> Topic | None:
    topics = store.topics_of(session, team.id)
    if not topics:
        raise Refusal("ask.no_topics", usage=True)
    if draft.topic_key:
        topic = topic_by_key(session, team, draft.topic_key)
        if topic is None:
            raise Refusal("ask.unknown_topic", usage=True, key=draft.topic_key, topics=[TopicChoice(t.key, t.name) for t in topics])
        return topic
    matches = match_topic(draft.question, [TopicKeywords(t.key, tuple(t.keywords or ())) for t in topics])
    return next((t for t in topics if matches and t.key == matches[0]), None)


# --- asking ----------------------------------------------------------------------------


def prepare(session: Session, asker_slack_id: str, draft: Draft, now: datetime, *, with_similar: bool = True, pick_unknown_topic: bool = False) -> Preparation:
    """Validate a draft and find its topic; what is left to do before routing it.

    A topic the team does not have is refused, or with `pick_unknown_topic` (a typed
    `#topic`) left for the asker to pick from the team's topics."""
    _member, team = member_and_team(session, asker_slack_id)
    draft = replace(draft, question=check_text(draft.question), level=check_level(draft.level))
    _check_customer(session, team, draft.customer_id, asker_slack_id, now)
    if pick_unknown_topic and draft.topic_key and topic_by_key(session, team, draft.topic_key) is None:
        _resolve_topic(session, team, replace(draft, topic_key=None))  # still refused when there are no topics
        return Preparation(replace(draft, topic_key=None), topic_choices(session, team), [], unknown_key=draft.topic_key)
    topic = _resolve_topic(session, team, draft)
    if topic is None:
        return Preparation(draft, topic_choices(session, team), [])
    draft = replace(draft, topic_key=topic.key)
    similar = knowledge.similar(session, team.id, draft.question, now=now, topic_key=topic.key) if with_similar else []
    return Preparation(draft, [], similar)


def _check_customer(session: Session, team: Team, customer_id: int | None, asker_slack_id: str, now: datetime) -> None:
    """The customer a question is about must be one the asker may see (SPEC §5), as in
    the form's type-ahead: a forged id for anyone else's customer is refused."""
    if customer_id is None:
        return
    customer = session.get(Customer, customer_id)
    if customer is None or customer.team_id != team.id:
        raise Refusal("ask.unknown_customer", usage=True)
    access = access_for(session, asker_slack_id, now)
    if access is None or not access.works_with_customers:
        raise Refusal("ask.customer_hidden", usage=True, support=True)
    if not access.may_see(customer):
        raise Refusal("ask.customer_hidden", usage=True, support=False)


def ask(session: Session, asker_slack_id: str, draft: Draft, now: datetime, *, source_key: str) -> Routing:
    """Create the question and route it. A repeated `source_key` returns the first one."""
    asker, team = member_and_team(session, asker_slack_id)
    text = check_text(draft.question)
    level = check_level(draft.level)
    _check_customer(session, team, draft.customer_id, asker_slack_id, now)
    existing = store.by_source_key(session, source_key)
    if existing is not None:
        return _routing_of(session, team, existing, created=False, requested_level=level)
    topic = _resolve_topic(session, team, draft)
    if topic is None:
        raise Refusal("ask.pick_topic", usage=True)
    pick = routing.route(session, team, topic, level, now, exclude_ids={asker.id})
    if pick is None:
        raise Refusal("ask.no_responder", usage=True, key=topic.key)
    values = {
        "team_id": team.id,
        "asker_id": asker.id,
        "topic_id": topic.id,
        "customer_id": draft.customer_id,
        "level": pick.level,
        "text": text,
        "status": store.OPEN,
        "assignee_id": pick.member_id,
        "asked_at": now,
        "routed_at": now,
        "sla_due_at": None if pick.to_manager else routing.sla_due(team, topic, pick.level, now),
        "escalations": 0,
        "source_key": source_key,
    }
    question_id = store.insert_once(session, values)
    if question_id is None:  # the same request, racing itself
        existing = store.by_source_key(session, source_key)
        assert existing is not None  # what insert_once ran into
        return _routing_of(session, team, existing, created=False, requested_level=level)
    store.add_event(
        session, question_id, "routed", now, actor_id=asker.id, assignee_id=pick.member_id, level=pick.level,
        requested_level=level, via_backup_of=pick.via_backup_of, to_manager=pick.to_manager,
    )
    question = store.fresh(session, question_id)
    via = session.get(Member, pick.via_backup_of) if pick.via_backup_of else None
    return Routing(
        card=store.card(session, question),
        created=True,
        requested_level=level,
        via_backup_of=via.slack_id if via else None,
        to_manager=pick.to_manager,
        lead_until=routing.lead_until(team, question.topic.lead_time_days if question.topic else None, now),
    )


def _routing_of(session: Session, team: Team, question: Question, *, created: bool, requested_level: int) -> Routing:
    card = store.card(session, question)
    return Routing(card, created, requested_level, None, False, routing.lead_until(team, card.lead_time_days, question.asked_at))


def record_threads(session: Session, question_id: int, *, asker: tuple[str, str] | None = None, assignee: tuple[str, str] | None = None) -> None:
    store.remember_thread(session, question_id, asker=asker, assignee=assignee)


# --- responding ------------------------------------------------------------------------


def team_of(session: Session, question: Question) -> Team:
    return session.get_one(Team, question.team_id)


def question_for(session: Session, question_id: int, slack_id: str) -> tuple[Question, Member]:
    question = store.get(session, question_id)
    if question is None:
        raise Refusal("ask.not_found", id=question_id)
    member = member_by_slack_id(session, team_of(session, question), slack_id)
    if member is None:
        raise Refusal("ask.not_member", usage=True)
    return question, member


def slack_id_of(session: Session, member_id: int | None) -> str | None:
    member = session.get(Member, member_id) if member_id else None
    return member.slack_id if member else None


def refuse_if_done(session: Session, question: Question) -> None:
    if question.status in store.DONE_STATUSES:
        raise Refusal("ask.already_answered", id=question.id, by=slack_id_of(session, question.answered_by_id), at=question.answered_at)


def claim(session: Session, question_id: int, slack_id: str, now: datetime) -> QuestionCard:
    """Take a question: its assignee, another responder of the topic, or a manager."""
    question, member = question_for(session, question_id, slack_id)
    refuse_if_done(session, question)
    allowed = (
        question.assignee_id == member.id
        or member.has_role("manager")
        or store.is_topic_responder(session, question.topic_id, member.id)
    )
    if not allowed:
        raise Refusal("ask.not_yours", id=question.id, assignee=slack_id_of(session, question.assignee_id))
    if question.status == store.CLAIMED:
        raise _claimed_by(session, question, member)
    answer_due = routing.sla_due(team_of(session, question), question.topic, question.level, now)
    if not store.claim_if_open(session, question.id, member.id, now, answer_due):
        question = store.fresh(session, question.id)
        refuse_if_done(session, question)
        raise _claimed_by(session, question, member)
    store.add_event(session, question.id, "claimed", now, actor_id=member.id, assignee_id=member.id, level=question.level)
    return store.card(session, store.fresh(session, question.id))


def _claimed_by(session: Session, question: Question, member: Member) -> Refusal:
    if question.assignee_id == member.id:
        return Refusal("ask.already_claimed_by_you", id=question.id)
    return Refusal("ask.already_claimed", id=question.id, by=slack_id_of(session, question.assignee_id))


def check_can_answer(session: Session, question_id: int, slack_id: str) -> QuestionCard:
    """Refuse before opening the answer form, so nobody types an answer in vain."""
    question, member = question_for(session, question_id, slack_id)
    refuse_if_done(session, question)
    if question.assignee_id != member.id:
        raise Refusal("ask.not_yours", id=question.id, assignee=slack_id_of(session, question.assignee_id))
    return store.card(session, question)


def answer(session: Session, question_id: int, slack_id: str, text: str | None, now: datetime) -> QuestionCard:
    body = (text or "").strip()
    if not body:
        raise Refusal("ask.empty_answer")
    if len(body) > MAX_ANSWER_CHARS:
        raise Refusal("ask.answer_too_long", count=len(body), limit=MAX_ANSWER_CHARS)
    check_can_answer(session, question_id, slack_id)
    question, member = question_for(session, question_id, slack_id)
    values = {
        "answer": body,
        "answered_by_id": member.id,
        "answered_at": question.answered_at or now,
        "claimed_at": question.claimed_at or now,
        "sla_due_at": None,
    }
    if not store.answer_if_assigned(session, question.id, member.id, values):
        question = store.fresh(session, question.id)
        refuse_if_done(session, question)
        raise Refusal("ask.not_yours", id=question.id, assignee=slack_id_of(session, question.assignee_id))
    if question.claimed_at is None:
        store.add_event(session, question.id, "claimed", now, actor_id=member.id, assignee_id=member.id, level=question.level)
    store.add_event(session, question.id, "answered", now, actor_id=member.id, level=question.level, answer=body)
    return store.card(session, store.fresh(session, question.id))


# --- the asker, afterwards -------------------------------------------------------------


def _asker_question(session: Session, question_id: int, slack_id: str) -> tuple[Question, Member]:
    question, member = question_for(session, question_id, slack_id)
    if question.asker_id != member.id:
        raise Refusal("ask.not_asker", id=question.id)
    return question, member


def resolve(session: Session, question_id: int, slack_id: str, now: datetime) -> QuestionCard:
    question, member = _asker_question(session, question_id, slack_id)
    if question.status == store.RESOLVED:
        raise Refusal("ask.already_resolved", id=question.id)
    if question.status != store.ANSWERED or not store.resolve_if_answered(session, question.id):
        raise Refusal("ask.not_answered_yet", id=question.id)
    store.add_event(session, question.id, "resolved", now, actor_id=member.id)
    return store.card(session, store.fresh(session, question.id))


def check_can_follow_up(session: Session, question_id: int, slack_id: str) -> tuple[Question, Member, Member]:
    """The asker, on an answered question whose responder is still on the team."""
    question, member = _asker_question(session, question_id, slack_id)
    if question.status not in store.DONE_STATUSES:
        raise Refusal("ask.still_open", id=question.id, assignee=slack_id_of(session, question.assignee_id))
    responder = session.get(Member, question.answered_by_id or question.assignee_id or 0)
    if responder is None or not responder.active:
        raise Refusal("ask.responder_gone", id=question.id)
    return question, member, responder


def follow_up_card(session: Session, question_id: int, slack_id: str) -> QuestionCard:
    """Refuse before opening the follow-up form; else the question to show in it."""
    question, _member, _responder = check_can_follow_up(session, question_id, slack_id)
    return store.card(session, question)


def follow_up(session: Session, question_id: int, slack_id: str, text: str | None, now: datetime) -> QuestionCard:
    """A follow-up goes back to whoever answered, in the same thread, on a fresh SLA."""
    body = check_text(text)
    question, member, responder = check_can_follow_up(session, question_id, slack_id)
    values = {"assignee_id": responder.id, "sla_due_at": routing.sla_due(team_of(session, question), question.topic, question.level, now), "reminded_at": None}
    if not store.reopen_if_done(session, question.id, values):
        raise Refusal("ask.still_open", id=question.id, assignee=slack_id_of(session, question.assignee_id))
    store.add_event(session, question.id, "followup", now, actor_id=member.id, assignee_id=responder.id, level=question.level, text=body)
    return store.card(session, store.fresh(session, question.id))
