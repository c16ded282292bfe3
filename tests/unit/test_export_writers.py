"""The files exports are written as: column widths that fit Chinese, CSV that Excel reads."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from exports.writers import column_widths, csv_bytes, display_width


@pytest.mark.parametrize(("text", "width"), [("Acme", 4), ("华东制造集团", 12), ("A组 SIM", 7), ("（全角）", 8), ("", 0)])
def test_a_chinese_character_takes_two_columns(text, width):
    assert display_width(text) == width


def test_column_widths_fit_the_longest_line():
    widths = column_widths(["customer", "notes"], [["华东制造集团", "short\na much longer second line"], ["Acme", None]])
    assert widths == [13.0, 26.0]  # 12 columns of Chinese + 1; the longest line + 1


def test_dates_numbers_and_very_long_text_get_sensible_widths():
    widths = column_widths(["d", "t", "n", "x"], [[date(2026, 1, 1), datetime(2026, 1, 1, tzinfo=UTC), Decimal("12000.50"), "x" * 500]])
    assert widths == [11.0, 17.0, 8.0, 60.0]  # yyyy-mm-dd, yyyy-mm-dd hh:mm, 12000.5, capped


def test_csv_is_utf8_with_a_byte_order_mark():
    data = csv_bytes(["customer", "due"], [["华东制造集团", date(2026, 11, 20)], ["=cmd", None]])
    assert data.startswith(b"\xef\xbb\xbf")
    assert data.decode("utf-8-sig").splitlines() == ["customer,due", "华东制造集团,2026-11-20", "'=cmd,"]
