"""Data out (`bot.py export …`): one row per record, a header row, UTF-8, CSV or xlsx.

Each capability registers an exporter: a function `(session, since) -> rows`, with
the SPEC §7 column names as its header.
"""

from __future__ import annotations

import csv
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, TextIO

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


def write_export(database: Database, kind: str, *, since: str | None, fmt: str, output: str | None) -> int:
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
    if fmt == "xlsx":
        from openpyxl import Workbook

        assert output, "an xlsx export needs a file (bot.py refuses it without --output)"
        book = Workbook(write_only=True)
        sheet = book.create_sheet(kind)
        sheet.append(list(exporter.columns))
        for row in rows:
            sheet.append(row)
        book.save(output)
        return len(rows)
    if output:
        with open(output, "w", newline="", encoding="utf-8") as handle:
            _write_csv(handle, exporter.columns, rows)
    else:
        _write_csv(sys.stdout, exporter.columns, rows)
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
