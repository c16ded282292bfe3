"""Scenario data written once per database, then copied into each test that starts from it.

Loading a scenario through the real services (the team YAML, the demo seed) costs tens to
hundreds of milliseconds, and hundreds of tests start from the same few. The first test on
each backend runs the loader as before; the rows it wrote (and PostgreSQL's sequence
positions) are then read back and kept in memory, and later tests that start from an empty
database get the same rows inserted into their own transaction instead. A test that
already wrote something before asking for the scenario gets the loader itself.

Nothing is kept between runs, so a change to a loader or to the services behind it shows
on the next run. tests/unit/test_snapshots.py checks that a copy is, row for row, what the
loader writes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import insert, literal, or_, select, text
from sqlalchemy.orm import Session

from storage.models import Base

T = TypeVar("T")
Rows = dict[str, list[dict[str, Any]]]


@dataclass(frozen=True)
class Snapshot:
    result: Any  # what the loader returned: plain data only (an id), never a row
    rows: Rows
    sequences: dict[str, int | None]  # PostgreSQL: last value handed out (None: none yet)


_taken: dict[tuple[str, str], Snapshot] = {}


def load(session: Session, name: str, loader: Callable[[Session], T]) -> T:
    """What `loader(session)` writes and returns, copied from its first run on this database
    when the database is empty, as it was then."""
    if not is_empty(session):
        return loader(session)
    key = (_database_key(session), name)
    taken = _taken.get(key)
    if taken is not None:
        restore(session, taken)
        return taken.result
    result = loader(session)
    if not isinstance(result, int | str | None):
        raise TypeError(f"scenario {name!r}: only plain results can be copied, not {type(result).__name__}")
    session.flush()
    _taken[key] = Snapshot(result, dump(session), sequences(session))
    return result


def is_empty(session: Session) -> bool:
    """No row in any table (one query)."""
    anything = or_(*(select(literal(1)).select_from(table).exists() for table in Base.metadata.sorted_tables))
    return not session.scalar(select(anything))


def dump(session: Session) -> Rows:
    """Every row of every table, by primary key."""
    session.flush()
    return {
        table.name: [dict(row) for row in session.execute(select(table).order_by(*table.primary_key.columns)).mappings()]
        for table in Base.metadata.sorted_tables
    }


def restore(session: Session, snapshot: Snapshot) -> None:
    for table in Base.metadata.sorted_tables:
        rows = snapshot.rows[table.name]
        if not rows:
            continue
        if any(fk.column.table is table for fk in table.foreign_keys):
            # Rows pointing at each other (a member's backup): one statement, whose foreign
            # keys both databases check at its end.
            session.execute(insert(table).values(rows))
        else:
            session.execute(insert(table), rows)
    if snapshot.sequences:  # PostgreSQL: every sequence where the loader left it, in one query
        calls = ", ".join(
            f"setval(CAST(:s{i} AS regclass), {f':v{i}, true' if last is not None else '1, false'})"
            for i, last in enumerate(snapshot.sequences.values())
        )
        params: dict[str, str | int] = {f"s{i}": name for i, name in enumerate(snapshot.sequences)}
        params |= {f"v{i}": last for i, last in enumerate(snapshot.sequences.values()) if last is not None}
        session.execute(text(f"SELECT {calls}"), params)


def sequences(session: Session) -> dict[str, int | None]:
    if session.get_bind().dialect.name != "postgresql":
        return {}  # SQLite hands out max(rowid) + 1 by itself
    rows = session.execute(text("SELECT quote_ident(sequencename), last_value FROM pg_sequences WHERE schemaname = current_schema()"))
    return {name: last for name, last in rows}


def _database_key(session: Session) -> str:
    return session.get_bind().engine.url.render_as_string(hide_password=False)
