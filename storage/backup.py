"""The whole database as one JSON document, and back (`bot.py export all`, `bot.py import all`).

Every table that holds team data is written row by row, by primary key, each value in a
form both databases read back exactly: dates and moments in ISO 8601 (moments in UTC),
decimals as text, JSON as JSON. Withdrawn rows and the audit trail are included, and so
are members' calendar feeds: a restored server keeps the addresses calendar apps are
subscribed to, and the backup holds only each token's SHA-256, which opens nothing by
itself. Left out: the outbox (messages waiting for Slack) and the request-deduplication
keys, which describe deliveries in flight, not the team.

A restore goes into an empty database at the same schema revision, in one transaction:
rows are inserted in dependency order with their own ids (a column pointing into its own
table — a member's backup — is filled in a second pass), then PostgreSQL's sequences are
moved past the highest id. Restoring what `dump` wrote and dumping again gives the same
document, whichever database each side runs on.

This is the portable copy; for a production PostgreSQL, its own tools (`pg_dump`,
point-in-time recovery) are the backup.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Column, Date, DateTime, Numeric, Table, func, insert, select, text, update
from sqlalchemy.orm import Session
from sqlalchemy.types import JSON

from storage.models import Base, OutboxMessage, ProcessedRequest, UTCDateTime

FORMAT = "ambot-backup"
FORMAT_VERSION = 1
LEFT_OUT = {OutboxMessage.__tablename__, ProcessedRequest.__tablename__}
CHUNK = 500


class RestoreRefused(Exception):
    def __init__(self, code: str, **details: Any) -> None:
        super().__init__(code)
        self.code = code
        self.details = details


def tables() -> list[Table]:
    """The backed-up tables, parents before children."""
    return [t for t in Base.metadata.sorted_tables if t.name not in LEFT_OUT]


# --- out -----------------------------------------------------------------------------------


def dump(session: Session, schema: str | None) -> dict[str, Any]:
    """Every backed-up row, as plain JSON values."""
    out: dict[str, Any] = {"format": FORMAT, "version": FORMAT_VERSION, "schema": schema, "tables": {}}
    for table in tables():
        rows = session.execute(select(table).order_by(*table.primary_key.columns)).mappings()
        out["tables"][table.name] = [{c.name: _out(c, row[c.name]) for c in table.columns} for row in rows]
    return out


def to_json(document: dict[str, Any]) -> str:
    """Canonical text: keys sorted, no ASCII escaping of Chinese, one row per line."""
    lines = ["{", f'"format": {json.dumps(document["format"])},', f'"version": {document["version"]},',
             f'"schema": {json.dumps(document["schema"])},', '"tables": {']
    names = list(document["tables"])
    for index, name in enumerate(names):
        rows = document["tables"][name]
        lines.append(f"{json.dumps(name)}: [")
        lines.extend(json.dumps(row, ensure_ascii=False, sort_keys=True) + ("," if i < len(rows) - 1 else "") for i, row in enumerate(rows))
        lines.append("]" + ("," if index < len(names) - 1 else ""))
    lines.extend(["}", "}"])
    return "\n".join(lines) + "\n"


def _out(column: Column, value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        scale = getattr(column.type, "scale", None)
        return format(value.quantize(Decimal(1).scaleb(-scale)) if scale is not None else value, "f")
    if isinstance(column.type, JSON):
        return json.loads(json.dumps(value, sort_keys=True))
    return value


# --- in ------------------------------------------------------------------------------------


def row_count(session: Session) -> int:
    """Rows in every table a restore would write, and in those it leaves out."""
    counts = [select(func.count()).select_from(t).scalar_subquery() for t in Base.metadata.sorted_tables]
    return sum(session.execute(select(*counts)).one())


def restore(session: Session, document: dict[str, Any], schema: str | None) -> dict[str, int]:
    """Insert a `dump` into this empty database; returns rows written per table."""
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise RestoreRefused("not_a_backup")
    if document.get("version") != FORMAT_VERSION:
        raise RestoreRefused("bad_version", version=document.get("version"))
    if document.get("schema") != schema:
        raise RestoreRefused("other_schema", backup=document.get("schema"), database=schema)
    existing = row_count(session)
    if existing:
        raise RestoreRefused("not_empty", rows=existing)
    data = document.get("tables")
    if not isinstance(data, dict):
        raise RestoreRefused("not_a_backup")
    written: dict[str, int] = {}
    for table in tables():
        rows = [_row_in(table, raw) for raw in data.get(table.name) or []]
        self_refs = [fk.parent.name for fk in table.foreign_keys if fk.column.table is table]
        first_pass = [{**row, **dict.fromkeys(self_refs)} for row in rows] if self_refs else rows
        for start in range(0, len(first_pass), CHUNK):
            session.execute(insert(table), first_pass[start : start + CHUNK])
        for name in self_refs:  # e.g. members.backup_id: every member exists now
            key = table.primary_key.columns.values()[0]
            for row in rows:
                if row.get(name) is not None:
                    session.execute(update(table).where(key == row[key.name]).values({name: row[name]}))
        written[table.name] = len(rows)
    _move_sequences(session, tables())
    return written


def _row_in(table: Table, raw: dict[str, Any]) -> dict[str, Any]:
    unknown = set(raw) - set(table.columns.keys())
    if unknown:
        raise RestoreRefused("unknown_columns", table=table.name, columns=", ".join(sorted(unknown)))
    return {c.name: _in(c, raw.get(c.name)) for c in table.columns}


def _in(column: Column, value: Any) -> Any:
    if value is None:
        return None
    kind = column.type
    if isinstance(kind, UTCDateTime | DateTime):
        return datetime.fromisoformat(value)
    if isinstance(kind, Date):
        return date.fromisoformat(value)
    if isinstance(kind, Numeric):
        return Decimal(value)
    return value


def _move_sequences(session: Session, backed_up: Iterable[Table]) -> None:
    """PostgreSQL: the next id of each table comes after the highest restored one (SQLite
    takes max(rowid) + 1 by itself)."""
    if session.get_bind().dialect.name != "postgresql":
        return
    for table in backed_up:
        keys = list(table.primary_key.columns)
        if len(keys) != 1 or not keys[0].autoincrement or keys[0].type.python_type is not int:
            continue
        session.execute(
            text(f"SELECT setval(pg_get_serial_sequence(:table, :column), COALESCE((SELECT max({keys[0].name}) FROM {table.name}), 0) + 1, false)"),
            {"table": table.name, "column": keys[0].name},
        )
