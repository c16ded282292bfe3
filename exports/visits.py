"""`bot.py export visits|followups`: one row per visit / per follow-up (SPEC §7 columns).

People are given by Slack id, as in the team YAML and the kpi export. Dates are the
calendar dates people chose (team time zone); `logged_at` and `done_at` are ISO 8601
with the team's UTC offset. `--since` / `--until` keep visits dated within them, and
follow-ups whose visit (or, for a follow-up without a visit, whose creation, in UTC) is
within them. Text is exported whole.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from exports import Exporter, Selection, TeamZones, register
from storage.models import Followup, Member, Visit

VISIT_COLUMNS = ("date", "customer", "rep", "type", "purpose", "needs", "concerns", "notes", "next_visit", "logged_by", "logged_at")
FOLLOWUP_COLUMNS = ("customer", "text", "owner", "due", "status", "done_at", "visit_date")


def _slack_id(member: Member | None) -> str:
    return member.slack_id if member else ""


def visit_rows(session: Session, selection: Selection) -> Iterator[list[Any]]:
    zones = TeamZones(session)
    query = select(Visit).options(selectinload(Visit.customer), selectinload(Visit.rep), selectinload(Visit.logged_by))
    if selection.since is not None:
        query = query.where(Visit.visit_date >= selection.since)
    if selection.until is not None:
        query = query.where(Visit.visit_date <= selection.until)
    if selection.team_id is not None:
        query = query.where(Visit.team_id == selection.team_id)
    for v in session.scalars(query.order_by(Visit.visit_date, Visit.id)):
        yield [
            v.visit_date, v.customer.name, _slack_id(v.rep), v.type, v.purpose, v.needs, v.concerns, v.notes,
            v.next_visit, _slack_id(v.logged_by), zones.local(v.team_id, v.logged_at),
        ]  # fmt: skip


def followup_rows(session: Session, selection: Selection) -> Iterator[list[Any]]:
    zones = TeamZones(session)
    query = select(Followup).outerjoin(Visit, Followup.visit_id == Visit.id).options(
        selectinload(Followup.customer), selectinload(Followup.owner), selectinload(Followup.visit)
    )
    unvisited = Followup.visit_id.is_(None)
    if selection.since is not None:
        start = datetime.combine(selection.since, time(), tzinfo=UTC)
        query = query.where(or_(Visit.visit_date >= selection.since, unvisited & (Followup.created_at >= start)))
    if selection.until is not None:
        end = datetime.combine(selection.until + timedelta(days=1), time(), tzinfo=UTC)
        query = query.where(or_(Visit.visit_date <= selection.until, unvisited & (Followup.created_at < end)))
    if selection.team_id is not None:
        query = query.where(Followup.team_id == selection.team_id)
    for f in session.scalars(query.order_by(Followup.due.is_(None), Followup.due, Followup.id)):
        yield [f.customer.name, f.text, _slack_id(f.owner), f.due, f.status, zones.local(f.team_id, f.done_at), f.visit.visit_date if f.visit else None]


register("visits", Exporter(columns=VISIT_COLUMNS, rows=visit_rows))
register("followups", Exporter(columns=FOLLOWUP_COLUMNS, rows=followup_rows))
