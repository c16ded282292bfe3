"""Moving a question to someone else: reassign by hand, escalate by hand or by the SLA,
and the once-only reminder to a claimer who has not answered (SPEC §4.3).

A move is a compare-and-set on (status, level, assignee) as they were read, so two
schedulers (or a click racing the job) move a question once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.refusal import Refusal
from domain.routing import MAX_LEVEL
from services import question_routing as routing
from services.question_routing import Pick
from services.questions import (
    Routing,
    question_for,
    refuse_if_done,
    slack_id_of,
    team_of,
)
from services.team_admin import member_by_slack_id
from storage import questions as store
from storage.models import Member, Question, QuestionEvent
from storage.questions import QuestionCard

_SLACK_USER = re.compile(r"^[UW][A-Z0-9]{2,}$")


def _may_move(question: Question, member: Member) -> bool:
    return question.assignee_id == member.id or member.has_role("manager")


def with_manager(session: Session, question_id: int) -> bool:
    """Whether the question's last move handed it to the manager (past level 3)."""
    last = session.scalar(
        select(QuestionEvent)
        .where(QuestionEvent.question_id == question_id, QuestionEvent.kind.in_(("routed", "reassigned", "escalated")))
        .order_by(QuestionEvent.id.desc())
        .limit(1)
    )
    return bool(last and (last.detail or {}).get("to_manager"))


def check_can_move(session: Session, question_id: int, slack_id: str) -> QuestionCard:
    """Reassign and Escalate are for the question's assignee and the team's managers."""
    question, member = question_for(session, question_id, slack_id)
    refuse_if_done(session, question)
    if not _may_move(question, member):
        raise Refusal("ask.not_yours", id=question.id, assignee=slack_id_of(session, question.assignee_id))
    return store.card(session, question)


def _move(session: Session, question: Question, pick: Pick, now: datetime, *, kind: str, actor: Member | None, escalation: bool, **detail: Any) -> Routing:
    previous, from_level = question.assignee_id, question.level
    previous_thread = (question.assignee_channel, question.assignee_ts)
    values = {
        "assignee_id": pick.member_id,
        "level": pick.level,
        "status": store.OPEN,
        "claimed_at": None,
        "reminded_at": None,
        "sla_due_at": None if pick.to_manager else routing.sla_due(team_of(session, question), question.topic, pick.level, now),
        "assignee_channel": None,
        "assignee_ts": None,
        "escalations": question.escalations + (1 if escalation else 0),
    }
    if not store.move_if_unchanged(session, question, values):
        raise Refusal("ask.moved_meanwhile", id=question.id)
    store.add_event(
        session, question.id, kind, now, actor_id=actor.id if actor else None, assignee_id=pick.member_id, level=pick.level,
        from_level=from_level, from_assignee=previous, via_backup_of=pick.via_backup_of, to_manager=pick.to_manager, **detail,
    )
    fresh = store.fresh(session, question.id)
    return Routing(
        card=store.card(session, fresh),
        created=False,
        requested_level=from_level,
        via_backup_of=slack_id_of(session, pick.via_backup_of),
        to_manager=pick.to_manager,
        lead_until=routing.lead_until(team_of(session, fresh), fresh.topic.lead_time_days if fresh.topic else None, now),
        previous_assignee=slack_id_of(session, previous),
        previous_thread=previous_thread,
        actor=actor.slack_id if actor else None,
    )


def reassign(session: Session, question_id: int, slack_id: str, target_slack_id: str | None, now: datetime) -> Routing:
    check_can_move(session, question_id, slack_id)
    question, member = question_for(session, question_id, slack_id)
    target = member_by_slack_id(session, team_of(session, question), target_slack_id) if target_slack_id else None
    if target is None:
        shown = target_slack_id if target_slack_id and _SLACK_USER.match(target_slack_id) else ""
        raise Refusal("ask.reassign_not_member", user=shown)
    if target.id == question.assignee_id:
        raise Refusal("ask.reassign_same", user=target.slack_id)
    if target.id == question.asker_id:
        raise Refusal("ask.reassign_asker", user=target.slack_id)
    pick = Pick(target.id, question.level, None)
    stand_in = routing.stand_in_for(session, target, now)
    if stand_in is not None and stand_in != question.asker_id:
        pick = Pick(stand_in, question.level, target.id)
    return _move(session, question, pick, now, kind="reassigned", actor=member, escalation=False)


def escalate(session: Session, question_id: int, slack_id: str | None, now: datetime) -> Routing:
    """One level up (skipping levels nobody covers); past level 3, the manager.

    `slack_id` None means the SLA job; a person must be the assignee or a manager."""
    question = store.get(session, question_id)
    if question is None:
        raise Refusal("ask.not_found", id=question_id)
    actor = None
    if slack_id is not None:
        check_can_move(session, question_id, slack_id)
        question, actor = question_for(session, question_id, slack_id)
    elif question.status != store.OPEN:
        raise Refusal("ask.moved_meanwhile", id=question.id)
    if with_manager(session, question.id):
        raise Refusal("ask.nobody_above", id=question.id)
    exclude = {i for i in (question.assignee_id, question.asker_id) if i is not None}
    pick = None
    if question.level < MAX_LEVEL and question.topic is not None:
        pick = routing.pick_responder(session, team_of(session, question), question.topic, question.level + 1, now, exclude_ids=exclude)
    if pick is None:
        pick = routing.pick_manager(session, team_of(session, question), question.level, now, exclude_ids=exclude)
    if pick is None:
        raise Refusal("ask.nobody_above", id=question.id)
    reason = "manual" if actor else "sla"
    return _move(session, question, pick, now, kind="escalated", actor=actor, escalation=True, reason=reason)


def escalate_overdue(session: Session, team_id: int, now: datetime) -> list[Routing]:
    """The SLA job: every open question past its SLA moves up once."""
    moved: list[Routing] = []
    for question in store.overdue_open(session, team_id, now):
        try:  # a refusal is raised before anything is written, so the loop goes on
            moved.append(escalate(session, question.id, None, now))
        except Refusal as refused:
            if refused.code == "nobody_above":
                # Nobody left to hand it to: stop the clock; the manager digest lists it.
                store.move_if_unchanged(session, question, {"sla_due_at": None})
    return moved


@dataclass(frozen=True)
class Reminder:
    card: QuestionCard
    claimer: str


def remind_overdue(session: Session, team_id: int, now: datetime) -> list[Reminder]:
    """Claimed questions past their SLA: remind the claimer, once."""
    due: list[Reminder] = []
    for question in store.overdue_claimed(session, team_id, now):
        if store.mark_reminded(session, question.id, now):
            store.add_event(session, question.id, "reminded", now, assignee_id=question.assignee_id, level=question.level)
            claimer = session.get(Member, question.assignee_id) if question.assignee_id else None
            if claimer is not None:
                due.append(Reminder(store.card(session, store.fresh(session, question.id)), claimer.slack_id))
    return due
