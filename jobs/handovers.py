"""`handover_transitions`: handovers start and end on time, unanswered requests escalate.

Runs every minute per team. Each status change is compare-and-set and its messages go
to the outbox in the same transaction, keyed `h<id>-start`, `h<id>-back`, … so two
schedulers or a re-run change and say everything once.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from jobs import delivery
from jobs.registry import JobSpec, TeamSchedule, register
from rendering import handover as views
from rendering.i18n import Texts, negotiate_locale
from services import handover as service
from services import handover_reports as reports
from services import people

NAME = "handover_transitions"


def run(session: Session, team_id: int, now: datetime) -> int:
    queued = 0
    done = service.transitions(session, team_id, now)

    def send(recipient: str | None, key: str, payload: dict) -> None:
        nonlocal queued
        if recipient and delivery.enqueue(session, job=NAME, recipient=recipient, period=key, payload=payload, now=now, team_id=team_id):
            queued += 1

    for h in done.ended:
        summary = reports.handback(session, h.id, now)
        send(h.member, f"h{h.id}-back", views.handback_message(_texts(session, h.member, now), summary))
        send(h.cover, f"h{h.id}-end", views.notice(_texts(session, h.cover, now), "cover_ended", h))
    for h in done.started:
        brief = reports.brief(session, h.id, now)
        send(h.cover, f"h{h.id}-start", views.brief_message(_texts(session, h.cover, now), brief, "cover_started"))
    for outcome in done.escalated:
        h = outcome.handover
        send(h.member, f"h{h.id}-escalated", views.notice(_texts(session, h.member, now), "member_escalated", h))
        for manager in [m for m in outcome.managers if m != h.member] or list(outcome.managers):
            payload = views.assign_cover_message(_texts(session, manager, now), h, "manager_escalated")
            send(manager, f"h{h.id}-escalated", payload)
    return queued


def _texts(session: Session, slack_id: str | None, now: datetime) -> Texts:
    person = people.find_person(session, slack_id or "", now)
    return Texts(negotiate_locale(person.slack_locale, person.team_language), person.reader_tz)


def _every_minute(team: TeamSchedule) -> dict:
    return {"trigger": "interval", "minutes": 1}


register(
    JobSpec(
        name=NAME,
        run=run,
        trigger=_every_minute,
    )
)
