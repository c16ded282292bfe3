"""The outbox as the scheduled jobs use it: a message for someone who has left the team
goes to whoever takes their work (services/recipients.py), marked as re-routed, and is
recorded for the manager digest."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from rendering.blocks import context
from rendering.i18n import Texts, negotiate_locale
from services import people, recipients
from storage import outbox


def enqueue(
    session: Session, *, job: str, recipient: str, period: str, payload: dict[str, Any], now: datetime, team_id: int,
    customer_id: int | None = None, meant_for: str | None = None,
) -> bool:
    """`outbox.enqueue`, re-routed when `recipient` has left the team. `meant_for`: the
    caller already re-routed (a reminder batch) and says for whom."""
    delivery = recipients.deliverable(session, team_id, recipient, customer_id=customer_id)
    if delivery is None:
        return False
    meant_for = meant_for or delivery.meant_for
    if meant_for is not None and meant_for != delivery.recipient:
        payload = _marked(session, payload, delivery.recipient, meant_for, now)
        period = f"{period}~{meant_for}"  # beside the recipient's own message for the period
    else:
        meant_for = None
    return outbox.enqueue(session, job=job, recipient=delivery.recipient, period=period, payload=payload, now=now,
                          team_id=team_id, rerouted_from=meant_for)


def _marked(session: Session, payload: dict[str, Any], recipient: str, meant_for: str, now: datetime) -> dict[str, Any]:
    person = people.find_person(session, recipient, now)
    texts = Texts(negotiate_locale(person.slack_locale, person.team_language), person.reader_tz)
    note = texts.macro("common", "rerouted_note", meant_for=meant_for)
    blocks = payload.get("blocks")
    marked = dict(payload)
    if blocks:
        marked["blocks"] = [context(note), *blocks][:50]
    marked["text"] = f"{note} {payload.get('text', '')}".strip()
    return marked
