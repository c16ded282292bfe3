from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from domain.workdays import CalendarDay, DayInfo, WorkCalendar

SHANGHAI = ZoneInfo("Asia/Shanghai")
CN = WorkCalendar("CN")
PLAIN = WorkCalendar("none")


def at(y: int, mo: int, d: int, h: int = 0, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=SHANGHAI)


def test_unknown_calendar_kind_is_refused():
    with pytest.raises(ValueError, match="unknown calendar"):
        WorkCalendar("XX")


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 10, 1), False),  # National Day
        (date(2026, 10, 7), False),  # last day of the Golden Week
        (date(2026, 10, 8), True),
        (date(2026, 10, 10), True),  # Saturday make-up workday
        (date(2026, 10, 11), False),  # ordinary Sunday
        (date(2026, 2, 14), True),  # Saturday make-up workday before Spring Festival
        (date(2026, 2, 16), False),  # Spring Festival eve (Monday)
        (date(2026, 2, 17), False),  # Spring Festival
        (date(2026, 2, 23), False),  # last day of the Spring Festival break (Monday)
        (date(2026, 2, 24), True),
        (date(2026, 2, 28), True),  # Saturday make-up workday after Spring Festival
        (date(2026, 1, 1), False),  # New Year's Day
        (date(2026, 1, 4), True),  # Sunday make-up workday
        (date(2026, 11, 14), False),  # ordinary Saturday
        (date(2026, 11, 16), True),  # ordinary Monday
    ],
)
def test_cn_calendar_follows_public_holidays_and_make_up_days(day, expected):
    assert CN.is_workday(day) is expected


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 10, 1), True),  # a Thursday: no holidays on the plain calendar
        (date(2026, 10, 10), False),  # a Saturday stays off
        (date(2026, 2, 17), True),
        (date(2026, 11, 15), False),  # Sunday
    ],
)
def test_plain_calendar_is_monday_to_friday(day, expected):
    assert PLAIN.is_workday(day) is expected


@pytest.mark.parametrize(
    ("day", "expected", "source"),
    [
        # chinesecalendar has no 2027: the holidays package still knows the statutory days
        (date(2027, 1, 1), False, "holidays"),  # New Year's Day, a Friday
        (date(2027, 2, 8), False, "holidays"),  # Spring Festival
        (date(2027, 10, 1), False, "holidays"),  # National Day
        (date(2027, 1, 4), True, "holidays"),
        (date(2027, 1, 2), False, "holidays"),  # Saturday
        (date(2003, 5, 1), False, "holidays"),  # before chinesecalendar's data too
        (date(2026, 10, 1), False, "chinesecalendar"),
        (date(2026, 10, 10), True, "chinesecalendar"),  # a make-up Saturday
    ],
)
def test_cn_calendar_never_runs_out(day, expected, source):
    assert CN.is_workday(day) is expected
    assert (CN.day_info(day).workday, CN.day_info(day).source) == (expected, source)


def test_team_days_come_first():
    team = WorkCalendar("CN", (CalendarDay(date(2027, 2, 14), True, None), CalendarDay(date(2027, 2, 12), False, "春节")))
    assert team.is_workday(date(2027, 2, 14)) and CN.is_workday(date(2027, 2, 14)) is False  # a make-up Sunday
    assert team.is_workday(date(2027, 2, 12)) is False and CN.is_workday(date(2027, 2, 12)) is True
    assert team.day_info(date(2027, 2, 12), "zh") == DayInfo(date(2027, 2, 12), False, "team", "春节")
    assert team.day_info(date(2027, 2, 14)).makeup


def test_years_without_official_makeup_days_are_named():
    # chinesecalendar 1.11 and holidays 0.109 (the lock) have no official 2027 schedule for
    # China. A release that brings it makes the first assert fail: the warning then stops
    # by itself, and this test wants the next unknown year instead.
    assert CN.years_without_makeup_days(date(2026, 12, 3), date(2027, 2, 1)) == [2027]
    assert CN.years_without_makeup_days(date(2026, 1, 1), date(2026, 12, 31)) == []
    with_own_days = WorkCalendar("CN", (CalendarDay(date(2027, 2, 14), True),))
    assert with_own_days.years_without_makeup_days(date(2026, 12, 3), date(2027, 2, 1)) == []
    assert WorkCalendar("US").years_without_makeup_days(date(2026, 12, 3), date(2027, 2, 1)) == []
    assert PLAIN.years_without_makeup_days(date(2026, 12, 3), date(2027, 2, 1)) == []


