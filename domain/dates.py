"""Reading the dates and times people type, in English or Chinese, the way they say them.

Everything is relative to `today`, passed in by the caller (the team's local date), so
"明天" means the same thing in a test as on the server at 23:59 UTC.

Three rules make a typed date safe to store:

* **Direction from context.** A date written without its year (`1月5日`, `Nov 28`, `12/8`),
  a day of the month alone (`8号`), `月初` / `月底` and a bare weekday (`周五`, `fri`) mean
  the next such day when the caller reads a due date, a leave window or a planned visit
  (`NEXT`), and the most recent one when it reads the date of a visit that happened
  (`LAST`). Forms that say which day they mean (`下周五`, `last fri`, `2027-01-05`, `明天`)
  mean that day whatever the direction.
* **Confirm, don't guess.** A guessed year that puts the day more than ~10 months away
  (`FAR_DAYS`) is refused with the date it would have been, so the person writes the year.
* **Refuse, never reinterpret.** An impossible day (`2月30日`), a range that ends before it
  starts: `DateError`, naming what was read. `None` means "this is not a date at all", so
  a caller can try another reading (a follow-up's text, a reason).

Why not `dateparser` (README, "Why these libraries"): importing it and its first call
cost ~0.28 s in every process that logs a visit, and its lenient guesses (`"2"` → 3
February, `"the 8th"` → 3 August, `"Dec 8-10"` → the year 2110, `"Feb 29"` → 2028) are
exactly the silent reinterpretations this module exists to refuse; ranges, `月底` and the
direction from context would still be ours. The English forms people type in a Slack
command are few; they are listed below with the Chinese ones (tests/unit/test_dates.py).
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, time, timedelta
from enum import Enum
from typing import Any

from domain.refusal import Refusal

FAR_DAYS = 300  # ~10 months: a guessed year further than this is confirmed, not assumed


class Direction(Enum):
    NEXT = "next"  # due dates, leave, planned visits: the next such day (today included)
    LAST = "last"  # the date of a visit that happened: the most recent such day


NEXT = Direction.NEXT
LAST = Direction.LAST


class DateError(Refusal, ValueError):
    """A date that was read but cannot be used. `code`:

    * `impossible`: `text` names no real day (`read` is what it would have been, e.g. 2027-02-30)
    * `too_far`: the year was guessed and puts `day` more than FAR_DAYS away
    * `end_before_start`: a range `text` whose `end` is before its `start`
    """

    def __init__(self, code: str, text: str, **params: Any) -> None:
        super().__init__("dates." + code, usage=True, text=text, **params)
        self.args = (f"{code}: {text} {params}",)


@dataclass(frozen=True)
class DateRange:
    start: date
    end: date


# -- words ------------------------------------------------------------------------------

_WEEKDAYS_EN = {
    "monday": 0, "mon": 0,
    "tuesday": 1, "tue": 1, "tues": 1,
    "wednesday": 2, "wed": 2,
    "thursday": 3, "thu": 3, "thur": 3, "thurs": 3,
    "friday": 4, "fri": 4,
    "saturday": 5, "sat": 5,
    "sunday": 6, "sun": 6,
}  # fmt: skip
_WEEKDAYS_ZH = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6, "末": 5}
_MONTH_NAMES_EN = (
    "january", "february", "march", "april", "may", "june",
    "july", "august", "september", "october", "november", "december",
)  # fmt: skip
_MONTHS_EN = {name: n for n, name in enumerate(_MONTH_NAMES_EN, 1)} | {
    name[:3]: n for n, name in enumerate(_MONTH_NAMES_EN, 1)
} | {"sept": 9}
_RELATIVE_DAYS = {
    "today": 0, "tomorrow": 1, "yesterday": -1, "tmr": 1,
    "day after tomorrow": 2, "the day after tomorrow": 2,
    "day before yesterday": -2, "the day before yesterday": -2,
    "今天": 0, "今日": 0, "明天": 1, "明日": 1, "后天": 2, "大后天": 3,
    "昨天": -1, "昨日": -1, "前天": -2, "大前天": -3,
}  # fmt: skip
_CN_DIGITS = dict(zip("零〇一二三四五六七八九", (0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9), strict=True)) | {"两": 2}

_N = r"([\d零〇一二两三四五六七八九十]{1,3})"  # a small number, Arabic or Chinese
_ZH_WEEK_PREFIX = r"(下下个?|上上个?|下个?|上个?|本|这个?)?"

# Chinese and numeric forms are read with spaces removed ("12月 8日" = "12月8日").
_ISO = re.compile(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})[日号]?")
_MONTH_DAY_NUM = re.compile(r"(\d{1,2})[/-](\d{1,2})")
_ZH_MONTH_DAY = re.compile(_N + r"月" + _N + r"[日号]?")
_ZH_MONTH_REL_DAY = re.compile(r"(本|这个?|下个?|上个?)月" + _N + r"[日号]")
_ZH_MONTH_EDGE = re.compile(r"(本|这个?|下个?|上个?)?月(底|末|初)")
_ZH_DAY_OF_MONTH = re.compile(_N + r"[日号]")
_ZH_WEEKDAY = re.compile(_ZH_WEEK_PREFIX + r"(?:周|星期|礼拜)([一二三四五六日天末1-7])")
_ZH_OFFSET = re.compile(_N + r"(?:个)?(天|日|周|星期|礼拜|月)(之后|以后|后|之前|以前|前)")
_BARE_DAY = re.compile(r"\d{1,2}|[零一二两三四五六七八九十]{1,3}")

# English forms keep single spaces.
_EN_MONTH_FIRST = re.compile(r"([a-z]+)\.? (\d{1,2})(?:st|nd|rd|th)?(?:,? (\d{4}))?")
_EN_DAY_FIRST = re.compile(r"(\d{1,2})(?:st|nd|rd|th)? (?:of )?([a-z]+)\.?(?:,? (\d{4}))?")
_EN_WEEKDAY = re.compile(r"(?:(next|this|last|coming) )?([a-z]+)")
_EN_IN = re.compile(r"in (\d{1,3}|a|an|one|two|three) (day|week|month)s?")
_EN_AGO = re.compile(r"(\d{1,3}|a|an|one|two|three) (day|week|month)s? ago")
_EN_MONTH_EDGE = re.compile(r"(end|start|beginning) of (?:the )?(this |next |last )?month")
_EN_SMALL = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3}

# A range: the two sides around one of these (tried at each place it occurs).
_RANGE_SEPARATOR = re.compile(r"\s*(?:\.\.|~|～|–|—|至|到|-)\s*|\s+(?:to|until|till|through|thru)\s+")


# -- reading one day --------------------------------------------------------------------


@dataclass(frozen=True)
class _Read:
    day: date
    guessed_year: bool = False  # month and day given, year chosen by direction
    anchored: bool = False  # a directional form (bare weekday, N号): a range end reads it from the start


def read_day(text: str, today: date, direction: Direction = NEXT) -> date | None:
    """The day `text` names, or None when it is not a date ambot reads.

    Raises DateError for a date that was read but is impossible or, with a guessed year,
    too far away."""
    with _naming(text):
        found = _read(text, today, direction)
        if found is None:
            return None
        _check_far(text, found, today)
        return found.day


def read_range(text: str, today: date, direction: Direction = NEXT) -> DateRange | None:
    """One day (start = end) or a range (`12月8日-12月10日`, `12月8日至10日`, `8-10号`,
    `Dec 8-10`, `Dec 8 to Dec 10`, `12月8日 到 下周三`, `2027-02-06..2027-02-12`).

    The end reads month and year from the start when it leaves them out (`至10日`), and a
    bare weekday or day of the month at the end is the first one on or after the start
    (`mon to fri`). An explicit end before the start is refused, never moved."""
    spaced = _normalize(text)
    if not spaced:
        return None
    with _naming(text):
        single = _read(spaced, today, direction)
        if single is not None:
            _check_far(text, single, today)
            return DateRange(single.day, single.day)
        for match in _RANGE_SEPARATOR.finditer(spaced):
            left, right = spaced[: match.start()].strip(), spaced[match.end() :].strip()
            if not left or not right:
                continue
            found = _read_pair(left, right, today, direction, text)
            if found is not None:
                return found
    return None


@contextmanager
def _naming(text: str) -> Iterator[None]:
    """A DateError names the whole text as the person typed it, not a normalised part."""
    try:
        yield
    except DateError as error:
        error.params["text"] = " ".join((text or "").split())
        raise


def read_range_end(text: str, start: date, today: date) -> date | None:
    """The end of a range typed apart from its start (`/handover 周一 周五`): the rules of
    `read_range` for its second half. The caller refuses an end before `start`."""
    if not _normalize(text):
        return None
    with _naming(text):
        found = _read_end(_normalize(text), start, today)
        return None if found is None else found.day


def parse_date(text: str, today: date) -> date | None:
    """`read_day` looking forward (due dates, leave, planned visits)."""
    return read_day(text, today, NEXT)


def parse_past_date(text: str, today: date) -> date | None:
    """`read_day` looking back (the date of a visit that happened). Explicit forms keep
    their meaning, so the answer may still lie in the future (`tomorrow`, `next fri`):
    the caller decides whether that is allowed."""
    return read_day(text, today, LAST)


def _check_far(text: str, found: _Read, today: date) -> None:
    if found.guessed_year and abs((found.day - today).days) > FAR_DAYS:
        raise DateError("too_far", text.strip(), day=found.day)


def _read_pair(left: str, right: str, today: date, direction: Direction, text: str) -> DateRange | None:
    start = _read(left, today, direction)
    if start is None:
        # `8-10号`, `8-10 dec`: a bare day before the separator takes the end's month.
        end_alone = _read(right, today, direction)
        if end_alone is None or not _BARE_DAY.fullmatch(left.replace(" ", "")):
            return None
        day = _small_number(left.replace(" ", ""))
        if day is None:
            return None
        start_day = _make_date(end_alone.day.year, end_alone.day.month, day, left)
        start, end = _Read(start_day, end_alone.guessed_year), end_alone
        _check_far(text, end_alone, today)
    else:
        _check_far(text, start, today)
        found_end = _read_end(right, start.day, today)
        if found_end is None:
            return None
        end = found_end
    if end.day < start.day:
        raise DateError("end_before_start", text.strip(), start=start.day, end=end.day)
    return DateRange(start.day, end.day)


def _read_end(right: str, start: date, today: date) -> _Read | None:
    compact = right.replace(" ", "")
    if _BARE_DAY.fullmatch(compact) or _ZH_DAY_OF_MONTH.fullmatch(compact):
        # `至10日`, `8-10`: the start's month and year.
        day = _small_number(compact.rstrip("日号"))
        if day is None:
            return None
        return _Read(_make_date(start.year, start.month, day, right))
    found = _read(right, today, NEXT)
    if found is None:
        return None
    if found.anchored:
        return _read(right, start, NEXT)  # `mon to fri`: the Friday after that Monday
    if found.guessed_year:
        # `12月28日-1月3日` crosses a new year; `12月10日-12月8日` is refused, not moved a year.
        year = start.year + (1 if found.day.month < start.month else 0)
        return _Read(_make_date(year, found.day.month, found.day.day, right))
    return found


def _read(text: str, today: date, direction: Direction) -> _Read | None:
    spaced = _normalize(text)
    if not spaced:
        return None
    compact = spaced.replace(" ", "")
    if spaced in _RELATIVE_DAYS or compact in _RELATIVE_DAYS:
        return _Read(today + timedelta(days=_RELATIVE_DAYS.get(spaced, _RELATIVE_DAYS.get(compact, 0))))
    return _read_numeric(compact, today, direction) or _read_zh(compact, today, direction) or _read_en(spaced, today, direction)


def _read_numeric(compact: str, today: date, direction: Direction) -> _Read | None:
    if match := _ISO.fullmatch(compact):
        return _Read(_make_date(int(match[1]), int(match[2]), int(match[3]), compact))
    if match := _MONTH_DAY_NUM.fullmatch(compact):
        return _yearless(int(match[1]), int(match[2]), today, direction, compact)
    return None


def _read_zh(compact: str, today: date, direction: Direction) -> _Read | None:
    if match := _ZH_MONTH_DAY.fullmatch(compact):
        month, day = _small_number(match[1]), _small_number(match[2])
        if month is None or day is None:
            return None
        return _yearless(month, day, today, direction, compact)
    if match := _ZH_MONTH_REL_DAY.fullmatch(compact):
        day = _small_number(match[2])
        if day is None:
            return None
        first = _month_shift(today, _month_offset(match[1]))
        return _Read(_make_date(first.year, first.month, day, compact))
    if match := _ZH_MONTH_EDGE.fullmatch(compact):
        end = match[2] in "底末"
        if match[1]:
            first = _month_shift(today, _month_offset(match[1]))
            return _Read(_month_end(first) if end else first)
        return _Read(_month_edge(today, end, direction), anchored=True)
    if match := _ZH_DAY_OF_MONTH.fullmatch(compact):
        day = _small_number(match[1])
        if day is None or not 1 <= day <= 31:
            return None
        return _Read(_day_of_month(today, day, direction, compact), anchored=True)
    if match := _ZH_WEEKDAY.fullmatch(compact):
        weekday = _WEEKDAYS_ZH.get(match[2])
        weekday = int(match[2]) - 1 if weekday is None else weekday
        return _weekday(today, weekday, _zh_week_shift(match[1]), direction)
    if match := _ZH_OFFSET.fullmatch(compact):
        count = _small_number(match[1])
        if count is None:
            return None
        sign = -1 if match[3].endswith("前") else 1
        return _Read(_offset(today, sign * count, match[2]))
    return None


def _read_en(spaced: str, today: date, direction: Direction) -> _Read | None:
    if match := _EN_IN.fullmatch(spaced):
        return _Read(_offset(today, _en_count(match[1]), match[2]))
    if match := _EN_AGO.fullmatch(spaced):
        return _Read(_offset(today, -_en_count(match[1]), match[2]))
    if match := _EN_MONTH_EDGE.fullmatch(spaced):
        end = match[1] == "end"
        which = (match[2] or "").strip()
        if which:
            first = _month_shift(today, {"this": 0, "next": 1, "last": -1}[which])
            return _Read(_month_end(first) if end else first)
        return _Read(_month_edge(today, end, direction), anchored=True)
    if (match := _EN_MONTH_FIRST.fullmatch(spaced)) and match[1] in _MONTHS_EN:
        return _en_month_day(_MONTHS_EN[match[1]], int(match[2]), match[3], today, direction, spaced)
    if (match := _EN_DAY_FIRST.fullmatch(spaced)) and match[2] in _MONTHS_EN:
        return _en_month_day(_MONTHS_EN[match[2]], int(match[1]), match[3], today, direction, spaced)
    if match := _EN_WEEKDAY.fullmatch(spaced):
        weekday = _WEEKDAYS_EN.get(match[2])
        if weekday is None:
            return None
        if match[1] == "last":  # `last fri`: the most recent Friday before today
            return _Read(today - timedelta(days=(today.weekday() - weekday - 1) % 7 + 1))
        shift = {"next": 1, "this": 0}.get(match[1] or "")
        return _weekday(today, weekday, shift, direction)
    return None


def _en_month_day(month: int, day: int, year: str | None, today: date, direction: Direction, text: str) -> _Read:
    if year:
        return _Read(_make_date(int(year), month, day, text))
    return _yearless(month, day, today, direction, text)


# -- rules ------------------------------------------------------------------------------


def _yearless(month: int, day: int, today: date, direction: Direction, text: str) -> _Read:
    """The next (or last) `month`/`day`; the year chosen is kept even when that day does
    not exist in it (`2月29日` in 2027 is impossible, not 2028)."""
    if not (1 <= month <= 12 and 1 <= day <= 31):
        raise DateError("impossible", text, read=f"{today.year:04d}-{month:02d}-{day:02d}")
    year = today.year
    if direction is NEXT and (month, day) < (today.month, today.day):
        year += 1
    elif direction is LAST and (month, day) > (today.month, today.day):
        year -= 1
    return _Read(_make_date(year, month, day, text), guessed_year=True)


def _day_of_month(today: date, day: int, direction: Direction, text: str) -> date:
    """`8号`: this month's 8th if it is still to come (or, looking back, has been), else
    the next (previous) month's."""
    first = today.replace(day=1)
    if direction is NEXT and day < today.day:
        first = _month_shift(today, 1)
    elif direction is LAST and day > today.day:
        first = _month_shift(today, -1)
    return _make_date(first.year, first.month, day, text)


