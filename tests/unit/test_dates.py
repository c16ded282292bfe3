from datetime import date, time

import pytest

from domain.dates import parse_date, parse_past_date, parse_time

WEDNESDAY = date(2026, 11, 18)
SUNDAY = date(2026, 11, 22)
FRIDAY = date(2026, 11, 20)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-12-01", date(2026, 12, 1)),
        ("2026/12/1", date(2026, 12, 1)),
        ("2026.12.1", date(2026, 12, 1)),
        ("2027-01-05", date(2027, 1, 5)),
        ("12-01", date(2026, 12, 1)),
        ("12/1", date(2026, 12, 1)),
        ("1/5", date(2026, 1, 5)),  # month-day is always this year
        ("２０２６－１２－０１", date(2026, 12, 1)),  # full-width digits and dash
        ("２０２６／１２／１", date(2026, 12, 1)),
        ("  2026-12-01  ", date(2026, 12, 1)),
    ],
)
def test_numeric_dates(text, expected):
    assert parse_date(text, WEDNESDAY) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("today", WEDNESDAY),
        ("Today", WEDNESDAY),
        ("TOMORROW", date(2026, 11, 19)),
        ("yesterday", date(2026, 11, 17)),
        ("今天", WEDNESDAY),
        ("明天", date(2026, 11, 19)),
        ("后天", date(2026, 11, 20)),
        ("昨天", date(2026, 11, 17)),
        ("前天", date(2026, 11, 16)),
        ("in 3 days", date(2026, 11, 21)),
        ("in 1 day", date(2026, 11, 19)),
        ("In  10  Days", date(2026, 11, 28)),
        ("3天后", date(2026, 11, 21)),
        ("3 天后", date(2026, 11, 21)),
        ("３天后", date(2026, 11, 21)),
        ("三天后", date(2026, 11, 21)),
        ("十天以后", date(2026, 11, 28)),
        ("14天之后", date(2026, 12, 2)),
    ],
)
def test_relative_dates(text, expected):
    assert parse_date(text, WEDNESDAY) == expected


def test_relative_dates_cross_month_and_year():
    assert parse_date("tomorrow", date(2026, 12, 31)) == date(2027, 1, 1)
    assert parse_date("3天后", date(2026, 2, 27)) == date(2026, 3, 2)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12月1日", date(2026, 12, 1)),
        ("12月1号", date(2026, 12, 1)),
        ("12月1", date(2026, 12, 1)),
        ("2026年12月1日", date(2026, 12, 1)),
        ("2027年1月15号", date(2027, 1, 15)),
        ("１２月１日", date(2026, 12, 1)),
        ("12 月 1 日", date(2026, 12, 1)),
    ],
)
def test_chinese_month_day(text, expected):
    assert parse_date(text, WEDNESDAY) == expected


@pytest.mark.parametrize(
    ("text", "today", "expected"),
    [
        # a bare weekday is the next such day on or after today
        ("fri", WEDNESDAY, date(2026, 11, 20)),
        ("Friday", WEDNESDAY, date(2026, 11, 20)),
        ("wed", WEDNESDAY, WEDNESDAY),
        ("wednesday", WEDNESDAY, WEDNESDAY),
        ("mon", WEDNESDAY, date(2026, 11, 23)),
        ("tue", WEDNESDAY, date(2026, 11, 24)),
        ("thu", WEDNESDAY, date(2026, 11, 19)),
        ("thursday", WEDNESDAY, date(2026, 11, 19)),
        ("sat", WEDNESDAY, date(2026, 11, 21)),
        ("sun", WEDNESDAY, date(2026, 11, 22)),
        ("sunday", SUNDAY, SUNDAY),
        ("monday", SUNDAY, date(2026, 11, 23)),
        # next <weekday> is that day in the following Mon–Sun week
        ("next friday", WEDNESDAY, date(2026, 11, 27)),
        ("next fri", FRIDAY, date(2026, 11, 27)),
        ("Next Monday", WEDNESDAY, date(2026, 11, 23)),
        ("next mon", SUNDAY, date(2026, 11, 23)),
        ("next sun", SUNDAY, date(2026, 11, 29)),
        # this <weekday> is that day of the current week, past or not
        ("this friday", WEDNESDAY, date(2026, 11, 20)),
        ("this mon", WEDNESDAY, date(2026, 11, 16)),
    ],
)
def test_english_weekdays(text, today, expected):
    assert parse_date(text, today) == expected


