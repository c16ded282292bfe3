"""Reading the dates and times people type in commands, in English or Chinese.

Everything is relative to `today`, passed in by the caller (the team's local date), so
"明天" means the same thing in a test as on the server at 23:59 UTC.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from datetime import date, time, timedelta
from enum import Enum
from typing import Literal

_WEEKDAYS_EN = {
    "monday": 0, "mon": 0,
    "tuesday": 1, "tue": 1, "tues": 1,
    "wednesday": 2, "wed": 2,
    "thursday": 3, "thu": 3, "thur": 3, "thurs": 3,
    "friday": 4, "fri": 4,
    "saturday": 5, "sat": 5,
    "sunday": 6, "sun": 6,
}  # fmt: skip
_WEEKDAYS_ZH = {
    "一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6,
    "1": 0, "2": 1, "3": 2, "4": 3, "5": 4, "6": 5, "7": 6,
}  # fmt: skip
_RELATIVE_DAYS = {
    "today": 0, "tomorrow": 1, "yesterday": -1,
    "今天": 0, "今日": 0, "明天": 1, "明日": 1, "后天": 2, "昨天": -1, "前天": -2,
}  # fmt: skip
_CN_DIGITS = dict(zip("零一二三四五六七八九", range(10), strict=True)) | {"两": 2}

_ISO_LIKE = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})")
_MONTH_DAY = re.compile(r"(\d{1,2})[-/](\d{1,2})")
_ZH_MONTH_DAY = re.compile(r"(?:(\d{4})年)?(\d{1,2})月(\d{1,2})[日号]?")
_EN_WEEKDAY = re.compile(r"(?:(next|this) )?([a-z]+)")
_ZH_WEEKDAY = re.compile(r"(下个?|本|这个?)?(?:周|星期|礼拜)([一二三四五六日天1-7])")
_IN_DAYS_EN = re.compile(r"in (\d+) days?")
_DAYS_LATER_ZH = re.compile(r"([\d零一二两三四五六七八九十]+)天(?:之?后|以后)")

_CLOCK = re.compile(r"(\d{1,2}):(\d{2})")
_CLOCK_AMPM = re.compile(r"(\d{1,2})(?::(\d{2}))?(am|pm|a\.m\.|p\.m\.)")
_ZH_PERIOD = r"(上午|早上|早晨|凌晨|中午|下午|傍晚|晚上)?"
_ZH_NUMBER = r"([\d零一二两三四五六七八九十]+)"
_ZH_CLOCK = re.compile(_ZH_PERIOD + _ZH_NUMBER + r"[点时](?:(半)|" + _ZH_NUMBER + r"分?)?")
_ZH_PERIOD_COLON = re.compile(_ZH_PERIOD + r"(\d{1,2}):(\d{2})")
_AFTERNOON_ZH = {"下午", "傍晚", "晚上"}


def parse_date(text: str, today: date) -> date | None:
    """The date `text` names, relative to `today`; None if it is not a date we understand.

    Weekday rules: a bare weekday (`fri`, `周五`) is the next such day on or after today;
    `next fri` / `下周五` is that day in the following Mon–Sun week; `this fri` / `本周五` /
    `这周五` is that day in the current week, even if it has passed.
    """
    return _parse(text, today, _on_or_after)


def parse_past_date(text: str, today: date) -> date | None:
    """Like `parse_date`, for a day that has already happened (the date of a visit): a bare
    weekday (`mon`, `周一`) is the most recent such day on or before today. Every other form
    means what it means in `parse_date`, so the answer may still lie in the future
    (`tomorrow`, `next fri`): the caller decides whether that is allowed.
    """
    return _parse(text, today, _on_or_before)


def _parse(text: str, today: date, bare_weekday: Callable[[date, int], date]) -> date | None:
    spaced = _normalize(text)
    if not spaced:
        return None
    compact = spaced.replace(" ", "")  # Chinese and numeric forms tolerate stray spaces
    if compact in _RELATIVE_DAYS:
        return today + timedelta(days=_RELATIVE_DAYS[compact])
    found = _parse_numeric(compact, today)
    if found is _NO_MATCH:
        found = _parse_zh(compact, today, bare_weekday)
    if found is not _NO_MATCH:
        return found
    return _parse_en(spaced, today, bare_weekday)


def parse_time(text: str) -> time | None:
    """`9:30`, `14:00`, `3pm`, `3:30 pm`, `下午3点`, `9点半`, `下午三点十五分` → time; else None."""
    compact = _normalize(text).replace(" ", "")
    if match := _CLOCK.fullmatch(compact):
        return _make_time(int(match[1]), int(match[2]))
    if match := _CLOCK_AMPM.fullmatch(compact):
        hour, minute = int(match[1]), int(match[2] or 0)
        if not 1 <= hour <= 12:
            return None
        return _make_time(hour % 12 + (12 if match[3].startswith("p") else 0), minute)
    if match := _ZH_PERIOD_COLON.fullmatch(compact):
        return _zh_time(match[1], int(match[2]), int(match[3]))
    if match := _ZH_CLOCK.fullmatch(compact):
        zh_hour = _small_number(match[2])
        zh_minute = 30 if match[3] else _small_number(match[4]) if match[4] else 0
        if zh_hour is None or zh_minute is None:
            return None
        return _zh_time(match[1], zh_hour, zh_minute)
    return None


# -- dates ----------------------------------------------------------------------------

# Distinguishes "this parser does not recognise the form" from "recognised, but invalid"
# (e.g. 2026-02-30), which must not fall through to another parser.
class _NoMatch(Enum):
    NO_MATCH = "no match"


_NO_MATCH = _NoMatch.NO_MATCH
_Parsed = date | None | Literal[_NoMatch.NO_MATCH]


def _parse_numeric(compact: str, today: date) -> _Parsed:
    if match := _ISO_LIKE.fullmatch(compact):
        return _make_date(int(match[1]), int(match[2]), int(match[3]))
    if match := _MONTH_DAY.fullmatch(compact):
        return _make_date(today.year, int(match[1]), int(match[2]))
    return _NO_MATCH


def _parse_zh(compact: str, today: date, bare_weekday: Callable[[date, int], date]) -> _Parsed:
    if match := _ZH_MONTH_DAY.fullmatch(compact):
        year = int(match[1]) if match[1] else today.year
        return _make_date(year, int(match[2]), int(match[3]))
    if match := _ZH_WEEKDAY.fullmatch(compact):
        weekday = _WEEKDAYS_ZH[match[2]]
        if not match[1]:
            return bare_weekday(today, weekday)
        if match[1].startswith("下"):
            return _in_next_week(today, weekday)
        return _in_this_week(today, weekday)
    if match := _DAYS_LATER_ZH.fullmatch(compact):
        days = _small_number(match[1])
        return None if days is None else today + timedelta(days=days)
    return _NO_MATCH


def _parse_en(spaced: str, today: date, bare_weekday: Callable[[date, int], date]) -> date | None:
    if match := _IN_DAYS_EN.fullmatch(spaced):
        return today + timedelta(days=int(match[1]))
    if match := _EN_WEEKDAY.fullmatch(spaced):
        weekday = _WEEKDAYS_EN.get(match[2])
        if weekday is None:
            return None
        if match[1] == "next":
            return _in_next_week(today, weekday)
        if match[1] == "this":
            return _in_this_week(today, weekday)
        return bare_weekday(today, weekday)
    return None


def _on_or_after(today: date, weekday: int) -> date:
    return today + timedelta(days=(weekday - today.weekday()) % 7)


def _on_or_before(today: date, weekday: int) -> date:
    return today - timedelta(days=(today.weekday() - weekday) % 7)


def _in_this_week(today: date, weekday: int) -> date:
    return today + timedelta(days=weekday - today.weekday())


def _in_next_week(today: date, weekday: int) -> date:
    return _in_this_week(today, weekday) + timedelta(days=7)


def _make_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


# -- times ----------------------------------------------------------------------------


def _zh_time(period: str | None, hour: int, minute: int) -> time | None:
    # 下午3点 is 15:00 and 中午1点 is 13:00, but 中午12点 is noon and 下午15点 already 15:00.
    afternoon = period in _AFTERNOON_ZH or (period == "中午" and hour < 6)
    if afternoon and hour < 12:
        hour += 12
    elif period == "凌晨" and hour == 12:
        hour = 0
    return _make_time(hour, minute)


def _make_time(hour: int, minute: int) -> time | None:
    if 0 <= hour <= 23 and 0 <= minute <= 59:
        return time(hour, minute)
    return None


# -- text -----------------------------------------------------------------------------


def _normalize(text: str | None) -> str:
    # NFKC turns full-width digits, letters, colons, slashes and the ideographic space
    # into their ASCII forms, so "２０２６／１２／１" reads like "2026/12/1".
    folded = unicodedata.normalize("NFKC", text or "").lower()
    return " ".join(folded.split())


def _small_number(token: str) -> int | None:
    """Arabic digits or a Chinese numeral below 100 (三, 十五, 二十三) → int."""
    if token.isdigit():
        return int(token)
    if "十" in token:
        tens, _, units = token.partition("十")
        if "十" in units:
            return None
        tens_value = _CN_DIGITS.get(tens) if tens else 1
        units_value = _CN_DIGITS.get(units) if units else 0
        if tens_value is None or units_value is None:
            return None
        return tens_value * 10 + units_value
    if len(token) == 1 and token in _CN_DIGITS:
        return _CN_DIGITS[token]
    return None
