"""The files an export is written as: xlsx that behaves in a spreadsheet, and CSV that
Excel opens in Chinese.

xlsx: real date, date-time and number cells; the header row frozen and filtered; each
column as wide as its longest line (a Chinese character counts as two). CSV: UTF-8 with a
byte-order mark (without it Excel reads UTF-8 as the local code page and Chinese turns
to mojibake), ISO 8601 dates, moments with their UTC offset.

Text a user wrote must never run in a spreadsheet (CSV and formula injection, OWASP): a
text cell starting with `=`, `+`, `-`, `@`, tab or carriage return is written to CSV with
a leading `'`, and in xlsx every text cell is a string cell (never a formula; those risky
ones also carry Excel's quote prefix).
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

# A cell starting with one of these is read as a formula by Excel, LibreOffice or Sheets.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
MIN_WIDTH, MAX_WIDTH = 6, 60  # in Excel's character widths
DATE_FORMAT, MOMENT_FORMAT = "yyyy-mm-dd", "yyyy-mm-dd hh:mm"


def safe_text(value: str) -> str:
    """OWASP's rule for CSV: text a spreadsheet would take for a formula gets a leading `'`."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


# --- xlsx ----------------------------------------------------------------------------------


def xlsx_bytes(title: str, columns: Sequence[str], rows: list[list[Any]], zone: ZoneInfo) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title)
    # Written before the first row: a write-only sheet streams its columns and panes first.
    for index, width in enumerate(column_widths(columns, rows), 1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    sheet.append([_xlsx_cell(WriteOnlyCell(sheet), name, zone) for name in columns])
    for row in rows:
        sheet.append([_xlsx_cell(WriteOnlyCell(sheet), value, zone) for value in row])
    if columns:
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{len(rows) + 1}"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def column_widths(columns: Sequence[str], rows: list[list[Any]]) -> list[float]:
    """Each column wide enough for its header (and the filter's arrow) and its longest line."""
    widths = [display_width(name) + 3 for name in columns]
    for row in rows:
        for index, value in enumerate(row[: len(widths)]):
            widths[index] = max(widths[index], _value_width(value))
    return [float(min(MAX_WIDTH, max(MIN_WIDTH, w + 1))) for w in widths]


def display_width(text: str) -> int:
    """How many columns `text` takes in a spreadsheet: wide (CJK) characters count two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _value_width(value: Any) -> int:
    if value is None:
        return 0
    if isinstance(value, datetime):
        return len(MOMENT_FORMAT)
    if isinstance(value, date):
        return len(DATE_FORMAT)
    if isinstance(value, Decimal):
        return len(format(value.normalize(), "f"))
    return max((display_width(line) for line in str(value).splitlines()), default=0)


def _xlsx_cell(cell: Any, value: Any, zone: ZoneInfo) -> Any:
    if value is None:
        return cell
    if isinstance(value, datetime):
        cell.value = value.astimezone(zone).replace(tzinfo=None) if value.tzinfo else value
        cell.number_format = MOMENT_FORMAT
    elif isinstance(value, date):
        cell.value = value
        cell.number_format = DATE_FORMAT
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


# --- CSV -----------------------------------------------------------------------------------


def csv_bytes(columns: Sequence[str], rows: list[list[Any]]) -> bytes:
    """CSV as UTF-8 with a byte-order mark, which Excel needs to read Chinese."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    writer.writerows([_csv_cell(v) for v in row] for row in rows)
    return out.getvalue().encode("utf-8-sig")


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
