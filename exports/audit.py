"""`bot.py export audit [--since DATE]`: the audit trail, one row per recorded change.

`at` is ISO 8601 UTC; `actor` a Slack id (empty: ambot itself, a scheduled job, or a file
load — `source` says which); `before` and `after` the changed values as JSON.
`--since` / `--until` keep changes made within those days (UTC).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, time
from typing import Any

from sqlalchemy.orm import Session

from exports import Exporter, Selection, register
from storage import audit

COLUMNS = ("at", "team_id", "actor", "source", "entity", "entity_id", "action", "version", "before", "after")


def _json(value: Any) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)


def audit_rows(session: Session, selection: Selection) -> Iterator[list[Any]]:
    start = datetime.combine(selection.since, time(), tzinfo=UTC) if selection.since else None
    for change in audit.changes_since(session, start):
        if selection.until and change.at.astimezone(UTC).date() > selection.until:
            continue
        if selection.team_id is not None and change.team_id != selection.team_id:
            continue
        yield [change.at, change.team_id, change.actor, change.source, change.entity, change.entity_id, change.action,
               change.version, _json(change.before), _json(change.after)]  # fmt: skip


register("audit", Exporter(columns=COLUMNS, rows=audit_rows))