def test_other_countries_come_from_the_holidays_package():
    us = WorkCalendar("US")
    assert us.is_workday(date(2026, 12, 25)) is False and us.day_info(date(2026, 12, 25)).name == "Christmas Day"
    assert us.is_workday(date(2026, 12, 24)) is True


@pytest.mark.parametrize(
    ("calendar", "day", "expected"),
    [
        (CN, date(2026, 9, 30), date(2026, 9, 30)),
        (CN, date(2026, 10, 1), date(2026, 10, 8)),
        (CN, date(2026, 10, 10), date(2026, 10, 10)),
        (CN, date(2026, 11, 14), date(2026, 11, 16)),
        (PLAIN, date(2026, 10, 1), date(2026, 10, 1)),
        (PLAIN, date(2026, 10, 10), date(2026, 10, 12)),
        (CN, date(2026, 12, 31), date(2026, 12, 31)),
        (CN, date(2027, 1, 2), date(2027, 1, 4)),
    ],
)
def test_next_workday(calendar, day, expected):
    assert calendar.next_workday(day) == expected


@pytest.mark.parametrize(
    ("calendar", "day", "n", "expected"),
    [
        (CN, date(2026, 11, 18), 0, date(2026, 11, 18)),
        (CN, date(2026, 11, 14), 0, date(2026, 11, 16)),  # Saturday → Monday
        (CN, date(2026, 11, 18), 1, date(2026, 11, 19)),
        (CN, date(2026, 11, 20), 1, date(2026, 11, 23)),  # Friday + 1 skips the weekend
        (CN, date(2026, 11, 20), 3, date(2026, 11, 25)),
        (CN, date(2026, 11, 21), 3, date(2026, 11, 25)),  # Saturday: same as Friday
        (CN, date(2026, 9, 30), 1, date(2026, 10, 8)),  # across Golden Week
        (CN, date(2026, 10, 9), 1, date(2026, 10, 10)),  # onto the make-up Saturday
        (CN, date(2026, 10, 9), 2, date(2026, 10, 12)),
        (CN, date(2026, 2, 13), 2, date(2026, 2, 24)),  # Fri, make-up Sat, then the break
        (CN, date(2026, 12, 31), 1, date(2027, 1, 4)),  # 1 January 2027 is a holiday too
        (CN, date(2026, 10, 8), -1, date(2026, 9, 30)),  # backwards across Golden Week
        (CN, date(2026, 11, 23), -1, date(2026, 11, 20)),
        (PLAIN, date(2026, 9, 30), 1, date(2026, 10, 1)),
        (PLAIN, date(2026, 11, 20), 5, date(2026, 11, 27)),
    ],
)
def test_add_workdays(calendar, day, n, expected):
    assert calendar.add_workdays(day, n) == expected


@pytest.mark.parametrize(
    ("calendar", "start", "end", "expected"),
    [
        (CN, date(2026, 11, 16), date(2026, 11, 20), 5),
        (CN, date(2026, 11, 16), date(2026, 11, 22), 5),
        (CN, date(2026, 11, 18), date(2026, 11, 18), 1),
        (CN, date(2026, 11, 21), date(2026, 11, 21), 0),
        (CN, date(2026, 11, 20), date(2026, 11, 16), 0),  # end before start
        (CN, date(2026, 9, 28), date(2026, 10, 11), 6),  # 28–30 Sep, then 8–10 Oct
        (PLAIN, date(2026, 9, 28), date(2026, 10, 11), 10),
        (CN, date(2026, 2, 9), date(2026, 2, 28), 11),  # 9–14, 24–28 Feb
    ],
)
def test_workdays_between_counts_both_ends(calendar, start, end, expected):
    assert calendar.workdays_between(start, end) == expected


def test_workdays_in_lists_working_days_without_excluded_ones():
    days = CN.workdays_in(date(2026, 10, 5), date(2026, 10, 13), excluded={date(2026, 10, 12)})
    assert days == [date(2026, 10, 8), date(2026, 10, 9), date(2026, 10, 10), date(2026, 10, 13)]


def test_workdays_in_is_empty_when_range_is_reversed():
    assert CN.workdays_in(date(2026, 10, 13), date(2026, 10, 5)) == []