def _month_edge(today: date, end: bool, direction: Direction) -> date:
    """`月底` / `月初` without 本/下/上: the next (or last) month end or first day."""
    if end:
        this_end = _month_end(today)
        if direction is NEXT or today == this_end:
            return this_end
        return today.replace(day=1) - timedelta(days=1)
    if direction is LAST or today.day == 1:
        return today.replace(day=1)
    return _month_shift(today, 1)


def _weekday(today: date, weekday: int, week_shift: int | None, direction: Direction) -> _Read:
    """A weekday with a week (`下周五`: week_shift 1, `本周五`: 0, `上周五`: -1) is that day
    of that Monday-to-Sunday week; a bare one (None) looks in `direction`."""
    if week_shift is None:
        if direction is NEXT:
            return _Read(today + timedelta(days=(weekday - today.weekday()) % 7), anchored=True)
        return _Read(today - timedelta(days=(today.weekday() - weekday) % 7), anchored=True)
    return _Read(today + timedelta(days=weekday - today.weekday() + 7 * week_shift))


def _zh_week_shift(prefix: str | None) -> int | None:
    if not prefix:
        return None
    if prefix.startswith("下下"):
        return 2
    if prefix.startswith("上上"):
        return -2
    return {"下": 1, "上": -1}.get(prefix[0], 0)


