"""Working days and working hours on a team's calendar.

Lead times, SLAs and reminders count working time, not wall time: a question routed on a
Friday evening with a 4-hour SLA is due on Monday morning, and in China the National Day
week is off while some Saturdays are make-up working days.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import chinese_calendar

CALENDAR_KINDS = ("CN", "none")

_ONE_DAY = timedelta(days=1)
_DEFAULT_DAY_START = time(9)
_DEFAULT_DAY_END = time(18)


@lru_cache(maxsize=4096)
def _is_cn_workday(day: date) -> bool:
    # Cached: pace and SLA maths ask about the same few hundred days over and over, and
    # the package validates its arguments on every call.
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        # The package only knows the years the State Council has published. For a later
        # year, Mon–Fri is a better guess than refusing to schedule anything.
        return day.weekday() < 5


@dataclass(frozen=True)
class WorkCalendar:
    """Which days are working days: `CN` (Chinese public holidays and make-up workdays)
    or `none` (Monday to Friday)."""

    kind: str

    def __post_init__(self) -> None:
        if self.kind not in CALENDAR_KINDS:
            raise ValueError(f"unknown calendar {self.kind!r}; expected one of {CALENDAR_KINDS}")

    # -- days ---------------------------------------------------------------------------

    def is_workday(self, day: date) -> bool:
        if self.kind == "CN":
            return _is_cn_workday(day)
        return day.weekday() < 5

    def next_workday(self, day: date) -> date:
        """`day` itself if it is a working day, else the first working day after it."""
        while not self.is_workday(day):
            day += _ONE_DAY
        return day

    def add_workdays(self, day: date, n: int) -> date:
        """The n-th working day after `day` (before it when n < 0).

        Counting starts the day after `day`, so a 3-day lead time asked on a Saturday ends
        on the same Wednesday as one asked on the Friday before. n = 0 is `next_workday`.
        """
        if n == 0:
            return self.next_workday(day)
        step = _ONE_DAY if n > 0 else -_ONE_DAY
        remaining = abs(n)
        while remaining:
            day += step
            if self.is_workday(day):
                remaining -= 1
        return day

    def workdays_in(
        self, start: date, end: date, excluded: set[date] | frozenset[date] = frozenset()
    ) -> list[date]:
        """Working days from `start` to `end`, both included, minus `excluded` (e.g. leave)."""
        days: list[date] = []
        day = start
        while day <= end:
            if day not in excluded and self.is_workday(day):
                days.append(day)
            day += _ONE_DAY
        return days

    def workdays_between(self, start: date, end: date) -> int:
        """How many working days from `start` to `end`, both included (0 if end < start)."""
        return len(self.workdays_in(start, end))

    # -- working hours ------------------------------------------------------------------

    def add_working_minutes(
        self,
        start: datetime,
        minutes: int,
        tz: ZoneInfo,
        day_start: time = _DEFAULT_DAY_START,
        day_end: time = _DEFAULT_DAY_END,
    ) -> datetime:
        """When `minutes` of working time have passed since `start`, as an aware datetime in `tz`.

        The clock only runs between `day_start` and `day_end` (wall time in `tz`) on working
        days; a start outside those hours begins at the next opening.
        """
        _check_working_hours(day_start, day_end)
        _require_aware(start)
        if minutes < 0:
            raise ValueError("minutes must not be negative")
        cursor = self._clock_in(start.astimezone(tz), tz, day_start, day_end)
        remaining = timedelta(minutes=minutes)
        while True:
            left_today = _at(cursor.date(), day_end, tz) - cursor
            if remaining <= left_today:
                return cursor + remaining
            remaining -= left_today
            cursor = _at(self.add_workdays(cursor.date(), 1), day_start, tz)

    def working_minutes_between(
        self,
        a: datetime,
        b: datetime,
        tz: ZoneInfo,
        day_start: time = _DEFAULT_DAY_START,
        day_end: time = _DEFAULT_DAY_END,
    ) -> int:
        """Whole working minutes from `a` to `b` (0 if b is not after a)."""
        _check_working_hours(day_start, day_end)
        _require_aware(a)
        _require_aware(b)
        a_local, b_local = a.astimezone(tz), b.astimezone(tz)
        if b_local <= a_local:
            return 0
        total = timedelta()
        day = a_local.date()
        while day <= b_local.date():
            if self.is_workday(day):
                opening = max(_at(day, day_start, tz), a_local)
                closing = min(_at(day, day_end, tz), b_local)
                if closing > opening:
                    total += closing - opening
            day += _ONE_DAY
        return int(total.total_seconds() // 60)

    def _clock_in(self, local: datetime, tz: ZoneInfo, day_start: time, day_end: time) -> datetime:
        """`local` if it falls in working hours, else the next opening."""
        if not self.is_workday(local.date()) or local.time() >= day_end:
            return _at(self.add_workdays(local.date(), 1), day_start, tz)
        if local.time() < day_start:
            return _at(local.date(), day_start, tz)
        return local


def _at(day: date, wall_time: time, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, wall_time, tzinfo=tz)


def _check_working_hours(day_start: time, day_end: time) -> None:
    if not day_start < day_end:
        raise ValueError(f"working day must start before it ends ({day_start} >= {day_end})")


def _require_aware(moment: datetime) -> None:
    # A naive datetime would be read in the server's zone, not the team's: refuse it.
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"expected a timezone-aware datetime, got {moment!r}")
