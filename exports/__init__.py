"""Data out (`bot.py export …`): one row per record, a header row, UTF-8, CSV or xlsx.

Each capability registers an exporter: a function `(session, since) -> rows`, with
the SPEC §7 column names as its header.

Exports are opened in spreadsheets, so text a user wrote must never run there (CSV and
formula injection, OWASP): a text cell starting with `=`, `+`, `-`, `@`, tab or carriage
return is written to CSV with a leading `'`, and in xlsx every text cell is a string cell
(never a formula; those risky ones also carry Excel's quote prefix). Numbers stay numbers;
in xlsx dates are date cells and moments are date-time cells in the team's time zone
(CSV keeps ISO 8601: dates, and moments in UTC).
"""

from __future__ import annotations

import csv
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, TextIO
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.db import Database
from storage.models import Team

# A cell starting with one of these is read as a formula by Excel, LibreOffice or Sheets.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


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
        rows = [list(row) for row in exporter.rows(session, since_date)]
        zone = team_zone(session)
    columns = [header(kind, column) for column in exporter.columns] if header else list(exporter.columns)
    if fmt == "xlsx":
        assert output, "an xlsx export needs a file (bot.py refuses it without --output)"
        write_xlsx(output, kind, columns, rows, zone)
        return len(rows)
    if output:
        with open(output, "w", newline="", encoding="utf-8") as handle:
            _write_csv(handle, columns, rows)
    else:
        _write_csv(sys.stdout, columns, rows)
    return len(rows)


def team_zone(session: Session) -> ZoneInfo:
    """The team's time zone (the first team's, when one database holds several)."""
    name = session.scalar(select(Team.timezone).order_by(Team.id).limit(1))
    return ZoneInfo(name or "UTC")


def safe_text(value: str) -> str:
    """OWASP's rule for CSV: text a spreadsheet would take for a formula gets a leading `'`."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def write_xlsx(output: str, title: str, columns: Sequence[str], rows: list[list[Any]], zone: ZoneInfo) -> None:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title)
    sheet.append([_xlsx_cell(WriteOnlyCell(sheet), name, zone) for name in columns])
    for row in rows:
        sheet.append([_xlsx_cell(WriteOnlyCell(sheet), value, zone) for value in row])
    book.save(output)


def _xlsx_cell(cell: Any, value: Any, zone: ZoneInfo) -> Any:
    if value is None:
        return cell
    if isinstance(value, datetime):
        cell.value = value.astimezone(zone).replace(tzinfo=None) if value.tzinfo else value
        cell.number_format = "yyyy-mm-dd hh:mm"
    elif isinstance(value, date):
        cell.value = value
        cell.number_format = "yyyy-mm-dd"
    elif isinstance(value, Decimal):
        cell.value = int(value) if value == value.to_integral_value() else float(value)
    elif isinstance(value, bool | int | float):
        cell.value = value
    else:
        text = str(value)
        cell.value = text
        cell.data_type = "s"  # openpyxl makes "=…" a formula: text stays text
        if text.startswith(FORMULA_STARTS):
            cell.quotePrefix = True  # and Excel keeps it text when the cell is edited
    return cell


def _write_csv(handle: TextIO, columns: Sequence[str], rows: list[list[Any]]) -> None:
    writer = csv.writer(handle)
    writer.writerow(columns)
    writer.writerows([_csv_cell(v) for v in row] for row in rows)


def _csv_cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")  # 20, 12000.5: never 2E+1
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, str):
        return safe_text(value)
    return value