@pytest.mark.parametrize(
    ("text", "today", "expected"),
    [
        ("周五", WEDNESDAY, date(2026, 11, 20)),
        ("星期五", WEDNESDAY, date(2026, 11, 20)),
        ("礼拜五", WEDNESDAY, date(2026, 11, 20)),
        ("周三", WEDNESDAY, WEDNESDAY),
        ("周一", WEDNESDAY, date(2026, 11, 23)),  # passed this week → next week's
        ("星期一", WEDNESDAY, date(2026, 11, 23)),
        ("周日", WEDNESDAY, date(2026, 11, 22)),
        ("星期天", WEDNESDAY, date(2026, 11, 22)),
        ("礼拜天", SUNDAY, SUNDAY),
        ("周1", WEDNESDAY, date(2026, 11, 23)),
        ("下周五", WEDNESDAY, date(2026, 11, 27)),
        ("下星期五", WEDNESDAY, date(2026, 11, 27)),
        ("下礼拜五", WEDNESDAY, date(2026, 11, 27)),
        ("下个星期五", WEDNESDAY, date(2026, 11, 27)),
        ("下周一", SUNDAY, date(2026, 11, 23)),
        ("下周日", SUNDAY, date(2026, 11, 29)),
        ("本周五", WEDNESDAY, date(2026, 11, 20)),
        ("这周五", WEDNESDAY, date(2026, 11, 20)),
        ("这个周五", WEDNESDAY, date(2026, 11, 20)),
        ("本周一", WEDNESDAY, date(2026, 11, 16)),  # this week's, even though it has passed
        ("本周日", SUNDAY, SUNDAY),
    ],
)
def test_chinese_weekdays(text, today, expected):
    assert parse_date(text, today) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "garbage",
        "2026-13-01",
        "2026-02-30",
        "2/30",
        "13/1",
        "13月1日",
        "2月30日",
        "next foo",
        "next",
        "周八",
        "下周",
        "in days",
        "in -3 days",
        "十十天后",
        "2026-12",
        "2026-12-01 extra",
        "fri day",
    ],
)
def test_unparseable_dates_give_none(text):
    assert parse_date(text, WEDNESDAY) is None


def test_parse_date_tolerates_none():
    assert parse_date(None, WEDNESDAY) is None  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("9:30", time(9, 30)),
        ("09:30", time(9, 30)),
        ("14:00", time(14, 0)),
        ("0:05", time(0, 5)),
        ("２３：５９", time(23, 59)),  # full-width digits and colon
        ("3pm", time(15, 0)),
        ("3 PM", time(15, 0)),
        ("3:30pm", time(15, 30)),
        ("11am", time(11, 0)),
        ("12am", time(0, 0)),
        ("12pm", time(12, 0)),
        ("9 a.m.", time(9, 0)),
        ("下午3点", time(15, 0)),
        ("下午三点", time(15, 0)),
        ("下午3:30", time(15, 30)),
        ("上午9点", time(9, 0)),
        ("9点", time(9, 0)),
        ("9点半", time(9, 30)),
        ("9点30", time(9, 30)),
        ("9点30分", time(9, 30)),
        ("下午三点十五分", time(15, 15)),
        ("晚上8点", time(20, 0)),
        ("中午12点", time(12, 0)),
        ("中午1点", time(13, 0)),
        ("凌晨12点", time(0, 0)),
        ("15点", time(15, 0)),
        ("十四时", time(14, 0)),
    ],
)
def test_parse_time(text, expected):
    assert parse_time(text) == expected


@pytest.mark.parametrize(
    "text",
    ["", "noon", "25:00", "9:60", "13pm", "0am", "9", "930", "下午", "三十五点", "9:5", "9点61分"],
)
def test_unparseable_times_give_none(text):
    assert parse_time(text) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("mon", date(2026, 11, 16)),  # the Monday just gone, not the coming one
        ("Monday", date(2026, 11, 16)),
        ("wed", WEDNESDAY),  # today counts
        ("thu", date(2026, 11, 12)),
        ("sun", date(2026, 11, 15)),
        ("周一", date(2026, 11, 16)),
        ("星期三", WEDNESDAY),
        ("周五", date(2026, 11, 13)),
        ("礼拜天", date(2026, 11, 15)),
        # every other form keeps its meaning
        ("this fri", date(2026, 11, 20)),
        ("next mon", date(2026, 11, 23)),
        ("yesterday", date(2026, 11, 17)),
        ("2026-11-10", date(2026, 11, 10)),
        ("tomorrow", date(2026, 11, 19)),
    ],
)
def test_past_dates_read_a_bare_weekday_backwards(text, expected):
    assert parse_past_date(text, WEDNESDAY) == expected


def test_forward_dates_still_read_a_bare_weekday_forwards():
    assert parse_date("mon", WEDNESDAY) == date(2026, 11, 23)
    assert parse_date("周一", WEDNESDAY) == date(2026, 11, 23)
