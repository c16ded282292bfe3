"""Response-time statistics on questions, per responder and per topic (for the digests).

Times are *working* minutes on the team's calendar (09:00–18:00 on working days), the
same clock the SLA runs on, so a question asked on Friday evening and claimed on Monday
at 09:10 took 10 minutes, not 63 hours.

- Per topic, "to claim" and "to answer" run from when the question was asked.
- Per responder, they run from when the question reached *that* person (routed,
  reassigned or escalated to them), so a level-2 responder is not blamed for the time
  it spent at level 1.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from domain.routing import sla_minutes_for
from storage.calendars import team_calendar
from storage.models import (
    KnowledgeEntry,
    KnowledgeEvent,
    Member,
    Question,
    QuestionEvent,
    Team,
    Topic,
)

ASSIGNING = ("routed", "reassigned", "escalated", "followup")


@dataclass(frozen=True)
class Timing:
    """One question's clock, in working minutes: from asked to the first response (a claim,
    or the answer when it came unclaimed) and to the answer; its SLA is the one of the
    level it was first routed to. `sla_met` is None while it is still within its SLA."""

    routed_level: int
    sla_minutes: int
    first_response: int | None
    answered: int | None
    sla_met: bool | None


def timing(question: Question, routed_level: int, sla_map: dict | None, minutes: Callable[[datetime, datetime], int], now: datetime) -> Timing:
    sla = sla_minutes_for(routed_level, sla_map)
    first = question.claimed_at or question.answered_at
    first_response = minutes(question.asked_at, first) if first else None
    answered = minutes(question.asked_at, question.answered_at) if question.answered_at else None
    if first_response is not None:
        met: bool | None = first_response <= sla
    else:
        met = False if minutes(question.asked_at, now) > sla else None
    return Timing(routed_level, sla, first_response, answered, met)


def routed_levels(events: list[QuestionEvent], question: Question) -> int:
    """The level a question was first routed to (its level now, for imported history)."""
    return next((e.level for e in events if e.kind == "routed" and e.level), question.level)


@dataclass(frozen=True)
class LevelStats:
    """Questions of one topic first routed to one level: how fast and how often on time."""

    topic_id: int | None
    key: str | None
    level: int
    asked: int
    to_first_response: ResponseTimes
    to_answer: ResponseTimes
    sla_met: int
    sla_counted: int  # met or missed (those still within their SLA are not counted yet)

    @property
    def sla_rate(self) -> float | None:
        return self.sla_met / self.sla_counted if self.sla_counted else None


@dataclass(frozen=True)
class ResponseTimes:
    count: int
    median_minutes: float | None
    average_minutes: float | None

    @classmethod
    def of(cls, minutes: list[int]) -> ResponseTimes:
        if not minutes:
            return cls(0, None, None)
        return cls(len(minutes), float(statistics.median(minutes)), round(statistics.fmean(minutes), 1))


@dataclass(frozen=True)
class ResponderStats:
    member_id: int
    slack_id: str
    name: str
    assigned: int  # times a question reached them (routed, reassigned, escalated, follow-up)
    claimed: int
    answered: int
    escalated_away: int  # taken from them because nobody claimed it within the SLA
    to_claim: ResponseTimes
    to_answer: ResponseTimes


@dataclass(frozen=True)
class TopicStats:
    topic_id: int | None
    key: str | None
    name: str | None
    asked: int
    answered: int  # answered or resolved
    escalated: int  # questions escalated at least once
    open: int  # still open or claimed
    to_claim: ResponseTimes
    to_answer: ResponseTimes


@dataclass(frozen=True)
class ResponseStats:
    team_id: int
    since: datetime
    until: datetime
    asked: int
    answered: int
    escalated: int
    open: int
    deflected: int  # "This answers it" on a knowledge-base entry, in the window
    to_claim: ResponseTimes
    to_answer: ResponseTimes
    responders: list[ResponderStats] = field(default_factory=list)
    topics: list[TopicStats] = field(default_factory=list)
    levels: list[LevelStats] = field(default_factory=list)  # per topic and first-routed level
    sla_met: int = 0
    sla_counted: int = 0

    @property
    def sla_rate(self) -> float | None:
        return self.sla_met / self.sla_counted if self.sla_counted else None

    @property
    def deflection_rate(self) -> float | None:
        """Of the questions people had, the share the knowledge base answered before anyone was asked."""
        had = self.deflected + self.asked
        return self.deflected / had if had else None


@dataclass
class _Person:
    assigned: int = 0
    claimed: int = 0
    answered: int = 0
    escalated_away: int = 0
    to_claim: list[int] = field(default_factory=list)
    to_answer: list[int] = field(default_factory=list)


@dataclass
class _Topic:
    asked: int = 0
    answered: int = 0
    escalated: int = 0
    open: int = 0
    to_claim: list[int] = field(default_factory=list)
    to_answer: list[int] = field(default_factory=list)


def response_stats(session: Session, team_id: int, since: datetime, until: datetime) -> ResponseStats:
    """Questions asked in [since, until): counts and response times, per responder and topic.

    A fixed number of statements whatever the window holds (the questions, their events,
    the people and topics named, the deflections), so the digests stay bounded.
    """
    team = session.get_one(Team, team_id)
    calendar = team_calendar(team, session)
    tz = ZoneInfo(team.timezone)

    def minutes(a: datetime, b: datetime) -> int:
        return calendar.working_minutes_between(a, b, tz)

    in_window = (Question.team_id == team_id, Question.asked_at >= since, Question.asked_at < until)
    asked = list(session.scalars(select(Question).where(*in_window).order_by(Question.asked_at, Question.id)))
    events: dict[int, list[QuestionEvent]] = defaultdict(list)
    for event in session.scalars(
        select(QuestionEvent).join(Question, Question.id == QuestionEvent.question_id).where(*in_window).order_by(QuestionEvent.id)
    ):
        events[event.question_id].append(event)
    people: dict[int, _Person] = defaultdict(_Person)
    topics: dict[int | None, _Topic] = defaultdict(_Topic)
    levels: dict[tuple[int | None, int], list[Timing]] = defaultdict(list)
    sla_of = {t.id: t.sla_minutes for t in session.scalars(select(Topic).where(Topic.team_id == team_id))}
    all_claim: list[int] = []
    all_answer: list[int] = []
    for question in asked:
        routed_level = routed_levels(events.get(question.id, []), question)
        levels[(question.topic_id, routed_level)].append(timing(question, routed_level, sla_of.get(question.topic_id or 0), minutes, until))
        topic = topics[question.topic_id]
        topic.asked += 1
        if question.status in ("answered", "resolved"):
            topic.answered += 1
        elif question.status in ("open", "claimed"):
            topic.open += 1
        if question.escalations:
            topic.escalated += 1
        if question.claimed_at:
            topic.to_claim.append(minutes(question.asked_at, question.claimed_at))
        if question.answered_at:
            topic.to_answer.append(minutes(question.asked_at, question.answered_at))
        _walk_events(question, events.get(question.id, []), people, minutes)
    for topic in topics.values():
        all_claim += topic.to_claim
        all_answer += topic.to_answer
    deflected = session.scalar(
        select(func.count(KnowledgeEvent.id))
        .join(KnowledgeEntry, KnowledgeEntry.id == KnowledgeEvent.entry_id)
        .where(KnowledgeEntry.team_id == team_id, KnowledgeEvent.kind == "deflected", KnowledgeEvent.at >= since, KnowledgeEvent.at < until)
    ) or 0
    level_stats = _levels(session, levels)
    return ResponseStats(
        team_id=team_id,
        since=since,
        until=until,
        asked=len(asked),
        answered=sum(t.answered for t in topics.values()),
        escalated=sum(t.escalated for t in topics.values()),
        open=sum(t.open for t in topics.values()),
        deflected=deflected,
        to_claim=ResponseTimes.of(all_claim),
        to_answer=ResponseTimes.of(all_answer),
        responders=_responders(session, people),
        topics=_topics(session, topics),
        levels=level_stats,
        sla_met=sum(s.sla_met for s in level_stats),
        sla_counted=sum(s.sla_counted for s in level_stats),
    )


def _levels(session: Session, levels: dict[tuple[int | None, int], list[Timing]]) -> list[LevelStats]:
    keys = {t.id: t.key for t in session.scalars(select(Topic).where(Topic.id.in_([k for k, _ in levels if k])))}
    out = []
    for (topic_id, level), timings in levels.items():
        counted = [t for t in timings if t.sla_met is not None]
        out.append(
            LevelStats(
                topic_id=topic_id,
                key=keys.get(topic_id) if topic_id else None,
                level=level,
                asked=len(timings),
                to_first_response=ResponseTimes.of([t.first_response for t in timings if t.first_response is not None]),
                to_answer=ResponseTimes.of([t.answered for t in timings if t.answered is not None]),
                sla_met=sum(1 for t in counted if t.sla_met),
                sla_counted=len(counted),
            )
        )
    return sorted(out, key=lambda s: (s.key or "~", s.level))


def _walk_events(
    question: Question, events: list[QuestionEvent], people: dict[int, _Person], minutes: Callable[[datetime, datetime], int]
) -> None:
    """Replay one question's events: who had it since when, who claimed and answered."""
    reached: dict[int, datetime] = {}
    claimed_seen = False
    for event in events:
        if event.kind in ASSIGNING and event.assignee_id:
            people[event.assignee_id].assigned += 1
            reached[event.assignee_id] = event.at
            if event.kind == "escalated" and (event.detail or {}).get("reason") == "sla" and (event.detail or {}).get("from_assignee"):
                people[event.detail["from_assignee"]].escalated_away += 1
        elif event.kind == "claimed" and event.actor_id:
            claimed_seen = True
            person = people[event.actor_id]
            person.claimed += 1
            person.to_claim.append(minutes(reached.get(event.actor_id, question.asked_at), event.at))
        elif event.kind == "answered" and event.actor_id:
            person = people[event.actor_id]
            person.answered += 1
            person.to_answer.append(minutes(reached.get(event.actor_id, question.asked_at), event.at))
    # Imported history may carry claim times without claim events.
    who = question.answered_by_id or question.assignee_id
    if not claimed_seen and question.claimed_at and who:
        people[who].claimed += 1
        people[who].to_claim.append(minutes(reached.get(who, question.asked_at), question.claimed_at))


