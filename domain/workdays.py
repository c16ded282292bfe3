"""Working days and working hours on a team's calendar.

Lead times, SLAs and reminders count working time, not wall time: a question routed on a
Friday evening with a 4-hour SLA is due on Monday morning, and in China the National Day
week is off while some Saturdays are make-up working days.

A calendar never runs out: the team's own days come first, then `chinesecalendar` for
the years it has, then the `holidays` package (statutory holidays for CN and every other
country it knows). Only the government's make-up days for a new year can be missing; a
team is warned (`years_without_makeup_days`) rather than silently given Monday–Friday.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import cache, lru_cache
from typing import Any
from zoneinfo import ZoneInfo

import chinese_calendar

# `holidays` is imported on first use (~0.16 s): most requests never need a year or a
# country that chinesecalendar does not cover, and every process start would pay for it.

NO_COUNTRY = "none"  # Monday to Friday, no public holidays
# Countries whose government moves working days (调休) year by year: a year without the
# official list cannot be trusted to be Monday–Friday plus the statutory holidays.
MAKEUP_COUNTRIES = frozenset({"CN"})
# Where an answer came from, for `bot.py calendar show` and the warnings.
SOURCES = ("team", "chinesecalendar", "holidays", "weekdays")

_ONE_DAY = timedelta(days=1)
_DEFAULT_DAY_START = time(9)
_DEFAULT_DAY_END = time(18)


def known_country(code: str) -> bool:
    """`none` or a country the `holidays` package knows (CN, HK, SG, US, …)."""
    return code in (NO_COUNTRY, "CN") or code in _supported_countries()


@cache
def _supported_countries() -> frozenset[str]:
    import holidays

    return frozenset(holidays.list_supported_countries())


@dataclass(frozen=True)
class CalendarDay:
    """A team's own answer for one day: a holiday it takes off, or a make-up working day."""

    day: date
    workday: bool
    name: str | None = None


@dataclass(frozen=True)
class DayInfo:
    day: date
    workday: bool
    source: str  # one of SOURCES
    name: str | None = None  # the holiday, or the holiday a make-up day is for
    makeup: bool = False  # a weekend day that is a working day (调休)


@lru_cache(maxsize=4096)
def _chinese_calendar_day(day: date) -> tuple[bool, str | None, bool] | None:
    """(working day, English name, make-up day) from `chinesecalendar`, or None for a year
    it has no data for. Cached: pace and SLA maths ask about the same days over and over."""
    try:
        workday = chinese_calendar.is_workday(day)
    except NotImplementedError:
        return None
    if not workday:
        return False, chinese_calendar.get_holiday_detail(day)[1], False
    makeup = day.weekday() >= 5
    return True, chinese_calendar.workdays.get(day) if makeup else None, makeup


_CC_ZH = {member.value: member.chinese for member in chinese_calendar.Holiday}


@lru_cache(maxsize=256)
def _country_year(country: str, year: int, language: str | None = None) -> Any:
    # `holidays` builds a year at a time; a few years of a few countries stay in memory.
    import holidays

    return holidays.country_holidays(country, years=year, language=language)


@cache
def _official_makeup_years(country: str) -> frozenset[int]:
    """Years whose make-up working days the `holidays` package has from the government."""
    return frozenset(getattr(_country_year(country, 2000), "special_public_holidays", {}) or {})


@dataclass(frozen=True)
class WorkCalendar:
    """Which days are working days, asked in order: the team's own days (`overrides`),
    then `chinesecalendar` for China in the years it has, then the `holidays` package for
    the country (`kind`: CN, HK, SG, US, …), or Monday to Friday for `none`."""

    kind: str
    overrides: tuple[CalendarDay, ...] = ()
    _by_day: dict[date, CalendarDay] = field(default_factory=dict, init=False, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        if not known_country(self.kind):
            raise ValueError(f"unknown calendar {self.kind!r}; expected none or a country code such as CN")
        self._by_day.update((o.day, o) for o in self.overrides)

    # -- where an answer comes from ------------------------------------------------------

    def day_info(self, day: date, language: str = "en") -> DayInfo:
        override = self._by_day.get(day)
        if override is not None:
            return DayInfo(day, override.workday, "team", override.name, override.workday and day.weekday() >= 5)
        if self.kind == NO_COUNTRY:
            return DayInfo(day, day.weekday() < 5, "weekdays")
        if self.kind == "CN":
            known = _chinese_calendar_day(day)
            if known is not None:
                workday, name, makeup = known
                if name and language == "zh":
                    name = _CC_ZH.get(name, name)
                return DayInfo(day, workday, "chinesecalendar", name, makeup)
        return self._from_holidays(day, language)

    def _from_holidays(self, day: date, language: str) -> DayInfo:
        country = _country_year(self.kind, day.year)
        named = _country_year(self.kind, day.year, "zh_CN" if language == "zh" and self.kind == "CN" else None)
        if day in getattr(country, "weekend_workdays", ()):
            return DayInfo(day, True, "holidays", None, True)
        if day in country:
            return DayInfo(day, False, "holidays", named.get(day) or country.get(day))
        weekend = getattr(country, "weekend", {5, 6})
        return DayInfo(day, day.weekday() not in weekend, "holidays")

    def makeup_days_known(self, year: int) -> bool:
        """False for a year whose make-up working days no source has: China before the
        State Council publishes them, unless the team has entered its own days."""
        if self.kind not in MAKEUP_COUNTRIES:
            return True
        if any(o.day.year == year for o in self.overrides):
            return True
        if _chinese_calendar_day(date(year, 6, 1)) is not None:
            return True
        return year in _official_makeup_years(self.kind)

    def years_without_makeup_days(self, start: date, end: date) -> list[int]:
        """Years from `start` to `end` for which ambot would be guessing (see makeup_days_known)."""
        return [year for year in range(start.year, end.year + 1) if not self.makeup_days_known(year)]

    def days(self, start: date, end: date, language: str = "en") -> Iterable[DayInfo]:
        day = start
        while day <= end:
            yield self.day_info(day, language)
            day += _ONE_DAY

    # -- days ---------------------------------------------------------------------------

    def is_workday(self, day: date) -> bool:
        override = self._by_day.get(day)
        if override is not None:
            return override.workday
        if self.kind == NO_COUNTRY:
            return day.weekday() < 5
        if self.kind == "CN":
            known = _chinese_calendar_day(day)
            if known is not None:
                return known[0]
        return _holidays_workday(self.kind, day)

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


@lru_cache(maxsize=8192)
def _holidays_workday(country: str, day: date) -> bool:
    found = _country_year(country, day.year)
    if day in getattr(found, "weekend_workdays", ()):
        return True
    return day not in found and day.weekday() not in getattr(found, "weekend", {5, 6})


def _at(day: date, wall_time: time, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, wall_time, tzinfo=tz)


def _check_working_hours(day_start: time, day_end: time) -> None:
    if not day_start < day_end:
        raise ValueError(f"working day must start before it ends ({day_start} >= {day_end})")


def _require_aware(moment: datetime) -> None:
    # A naive datetime would be read in the server's zone, not the team's: refuse it.
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"expected a timezone-aware datetime, got {moment!r}")
