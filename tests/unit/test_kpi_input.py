"""Reading KPI values as people type them, week keys and leave dates (pure functions)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from domain.kpi_input import (
    iso_week_key,
    leave_dates,
    local_today,
    month_key,
    parse_amount,
    week_bounds,
)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("12000", "12000"),
        ("12,000", "12000"),
        ("12，000", "12000"),
        ("¥12,000.50", "12000.50"),
        ("￥300", "300"),
        ("-500", "-500"),
        ("+3", "3"),
        ("1.2万", "12000"),
        ("1.5w", "15000"),
        ("8k", "8000"),
        ("3千", "3000"),
        ("１２０", "120"),  # full-width digits from a Chinese IME
        ("4.5", "4.5"),
    ],
)
def test_parse_amount(text, value):
    assert parse_amount(text) == Decimal(value)


@pytest.mark.parametrize("text", ["", None, "abc", "12.345", "1e5", "--3", "12 000", "NaN", "1" * 20])
def test_parse_amount_rejects(text):
    assert parse_amount(text) is None


def test_week_and_month_keys():
    assert iso_week_key(date(2026, 12, 7)) == "2026-W50"
    assert iso_week_key(date(2026, 12, 13)) == "2026-W50"  # Sunday ends the ISO week
    assert iso_week_key(date(2027, 1, 1)) == "2026-W53"  # ISO year differs from the calendar year
    assert month_key(date(2026, 3, 9)) == "2026-03"
    assert week_bounds(date(2026, 12, 9)) == (date(2026, 12, 7), date(2026, 12, 13))


def test_local_today_uses_the_team_time_zone():
    late_utc = datetime(2026, 12, 6, 17, 0, tzinfo=UTC)
    assert local_today(late_utc, "Asia/Shanghai") == date(2026, 12, 7)
    assert local_today(late_utc, "Europe/London") == date(2026, 12, 6)


def test_leave_dates_are_local_and_end_at_midnight():
    # 7–11 December in Shanghai: from 00:00 on the 7th to 00:00 on the 12th.
    window = (datetime(2026, 12, 6, 16, tzinfo=UTC), datetime(2026, 12, 11, 16, tzinfo=UTC))
    days = leave_dates([window], "Asia/Shanghai", date(2026, 12, 1), date(2026, 12, 31))
    assert days == {date(2026, 12, d) for d in range(7, 12)}


def test_leave_dates_are_clipped_to_the_period_and_merged():
    windows = [
        (datetime(2026, 11, 29, tzinfo=UTC), datetime(2026, 12, 2, 12, tzinfo=UTC)),  # ends mid-day: the 2nd counts
        (datetime(2026, 12, 2, tzinfo=UTC), datetime(2026, 12, 3, tzinfo=UTC)),
        (datetime(2026, 12, 20, tzinfo=UTC), datetime(2026, 12, 20, tzinfo=UTC)),  # empty window
    ]
    days = leave_dates(windows, "UTC", date(2026, 12, 1), date(2026, 12, 31))
    assert days == {date(2026, 12, 1), date(2026, 12, 2)}