def _responders(session: Session, people: dict[int, _Person]) -> list[ResponderStats]:
    members = {m.id: m for m in session.scalars(select(Member).where(Member.id.in_(list(people))))}
    out = []
    for member_id, person in people.items():
        member = members.get(member_id)
        if member is None:
            continue
        out.append(
            ResponderStats(
                member_id=member_id,
                slack_id=member.slack_id,
                name=member.name,
                assigned=person.assigned,
                claimed=person.claimed,
                answered=person.answered,
                escalated_away=person.escalated_away,
                to_claim=ResponseTimes.of(person.to_claim),
                to_answer=ResponseTimes.of(person.to_answer),
            )
        )
    return sorted(out, key=lambda r: (-r.answered, r.name))


def _topics(session: Session, topics: dict[int | None, _Topic]) -> list[TopicStats]:
    rows = {t.id: t for t in session.scalars(select(Topic).where(Topic.id.in_([k for k in topics if k])))}
    out = []
    for topic_id, topic in topics.items():
        row = rows.get(topic_id) if topic_id else None
        out.append(
            TopicStats(
                topic_id=topic_id,
                key=row.key if row else None,
                name=row.name if row else None,
                asked=topic.asked,
                answered=topic.answered,
                escalated=topic.escalated,
                open=topic.open,
                to_claim=ResponseTimes.of(topic.to_claim),
                to_answer=ResponseTimes.of(topic.to_answer),
            )
        )
    return sorted(out, key=lambda t: (-t.asked, t.key or ""))