def _month_offset(prefix: str | None) -> int:
    return {"下": 1, "上": -1}.get((prefix or "本")[0], 0)


def _offset(today: date, count: int, unit: str) -> date:
    if unit in ("天", "日", "day"):
        return today + timedelta(days=count)
    if unit in ("周", "星期", "礼拜", "week"):
        return today + timedelta(weeks=count)
    # a month later: the same day of the month, or that month's last day (1月31日 → 2月28日)
    first = _month_shift(today, count)
    return first.replace(day=min(today.day, calendar.monthrange(first.year, first.month)[1]))


def _month_shift(day: date, months: int) -> date:
    """The first day of the month `months` after (before) `day`'s."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def _make_date(year: int, month: int, day: int, text: str) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise DateError("impossible", text.strip(), read=f"{year:04d}-{month:02d}-{day:02d}") from None


def _en_count(token: str) -> int:
    return _EN_SMALL.get(token) or int(token)


# -- times ------------------------------------------------------------------------------

_CLOCK = re.compile(r"(\d{1,2}):(\d{2})")
_CLOCK_AMPM = re.compile(r"(\d{1,2})(?::(\d{2}))?(am|pm|a\.m\.|p\.m\.)")
_ZH_PERIOD = r"(上午|早上|早晨|凌晨|中午|下午|傍晚|晚上)?"
_ZH_CLOCK = re.compile(_ZH_PERIOD + _N + r"[点时](?:(半)|" + _N + r"分?)?")
_ZH_PERIOD_COLON = re.compile(_ZH_PERIOD + r"(\d{1,2}):(\d{2})")
_AFTERNOON_ZH = {"下午", "傍晚", "晚上"}
# A part of the day alone (`明天 下午`): when it starts on a working day.
_PERIOD_ALONE = {
    "上午": time(9), "早上": time(9), "morning": time(9), "am": time(9),
    "中午": time(12), "noon": time(12),
    "下午": time(13), "afternoon": time(13), "pm": time(13),
    "晚上": time(18), "傍晚": time(18), "evening": time(18),
}  # fmt: skip
# Where a time written straight after a date begins: `明天下午2点`, `12月8日14:00`.
_TIME_TAIL = re.compile(r"(?:上午|早上|早晨|凌晨|中午|下午|傍晚|晚上)\S*$|(?<=[日号天])\d{1,2}(?::\d{2}|[点时]\S*)$")


def parse_time(text: str) -> time | None:
    """`9:30`, `14:00`, `3pm`, `3:30 pm`, `下午3点`, `9点半`, `下午三点十五分`, `上午`,
    `下午` → time; else None."""
    compact = _normalize(text).replace(" ", "")
    if compact in _PERIOD_ALONE:
        return _PERIOD_ALONE[compact]
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


def read_day_time(text: str, today: date, direction: Direction = NEXT) -> tuple[date, time | None] | None:
    """A day with an optional time written straight after it: `明天下午2点`,
    `12月8日14:00`, `下周五上午`; None when it is neither."""
    day = read_day(text, today, direction)
    if day is not None:
        return day, None
    compact = _normalize(text).replace(" ", "")
    match = _TIME_TAIL.search(compact)
    if match is None or match.start() == 0:
        return None
    at = parse_time(match[0])
    day = read_day(compact[: match.start()], today, direction)
    if at is None or day is None:
        return None
    return day, at


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


# -- text -------------------------------------------------------------------------------


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
