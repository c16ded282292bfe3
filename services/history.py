"""A customer's history (`/visit history <customer>`): every recorded change to the customer,
its visits, follow-ups and KPI entries — who, when, what, before and after — and what
was withdrawn from it, with how to put it back."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.visit_access import VisitAccess, check_may_see
from storage import audit, withdrawal
from storage.models import Customer, Followup, KpiEntry, Member, Visit

HISTORY_LIMIT = 25
# What a change shows of each kind of row (other columns are bookkeeping).
SHOWN_FIELDS = {
    "customers": ("name", "aliases", "owner_id", "tier", "industry", "cadence_days", "active"),
    "visits": ("visit_date", "type", "purpose", "needs", "concerns", "notes", "next_visit", "customer_id", "rep_id"),
    "followups": ("text", "due", "owner_id", "status", "customer_id"),
    "kpi_entries": ("metric", "value", "occurred_on", "note"),
}


@dataclass(frozen=True)
class FieldChange:
    name: str
    before: Any
    after: Any


@dataclass(frozen=True)
class HistoryLine:
    at: datetime
    actor: str | None  # Slack id; None: ambot itself (a scheduled job) or a file load
    source: str
    entity: str
    entity_id: int
    action: str
    label: str  # a short reminder of what the row is: a visit's date, a follow-up's text
    fields: tuple[FieldChange, ...] = ()


@dataclass(frozen=True)
class Withdrawn:
    entity: str  # visits or followups
    id: int
    label: str
    at: datetime | None
    by: str | None  # Slack id


@dataclass
class CustomerHistory:
    customer_name: str
    lines: list[HistoryLine] = field(default_factory=list)
    withdrawn: list[Withdrawn] = field(default_factory=list)
    more: int = 0  # older changes not shown


def customer_history(session: Session, access: VisitAccess, customer: Customer, *, limit: int = HISTORY_LIMIT) -> CustomerHistory:
    check_may_see(access, customer)
    with withdrawal.included(session):
        visits = list(session.scalars(select(Visit).where(Visit.customer_id == customer.id)))
        followups = list(session.scalars(select(Followup).where(Followup.customer_id == customer.id)))
    entries = list(session.scalars(select(KpiEntry).where(KpiEntry.customer_id == customer.id)))
    labels: dict[tuple[str, int], str] = {("customers", customer.id): customer.name}
    labels |= {("visits", v.id): v.visit_date.isoformat() for v in visits}
    labels |= {("followups", f.id): f.text for f in followups}
    labels |= {("kpi_entries", e.id): f"{e.metric} {e.value.normalize():f}" for e in entries}
    changes = audit.changes_of(session, labels.keys(), limit=limit + 1)
    members = dict(session.execute(select(Member.id, Member.slack_id).where(Member.team_id == access.team_id)).all())
    customers = {customer.id: customer.name}
    history = CustomerHistory(customer.name, more=max(0, len(changes) - limit))
    for change in changes[:limit]:
        history.lines.append(HistoryLine(
            change.at, change.actor, change.source, change.entity, change.entity_id, change.action,
            labels.get((change.entity, change.entity_id), ""), _fields(session, change, members, customers),
        ))
    slack_of = members.get
    for visit in sorted((v for v in visits if v.withdrawn_at), key=lambda v: v.withdrawn_at or datetime.min):
        history.withdrawn.append(Withdrawn("visits", visit.id, labels[("visits", visit.id)], visit.withdrawn_at, slack_of(visit.withdrawn_by_id or 0)))
    withdrawn_visits = {v.id: v.withdrawn_at for v in visits if v.withdrawn_at}
    for followup in sorted((f for f in followups if f.withdrawn_at), key=lambda f: f.withdrawn_at or datetime.min):
        if followup.visit_id in withdrawn_visits and withdrawn_visits[followup.visit_id] == followup.withdrawn_at:
            continue  # went with its visit, and comes back with it
        history.withdrawn.append(Withdrawn("followups", followup.id, followup.text, followup.withdrawn_at, slack_of(followup.withdrawn_by_id or 0)))
    return history


def _fields(session: Session, change: audit.Change, members: dict[int, str], customers: dict[int, str]) -> tuple[FieldChange, ...]:
    if change.action != "update":
        return ()
    shown = SHOWN_FIELDS.get(change.entity, ())
    before, after = change.before or {}, change.after or {}
    out = []
    for name in shown:
        if name in after:
            out.append(FieldChange(name, _value(session, name, before.get(name), members, customers), _value(session, name, after[name], members, customers)))
    return tuple(out)


def _value(session: Session, name: str, value: Any, members: dict[int, str], customers: dict[int, str]) -> Any:
    """A recorded value as a reader wants it: a person as their Slack id, a customer by
    name, a date as a date."""
    if value is None:
        return None
    if name in ("owner_id", "rep_id"):
        return {"member": members.get(value)}
    if name == "customer_id":
        if value not in customers:
            found = session.get(Customer, value)
            customers[value] = found.name if found else str(value)
        return customers[value]
    if name in ("visit_date", "next_visit", "due", "occurred_on") and isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return value
