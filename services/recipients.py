"""Nothing reaches nobody: who gets a message meant for someone no longer on the team.

A reminder, escalation or digest line for a member who has left goes to the customer's
current owner when there is one on the team, else to the team's manager. Channels and
people who were never members (a question's asker from another team) are left as they are.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import Customer, Member


@dataclass(frozen=True)
class Delivery:
    recipient: str  # Slack id or channel
    meant_for: str | None = None  # the member who had left, when re-routed


def deliverable(session: Session, team_id: int, slack_id: str, *, customer_id: int | None = None) -> Delivery | None:
    """Where a message for `slack_id` goes; None when the team has nobody to take it."""
    members = {m.slack_id: m for m in session.scalars(select(Member).where(Member.team_id == team_id))}
    member = members.get(slack_id)
    if member is None or member.active:
        return Delivery(slack_id)
    if customer_id is not None:
        customer = session.get(Customer, customer_id)
        owner = session.get(Member, customer.owner_id) if customer is not None and customer.owner_id else None
        if owner is not None and owner.active and owner.team_id == team_id:
            return Delivery(owner.slack_id, slack_id)
    manager = next((m for m in members.values() if m.active and m.has_role("manager")), None)
    return Delivery(manager.slack_id, slack_id) if manager is not None else None
