"""The audit trail: every change to team data, with who, when, and the values before and after.

Changes are recorded where they are written, in the flush that writes them (SQLAlchemy's
`after_flush`, the pattern of its "versioned history" example), so no path can change a
visit, a follow-up, a customer, a member, a topic, a target, a KPI entry, a handover or
the team's settings without a record. The few bulk UPDATE statements that bypass the
ORM (a snooze, a handover's status) call `record` themselves.

Who acted is a session's `act_as(session, slack_id, source)`: the listener layer sets it
to the Slack user of each request, the command line to `config` or `import`; scheduled
jobs leave it empty (`actor` None, source `job`).

Questions are not recorded here: each question keeps its own event trail
(`question_events`: routed, claimed, answered… with who and when).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, event, insert, inspect, or_, select
from sqlalchemy.orm import Session

from core import clock
from storage.models import (
    AuditRecord,
    Customer,
    Followup,
    Handover,
    KpiEntry,
    KpiTarget,
    Member,
    Team,
    Topic,
    TopicResponder,
    Visit,
)

_CONTEXT = "audit"
DEFAULT_SOURCE = "job"

# Recorded classes → columns whose changes are no news (delivery and cache bookkeeping).
AUDITED: dict[type, frozenset[str]] = {
    Team: frozenset({"customers_stamp", "knowledge_stamp", "post_error", "post_error_channel", "post_error_at"}),
    Member: frozenset({"locale", "tz", "profile_checked_at", "home_seen_at"}),
    Customer: frozenset(),
    Topic: frozenset(),
    TopicResponder: frozenset(),
    KpiTarget: frozenset(),
    KpiEntry: frozenset(),
    Visit: frozenset(),
    Followup: frozenset(),
    Handover: frozenset(),
}
_ALWAYS_IGNORED = frozenset({"version"})


@dataclass(frozen=True)
class Change:
    """One audit record as the services read it."""

    id: int
    team_id: int | None
    at: datetime
    actor: str | None
    source: str
    entity: str
    entity_id: int
    action: str
    version: int | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None


def act_as(session: Session, actor: str | None, source: str) -> None:
    """Who the changes made through `session` are recorded as (a Slack id, or None)."""
    session.info[_CONTEXT] = (actor, source)


def actor_of(session: Session) -> tuple[str | None, str]:
    return session.info.get(_CONTEXT, (None, DEFAULT_SOURCE))


def plain(value: Any) -> Any:
    """A column value as JSON: dates and times in ISO 8601, decimals as text."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    return value


def record(
    session: Session,
    *,
    entity: str,
    entity_id: int,
    team_id: int | None,
    action: str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    version: int | None = None,
) -> None:
    """Append one record now (for writes that bypass the ORM's flush)."""
    actor, source = actor_of(session)
    session.execute(
        insert(AuditRecord),
        [dict(team_id=team_id, at=clock.now(), actor=actor, source=source, entity=entity, entity_id=entity_id,
              action=action, version=version, before=plain(before), after=plain(after))],
    )


# --- reading ------------------------------------------------------------------------------


def _change(row: AuditRecord) -> Change:
    return Change(row.id, row.team_id, row.at, row.actor, row.source, row.entity, row.entity_id, row.action, row.version, row.before, row.after)


def last_change(session: Session, entity: str, entity_id: int, *, after_version: int | None = None) -> Change | None:
    """The latest record of one row (the first one past `after_version` when given: the
    change that made a form stale)."""
    query = select(AuditRecord).where(AuditRecord.entity == entity, AuditRecord.entity_id == entity_id)
    if after_version is not None:
        query = query.where(AuditRecord.version > after_version).order_by(AuditRecord.id)
    else:
        query = query.order_by(AuditRecord.id.desc())
    row = session.scalars(query.limit(1)).first()
    return _change(row) if row is not None else None