@pytest.mark.parametrize(
    ("start", "minutes", "expected"),
    [
        (at(2026, 11, 18, 10), 120, at(2026, 11, 18, 12)),  # inside the day
        (at(2026, 11, 18, 17), 60, at(2026, 11, 18, 18)),  # ends exactly at closing
        (at(2026, 11, 18, 17), 120, at(2026, 11, 19, 10)),  # spills into the next morning
        (at(2026, 11, 18, 7, 15), 30, at(2026, 11, 18, 9, 30)),  # before opening
        (at(2026, 11, 18, 20), 30, at(2026, 11, 19, 9, 30)),  # after closing
        (at(2026, 11, 20, 16), 240, at(2026, 11, 23, 11)),  # Friday → Monday over a weekend
        (at(2026, 11, 21, 10), 60, at(2026, 11, 23, 10)),  # starts on a Saturday
        (at(2026, 11, 20, 9), 540, at(2026, 11, 20, 18)),  # one full working day
        (at(2026, 11, 20, 9), 541, at(2026, 11, 23, 9, 1)),
        (at(2026, 9, 30, 17), 120, at(2026, 10, 8, 10)),  # across the Golden Week holiday
        (at(2026, 10, 9, 17), 120, at(2026, 10, 10, 10)),  # onto the make-up Saturday
        (at(2026, 2, 13, 17), 600, at(2026, 2, 14, 18)),  # Fri hour + make-up Saturday
        (at(2026, 2, 13, 17), 601, at(2026, 2, 24, 9, 1)),  # …then over Spring Festival
        (at(2026, 11, 18, 10), 0, at(2026, 11, 18, 10)),
        (at(2026, 11, 21, 10), 0, at(2026, 11, 23, 9)),  # zero minutes still clock in
    ],
)
def test_add_working_minutes_cn(start, minutes, expected):
    assert CN.add_working_minutes(start, minutes, SHANGHAI) == expected


def test_add_working_minutes_on_plain_calendar_ignores_cn_holidays():
    assert PLAIN.add_working_minutes(at(2026, 9, 30, 17), 120, SHANGHAI) == at(2026, 10, 1, 10)


def test_add_working_minutes_converts_start_into_team_zone():
    friday_evening_utc = datetime(2026, 11, 20, 9, 0, tzinfo=ZoneInfo("UTC"))  # 17:00 Shanghai
    due = CN.add_working_minutes(friday_evening_utc, 120, SHANGHAI)
    assert due == at(2026, 11, 23, 10)
    assert due.tzinfo == SHANGHAI


def test_add_working_minutes_with_custom_hours():
    due = CN.add_working_minutes(
        at(2026, 11, 18, 16), 120, SHANGHAI, day_start=time(8, 30), day_end=time(17, 30)
    )
    assert due == at(2026, 11, 19, 9)


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        (at(2026, 11, 18, 10), at(2026, 11, 18, 12), 120),
        (at(2026, 11, 18, 7), at(2026, 11, 18, 20), 540),
        (at(2026, 11, 20, 16), at(2026, 11, 23, 11), 240),  # over a weekend
        (at(2026, 9, 30, 17), at(2026, 10, 8, 10), 120),  # over Golden Week
        (at(2026, 10, 9, 17), at(2026, 10, 10, 10), 120),  # make-up Saturday counts
        (at(2026, 11, 21, 9), at(2026, 11, 22, 18), 0),  # a whole weekend
        (at(2026, 11, 18, 12), at(2026, 11, 18, 10), 0),  # reversed
        (at(2026, 11, 18, 10), at(2026, 11, 18, 10, 0), 0),
    ],
)
def test_working_minutes_between(a, b, expected):
    assert CN.working_minutes_between(a, b, SHANGHAI) == expected


@pytest.mark.parametrize(
    "start",
    [at(2026, 11, 18, 9), at(2026, 11, 20, 17, 45), at(2026, 9, 29, 13), at(2026, 2, 12, 10)],
)
@pytest.mark.parametrize("minutes", [1, 59, 540, 1000, 5000])
def test_working_minutes_between_inverts_add_working_minutes(start, minutes):
    due = CN.add_working_minutes(start, minutes, SHANGHAI)
    assert CN.working_minutes_between(start, due, SHANGHAI) == minutes


@pytest.mark.parametrize(
    "call",
    [
        lambda: CN.add_working_minutes(datetime(2026, 11, 18, 10), 60, SHANGHAI),
        lambda: CN.working_minutes_between(datetime(2026, 11, 18, 10), at(2026, 11, 19), SHANGHAI),
        lambda: CN.add_working_minutes(at(2026, 11, 18, 10), -1, SHANGHAI),
        lambda: CN.add_working_minutes(
            at(2026, 11, 18, 10), 60, SHANGHAI, day_start=time(18), day_end=time(9)
        ),
    ],
    ids=["naive-start", "naive-between", "negative-minutes", "inverted-hours"],
)
def test_working_time_refuses_bad_arguments(call):
    with pytest.raises(ValueError):
        call()
