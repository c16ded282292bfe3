"""Data out (`bot.py export …`, `/digest export`): one row per record, a header row, CSV or xlsx.

Each capability registers an exporter: a function `(session, selection) -> rows`, with
the SPEC §7 column names as its header. A `Selection` says which days (`--since`,
`--until`, both read by domain.dates) and, for a manager's export in Slack, which team.

Exports are opened in spreadsheets, so text a user wrote must never run there (CSV and
formula injection, OWASP): see `exports.writers`. Numbers stay numbers; in xlsx dates are
date cells and moments are date-time cells in the team's time zone (CSV keeps ISO 8601).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from core import clock
from domain.dates import LAST, DateError, read_day
from exports.writers import FORMULA_STARTS, csv_bytes, safe_text, xlsx_bytes
from storage.db import Database
from storage.models import Team

__all__ = [
    "EXPORTERS", "FORMULA_STARTS", "ExportError", "Exporter", "Header", "Selection", "TeamZones", "export_file",
    "first_team", "load_exporters", "read_selection", "register", "safe_text", "team_language", "write_export",
]  # fmt: skip

# The column header in the reader's language: `header(kind, column)`.
Header = Callable[[str, str], str]


class ExportError(Exception):
    def __init__(self, code: str, value: str = "", refusal: DateError | None = None) -> None:
        super().__init__(code)
        self.code = code
        self.value = value
        self.refusal = refusal  # a date read but unusable (`dates.too_far` …)


@dataclass(frozen=True)
class Selection:
    """Which rows: days from `since` to `until` (both included, either open), one team or all."""

    since: date | None = None
    until: date | None = None
    team_id: int | None = None

    def holds(self, day: date | None) -> bool:
        if day is None:
            return self.since is None and self.until is None
        return (self.since is None or day >= self.since) and (self.until is None or day <= self.until)


@dataclass(frozen=True)
class Exporter:
    columns: Sequence[str]
    rows: Callable[[Session, Selection], Iterable[Sequence[Any]]]


EXPORTERS: dict[str, Exporter] = {}


def register(kind: str, exporter: Exporter) -> None:
    EXPORTERS[kind] = exporter


def load_exporters() -> None:
    import importlib
    import pkgutil

    import exports

    for info in pkgutil.iter_modules(exports.__path__):
        importlib.import_module(f"exports.{info.name}")


class TeamZones:
    """Each team's time zone, read once per export: a time is written with its team's UTC
    offset (`2026-12-03T10:00:00+08:00`), so a spreadsheet shows the hour people saw."""

    def __init__(self, session: Session) -> None:
        self._zones = {team_id: ZoneInfo(tz) for team_id, tz in session.execute(select(Team.id, Team.timezone))}

    def local(self, team_id: int, moment: datetime | None) -> datetime | None:
        if moment is None:
            return None
        zone = self._zones.get(team_id)
        return moment.astimezone(zone) if zone else moment


def first_team(session: Session) -> Team | None:
    """The team an operator's export speaks for (the first, when one database holds several)."""
    return session.scalar(select(Team).order_by(Team.id).limit(1))


def team_language(database: Database) -> str | None:
    """The team's language: the default of an xlsx export's headers."""
    with database.session_scope() as session:
        team = first_team(session)
        return team.language if team else None


def read_selection(session: Session, since: str | None, until: str | None) -> Selection:
    """`--since` / `--until` as people type dates (`2026-11-01`, `上周一`, `yesterday`),
    relative to today in the team's time zone; a range that ends before it starts is refused."""
    team = first_team(session)
    today = clock.now().astimezone(ZoneInfo(team.timezone if team else "UTC")).date()
    start = _read_bound(since, "bad_since", today)
    end = _read_bound(until, "bad_until", today)
    if start and end and end < start:
        raise ExportError("until_before_since", f"{start.isoformat()} – {end.isoformat()}")
    return Selection(start, end)


def _read_bound(text: str | None, code: str, today: date) -> date | None:
    if not text:
        return None
    try:
        day = read_day(text, today, LAST)
    except DateError as error:
        raise ExportError(code, text, error) from None
    if day is None:
        raise ExportError(code, text)
    return day


def write_export(
    database: Database,
    kind: str,
    *,
    since: str | None,
    until: str | None = None,
    fmt: str,
    output: str | None,
    header: Header | None = None,
) -> int:
    """`header(kind, column)` names the columns in the reader's language (`--lang zh`);
    without it they are the SPEC §7 keys a CRM import expects."""
    load_exporters()
    if kind not in EXPORTERS:
        raise ExportError("unavailable", kind)
    with database.session_scope() as session:
        selection = read_selection(session, since, until)
        data, count = export_file(session, kind, selection, fmt, header)
    if output:
        with open(output, "wb") as handle:
            handle.write(data)
    else:  # standard output is read by scripts: plain UTF-8, no byte-order mark
        sys.stdout.write(data.decode("utf-8-sig"))
    return count


def export_file(session: Session, kind: str, selection: Selection, fmt: str, header: Header | None = None) -> tuple[bytes, int]:
    """The file's bytes (xlsx, or CSV as UTF-8 with a byte-order mark) and its row count."""
    load_exporters()
    exporter = EXPORTERS.get(kind)
    if exporter is None:
        raise ExportError("unavailable", kind)
    rows = [list(row) for row in exporter.rows(session, selection)]
    columns = [header(kind, column) for column in exporter.columns] if header else list(exporter.columns)
    if fmt == "xlsx":
        team = session.get(Team, selection.team_id) if selection.team_id else first_team(session)
        return xlsx_bytes(kind, columns, rows, ZoneInfo(team.timezone if team else "UTC")), len(rows)
    return csv_bytes(columns, rows), len(rows)
