"""`question_escalation` (SPEC §4.3, §7): every minute, per team.

An open question nobody claimed within its level's SLA (working hours on the team's
calendar) moves one level up, past level 3 to the manager, and the asker, the new
responder and the previous one are told. A claimed question still unanswered at its
SLA reminds the claimer, once. Notices go through the outbox keyed by
(job, recipient, question + escalation number), and the move itself is a
compare-and-set, so two schedulers never move or notify twice.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from jobs import delivery
from jobs.registry import JobSpec, TeamSchedule, register
from rendering import question_blocks as qb
from rendering.i18n import Texts, negotiate_locale
from services import people
from services import question_escalation as moves
from services.questions import Routing
from storage.models import Question

JOB = "question_escalation"


def _texts(session: Session, slack_id: str, now: datetime) -> Texts:
    person = people.find_person(session, slack_id, now)
    return Texts(negotiate_locale(person.slack_locale, person.team_language), person.reader_tz)


def _queue(session: Session, team_id: int, recipient: str | None, period: str, payload: dict[str, Any], now: datetime, question_id: int) -> int:
    """Queue one notice; for someone who has left, to the question's customer's owner or the manager."""
    if not recipient:
        return 0
    question = session.get(Question, question_id)
    customer_id = question.customer_id if question is not None else None
    return int(delivery.enqueue(session, job=JOB, recipient=recipient, period=period, payload=payload, now=now, team_id=team_id, customer_id=customer_id))


def _queue_escalation(session: Session, team_id: int, routing: Routing, now: datetime) -> int:
    card = routing.card
    period = f"q{card.id}-e{card.escalations}-" + ("M" if routing.to_manager else f"L{card.level}")
    queued = 0
    if card.assignee:
        texts = _texts(session, card.assignee, now)
        note = texts.macro(qb.NOTICES, "moved_note", routing, "escalated")
        queued += _queue(session, team_id, card.assignee, period, qb.responder_message(texts, card, note=note), now, card.id)
    if routing.previous_assignee:
        texts = _texts(session, routing.previous_assignee, now)
        text = texts.macro(qb.NOTICES, "moved_for_previous", routing, "escalated")
        payload = dict(qb.notice(text), **({"thread_ts": routing.previous_thread[1]} if routing.previous_thread[1] else {}))
        queued += _queue(session, team_id, routing.previous_assignee, period, payload, now, card.id)
    if card.asker:
        texts = _texts(session, card.asker, now)
        text = texts.macro(qb.NOTICES, "moved_for_asker", routing, "escalated")
        lead = texts.macro(qb.MSG, "lead_time", card, routing.lead_until)
        payload = qb.notice(f"{text}\n{lead}".strip())
        if card.asker_ts:
            payload.update(thread_ts=card.asker_ts, reply_broadcast=True)
        queued += _queue(session, team_id, card.asker, period, payload, now, card.id)
    return queued


def _queue_reminder(session: Session, team_id: int, reminder: moves.Reminder, now: datetime) -> int:
    card = reminder.card
    texts = _texts(session, reminder.claimer, now)
    payload = qb.notice_with_buttons(texts, texts.macro(qb.MSG, "reminder", card), card.id)
    if card.assignee_ts:
        payload.update(thread_ts=card.assignee_ts, reply_broadcast=True)
    stamp = int(card.sla_due_at.timestamp()) if card.sla_due_at else 0
    return _queue(session, team_id, reminder.claimer, f"q{card.id}-remind-{stamp}", payload, now, card.id)


def run(session: Session, team_id: int, now: datetime) -> int:
    queued = 0
    for routing in moves.escalate_overdue(session, team_id, now):
        queued += _queue_escalation(session, team_id, routing, now)
    for reminder in moves.remind_overdue(session, team_id, now):
        queued += _queue_reminder(session, team_id, reminder, now)
    return queued


def trigger(team: TeamSchedule) -> dict[str, Any]:
    return {"trigger": "interval", "minutes": 1}


register(JobSpec(name=JOB, run=run, trigger=trigger))
