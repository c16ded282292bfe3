"""Reading KPI values and periods as people type them, and the calendar keys nudges use.

Pure functions: no Slack, no SQL. `today` and time zones are arguments.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

# 12000, 12,000, ¥12,000.50, -500, +3, 1.2万, 1.5w, 8k, 3千
_AMOUNT = re.compile(r"^([+-]?)[¥￥$]?(\d+(?:\.\d+)?)(万|w|k|千)?$")
_MULTIPLIERS = {None: Decimal(1), "万": Decimal(10000), "w": Decimal(10000), "k": Decimal(1000), "千": Decimal(1000)}
MAX_AMOUNT = Decimal("1e15")
_CENT = Decimal("0.01")


def parse_amount(text: str | None) -> Decimal | None:
    """`12,000`, `¥1.2万`, `-500`, `8k` → Decimal (to the cent); anything else → None."""
    if not text:
        return None
    cleaned = unicodedata.normalize("NFKC", text).strip().lower().replace(",", "").replace("，", "")
    # NFKC turns the full-width yen sign into ¥ and full-width digits into ASCII.
    match = _AMOUNT.match(cleaned)
    if not match:
        return None
    sign, digits, unit = match.groups()
    try:
        value = Decimal(digits) * _MULTIPLIERS[unit]
    except InvalidOperation:
        return None
    if value >= MAX_AMOUNT or value != value.quantize(_CENT):
        return None  # more precision than a cent is a typo, not a KPI
    value = value.quantize(_CENT)
    return -value if sign == "-" else value


def iso_week_key(day: date) -> str:
    """`2026-W50`: the outbox period of a weekly nudge (ISO weeks start on Monday)."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def month_key(day: date) -> str:
    return f"{day.year}-{day.month:02d}"


def week_bounds(day: date) -> tuple[date, date]:
    """Monday and Sunday of the ISO week containing `day`."""
    monday = day - timedelta(days=day.weekday())
    return monday, monday + timedelta(days=6)


def local_today(now: datetime, tz: str) -> date:
    return now.astimezone(ZoneInfo(tz)).date()


def leave_dates(windows: Iterable[tuple[datetime, datetime]], tz: str, first: date, last: date) -> frozenset[date]:
    """Local dates in first..last touched by any leave window [start, end).

    A window ending exactly at midnight does not take the next day: `/handover` for
    7–11 December ends at 00:00 on the 12th.
    """
    zone = ZoneInfo(tz)
    days: set[date] = set()
    for starts_at, ends_at in windows:
        if ends_at <= starts_at:
            continue
        day = max(starts_at.astimezone(zone).date(), first)
        end = min((ends_at.astimezone(zone) - timedelta(microseconds=1)).date(), last)
        while day <= end:
            days.add(day)
            day += timedelta(days=1)
    return frozenset(days)