def changes_of(session: Session, rows: Iterable[tuple[str, int]], *, limit: int | None = None) -> list[Change]:
    """Records of these (entity, id) rows, newest first."""
    by_entity: dict[str, set[int]] = {}
    for entity, entity_id in rows:
        by_entity.setdefault(entity, set()).add(entity_id)
    if not by_entity:
        return []
    where = or_(*(and_(AuditRecord.entity == e, AuditRecord.entity_id.in_(sorted(ids))) for e, ids in by_entity.items()))
    query = select(AuditRecord).where(where).order_by(AuditRecord.id.desc())
    if limit is not None:
        query = query.limit(limit)
    return [_change(r) for r in session.scalars(query)]


def changes_since(session: Session, since: datetime | None) -> list[Change]:
    """Every record (of every team) from `since` on, oldest first: `bot.py export audit`."""
    query = select(AuditRecord)
    if since is not None:
        query = query.where(AuditRecord.at >= since)
    return [_change(r) for r in session.scalars(query.order_by(AuditRecord.id))]


# --- the flush hook -------------------------------------------------------------------------


def _columns(obj: Any) -> list[str]:
    return [attr.key for attr in inspect(obj).mapper.column_attrs]


def _team_id(session: Session, obj: Any) -> int | None:
    if isinstance(obj, Team):
        return obj.id
    if isinstance(obj, TopicResponder):
        topics = Topic.__table__
        return session.connection().execute(select(topics.c.team_id).where(topics.c.id == obj.topic_id)).scalar()
    return getattr(obj, "team_id", None)


def _snapshot(obj: Any, ignored: frozenset[str]) -> dict[str, Any]:
    state = inspect(obj)
    return {key: plain(state.dict.get(key)) for key in _columns(obj) if key not in ignored and key not in _ALWAYS_IGNORED}


def _differences(obj: Any, ignored: frozenset[str]) -> tuple[dict[str, Any], dict[str, Any]]:
    state = inspect(obj)
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    for key in _columns(obj):
        if key in ignored or key in _ALWAYS_IGNORED:
            continue
        history = state.attrs[key].history
        if not history.added and not history.deleted:
            continue
        old = history.deleted[0] if history.deleted else None
        new = history.added[0] if history.added else state.dict.get(key)
        if old == new:
            continue
        before[key], after[key] = plain(old), plain(new)
    return before, after


def _action(before: dict[str, Any], after: dict[str, Any]) -> str:
    if "withdrawn_at" in after:
        return "withdraw" if after["withdrawn_at"] is not None else "restore"
    if after.get("undone") is True:
        return "withdraw"
    if after.get("undone") is False:
        return "restore"
    return "update"


@event.listens_for(Session, "after_flush")
def _record_flush(session: Session, _flush_context: Any) -> None:
    actor, source = actor_of(session)
    now = clock.now()
    rows: list[dict[str, Any]] = []

    def add(obj: Any, action: str, before: dict[str, Any] | None, after: dict[str, Any] | None) -> None:
        rows.append(dict(
            team_id=_team_id(session, obj), at=now, actor=actor, source=source, entity=obj.__tablename__,
            entity_id=obj.id, action=action, version=getattr(obj, "version", None), before=before, after=after,
        ))

    for obj in session.new:
        ignored = AUDITED.get(type(obj))
        if ignored is not None:
            add(obj, "create", None, _snapshot(obj, ignored))
    for obj in session.dirty:
        ignored = AUDITED.get(type(obj))
        if ignored is None or obj in session.deleted:
            continue
        before, after = _differences(obj, ignored)
        if after:
            add(obj, _action(before, after), before, after)
    for obj in session.deleted:
        ignored = AUDITED.get(type(obj))
        if ignored is not None:
            add(obj, "delete", _snapshot(obj, ignored), None)
    if rows:  # the session's sets have no order: records of one flush go by row
        rows.sort(key=lambda r: (r["action"] == "delete", r["entity"], r["entity_id"]))
        session.connection().execute(insert(AuditRecord), rows)
