"""Data out (`bot.py export …`): one row per record, a header row, UTF-8, CSV or xlsx.

Each capability registers an exporter: a function `(session, since) -> rows`, with
the SPEC §7 column names as its header.
"""

from __future__ import annotations

import csv
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TextIO
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.db import Database


class ExportError(Exception):
    def __init__(self, code: str, value: str = "") -> None:
        super().__init__(code)
        self.code = code
        self.value = value


@dataclass(frozen=True)
class Exporter:
    columns: Sequence[str]
    rows: Callable[[Session, date | None], Iterable[Sequence[Any]]]


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
        from storage.models import Team

        self._zones = {team_id: ZoneInfo(tz) for team_id, tz in session.execute(select(Team.id, Team.timezone))}

    def local(self, team_id: int, moment: datetime | None) -> datetime | None:
        if moment is None:
            return None
        zone = self._zones.get(team_id)
        return moment.astimezone(zone) if zone else moment


def write_export(
    database: Database,
    kind: str,
    *,
    since: str | None,
    fmt: str,
    output: str | None,
    header: Callable[[str, str], str] | None = None,
) -> int:
    """`header(kind, column)` names the columns in the reader's language (`--lang zh`);
    without it they are the SPEC §7 keys a CRM import expects."""
    load_exporters()
    exporter = EXPORTERS.get(kind)
    if exporter is None:
        raise ExportError("unavailable", kind)
    since_date = None
    if since:
        try:
            since_date = date.fromisoformat(since)
        except ValueError:
            raise ExportError("bad_since", since) from None
    with database.session_scope() as session:
        rows = [[_cell(v) for v in row] for row in exporter.rows(session, since_date)]
    columns = [header(kind, column) for column in exporter.columns] if header else list(exporter.columns)
    if fmt == "xlsx":
        from openpyxl import Workbook

        assert output, "an xlsx export needs a file (bot.py refuses it without --output)"
        book = Workbook(write_only=True)
        sheet = book.create_sheet(kind)
        sheet.append(columns)
        for row in rows:
            sheet.append(row)
        book.save(output)
        return len(rows)
    if output:
        with open(output, "w", newline="", encoding="utf-8") as handle:
            _write_csv(handle, columns, rows)
    else:
        _write_csv(sys.stdout, columns, rows)
    return len(rows)


def _write_csv(handle: TextIO, columns: Sequence[str], rows: list[list[Any]]) -> None:
    writer = csv.writer(handle)
    writer.writerow(columns)
    writer.writerows(rows)


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value
