"""The date module against a table of expressions as reps type them, for fixed "today"s:
early December (the issue's), the last day of a year, New Year's Day, a leap year's end
of February and its leap day, month ends, and weeks that cross a month or a year.

Each row: (today, direction, text, expected) where expected is a date, a (start, end)
pair for a range, an error code (`"impossible"`, `"too_far"`, `"end_before_start"`) or
None (not a date at all).
"""

from datetime import date, time

import pytest

from domain.dates import (
    LAST,
    NEXT,
    DateError,
    parse_date,
    parse_past_date,
    parse_time,
    read_day,
    read_day_time,
    read_range,
)

D = date
EARLY_DEC = D(2026, 12, 3)  # Thursday
YEAR_END = D(2026, 12, 31)  # Thursday
NEW_YEAR = D(2027, 1, 1)  # Friday
LEAP_EVE = D(2028, 2, 28)  # Monday, leap year
LEAP_DAY = D(2028, 2, 29)  # Tuesday
AFTER_FEB = D(2027, 3, 1)  # Monday, no 29 February this year
APRIL_END = D(2027, 4, 30)  # Friday
JAN_END = D(2027, 1, 31)  # Sunday: the week after crosses into February
NOV_SAT = D(2026, 11, 28)  # Saturday: next week runs 30 Nov – 6 Dec

TABLE = [
    # -- early December, looking forward (due dates, leave, planned visits) -----------------
    (EARLY_DEC, NEXT, "2026-12-08", D(2026, 12, 8)),
    (EARLY_DEC, NEXT, "2027/1/5", D(2027, 1, 5)),
    (EARLY_DEC, NEXT, "2027.01.05", D(2027, 1, 5)),
    (EARLY_DEC, NEXT, "2027年1月5日", D(2027, 1, 5)),
    (EARLY_DEC, NEXT, "２０２６－１２－０８", D(2026, 12, 8)),
    (EARLY_DEC, NEXT, "12月8日", D(2026, 12, 8)),
    (EARLY_DEC, NEXT, "12月8号", D(2026, 12, 8)),
    (EARLY_DEC, NEXT, "12月8", D(2026, 12, 8)),
    (EARLY_DEC, NEXT, "12 月 8 日", D(2026, 12, 8)),
    (EARLY_DEC, NEXT, "十二月八日", D(2026, 12, 8)),
    (EARLY_DEC, NEXT, "1月5日", D(2027, 1, 5)),  # not last January
    (EARLY_DEC, NEXT, "1月5号", D(2027, 1, 5)),
    (EARLY_DEC, NEXT, "12/8", D(2026, 12, 8)),
    (EARLY_DEC, NEXT, "12-8", D(2026, 12, 8)),
    (EARLY_DEC, NEXT, "1/5", D(2027, 1, 5)),
    (EARLY_DEC, NEXT, "8号", D(2026, 12, 8)),
    (EARLY_DEC, NEXT, "8日", D(2026, 12, 8)),
    (EARLY_DEC, NEXT, "3号", EARLY_DEC),
    (EARLY_DEC, NEXT, "2号", D(2027, 1, 2)),
    (EARLY_DEC, NEXT, "今天", EARLY_DEC),
    (EARLY_DEC, NEXT, "明天", D(2026, 12, 4)),
    (EARLY_DEC, NEXT, "后天", D(2026, 12, 5)),
    (EARLY_DEC, NEXT, "大后天", D(2026, 12, 6)),
    (EARLY_DEC, NEXT, "昨天", D(2026, 12, 2)),
    (EARLY_DEC, NEXT, "前天", D(2026, 12, 1)),
    (EARLY_DEC, NEXT, "today", EARLY_DEC),
    (EARLY_DEC, NEXT, "Tomorrow", D(2026, 12, 4)),
    (EARLY_DEC, NEXT, "yesterday", D(2026, 12, 2)),
    (EARLY_DEC, NEXT, "周五", D(2026, 12, 4)),
    (EARLY_DEC, NEXT, "星期五", D(2026, 12, 4)),
    (EARLY_DEC, NEXT, "礼拜五", D(2026, 12, 4)),
    (EARLY_DEC, NEXT, "本周五", D(2026, 12, 4)),
    (EARLY_DEC, NEXT, "这周五", D(2026, 12, 4)),
    (EARLY_DEC, NEXT, "下周五", D(2026, 12, 11)),
    (EARLY_DEC, NEXT, "下个星期二", D(2026, 12, 8)),
    (EARLY_DEC, NEXT, "上周五", D(2026, 11, 27)),
    (EARLY_DEC, NEXT, "下下周一", D(2026, 12, 14)),
    (EARLY_DEC, NEXT, "周一", D(2026, 12, 7)),
    (EARLY_DEC, NEXT, "周1", D(2026, 12, 7)),
    (EARLY_DEC, NEXT, "本周一", D(2026, 11, 30)),  # this week's, though it has passed
    (EARLY_DEC, NEXT, "上周一", D(2026, 11, 23)),
    (EARLY_DEC, NEXT, "下周三", D(2026, 12, 9)),
    (EARLY_DEC, NEXT, "周四", EARLY_DEC),
    (EARLY_DEC, NEXT, "周日", D(2026, 12, 6)),
    (EARLY_DEC, NEXT, "星期天", D(2026, 12, 6)),
    (EARLY_DEC, NEXT, "周末", D(2026, 12, 5)),
    (EARLY_DEC, NEXT, "月底", D(2026, 12, 31)),
    (EARLY_DEC, NEXT, "月末", D(2026, 12, 31)),
    (EARLY_DEC, NEXT, "月初", D(2027, 1, 1)),  # the next first of a month
    (EARLY_DEC, NEXT, "下月初", D(2027, 1, 1)),
    (EARLY_DEC, NEXT, "下个月初", D(2027, 1, 1)),
    (EARLY_DEC, NEXT, "本月15号", D(2026, 12, 15)),
    (EARLY_DEC, NEXT, "这个月20日", D(2026, 12, 20)),
    (EARLY_DEC, NEXT, "下月15号", D(2027, 1, 15)),
    (EARLY_DEC, NEXT, "本月底", D(2026, 12, 31)),
    (EARLY_DEC, NEXT, "下月底", D(2027, 1, 31)),
    (EARLY_DEC, NEXT, "上月底", D(2026, 11, 30)),
    (EARLY_DEC, NEXT, "3天后", D(2026, 12, 6)),
    (EARLY_DEC, NEXT, "３天后", D(2026, 12, 6)),
    (EARLY_DEC, NEXT, "三天后", D(2026, 12, 6)),
    (EARLY_DEC, NEXT, "10天以后", D(2026, 12, 13)),
    (EARLY_DEC, NEXT, "十四天之后", D(2026, 12, 17)),
    (EARLY_DEC, NEXT, "30天后", D(2027, 1, 2)),
    (EARLY_DEC, NEXT, "两周后", D(2026, 12, 17)),
    (EARLY_DEC, NEXT, "2周后", D(2026, 12, 17)),
    (EARLY_DEC, NEXT, "两个星期后", D(2026, 12, 17)),
    (EARLY_DEC, NEXT, "一个月后", D(2027, 1, 3)),
    (EARLY_DEC, NEXT, "Dec 8", D(2026, 12, 8)),
    (EARLY_DEC, NEXT, "8 Dec", D(2026, 12, 8)),
    (EARLY_DEC, NEXT, "December 8th", D(2026, 12, 8)),
    (EARLY_DEC, NEXT, "8th of December", D(2026, 12, 8)),
    (EARLY_DEC, NEXT, "Jan 5", D(2027, 1, 5)),
    (EARLY_DEC, NEXT, "Jan 5, 2027", D(2027, 1, 5)),
    (EARLY_DEC, NEXT, "5 Jan 2027", D(2027, 1, 5)),
    (EARLY_DEC, NEXT, "sept 1 2027", D(2027, 9, 1)),
    (EARLY_DEC, NEXT, "fri", D(2026, 12, 4)),
    (EARLY_DEC, NEXT, "Friday", D(2026, 12, 4)),
    (EARLY_DEC, NEXT, "this fri", D(2026, 12, 4)),
    (EARLY_DEC, NEXT, "next mon", D(2026, 12, 7)),
    (EARLY_DEC, NEXT, "next fri", D(2026, 12, 11)),
    (EARLY_DEC, NEXT, "last fri", D(2026, 11, 27)),
    (EARLY_DEC, NEXT, "last thu", D(2026, 11, 26)),  # before today, not today
    (EARLY_DEC, NEXT, "thu", EARLY_DEC),
    (EARLY_DEC, NEXT, "end of month", D(2026, 12, 31)),
    (EARLY_DEC, NEXT, "end of the month", D(2026, 12, 31)),
    (EARLY_DEC, NEXT, "end of next month", D(2027, 1, 31)),
    (EARLY_DEC, NEXT, "start of next month", D(2027, 1, 1)),
    (EARLY_DEC, NEXT, "in 3 days", D(2026, 12, 6)),
    (EARLY_DEC, NEXT, "In  10  Days", D(2026, 12, 13)),
    (EARLY_DEC, NEXT, "in 2 weeks", D(2026, 12, 17)),
    (EARLY_DEC, NEXT, "in a week", D(2026, 12, 10)),
    (EARLY_DEC, NEXT, "3 days ago", D(2026, 11, 30)),
    # ranges
    (EARLY_DEC, NEXT, "12月8日-12月10日", (D(2026, 12, 8), D(2026, 12, 10))),
    (EARLY_DEC, NEXT, "12月8日至10日", (D(2026, 12, 8), D(2026, 12, 10))),
    (EARLY_DEC, NEXT, "12月8日到10日", (D(2026, 12, 8), D(2026, 12, 10))),
    (EARLY_DEC, NEXT, "12月8日～12月10日", (D(2026, 12, 8), D(2026, 12, 10))),
    (EARLY_DEC, NEXT, "8-10号", (D(2026, 12, 8), D(2026, 12, 10))),
    (EARLY_DEC, NEXT, "8号-10号", (D(2026, 12, 8), D(2026, 12, 10))),
    (EARLY_DEC, NEXT, "12月8日 到 下周三", (D(2026, 12, 8), D(2026, 12, 9))),
    (EARLY_DEC, NEXT, "明天到下周二", (D(2026, 12, 4), D(2026, 12, 8))),
    (EARLY_DEC, NEXT, "下周一到下周五", (D(2026, 12, 7), D(2026, 12, 11))),
    (EARLY_DEC, NEXT, "周一至周五", (D(2026, 12, 7), D(2026, 12, 11))),
    (EARLY_DEC, NEXT, "12/8-12/10", (D(2026, 12, 8), D(2026, 12, 10))),
    (EARLY_DEC, NEXT, "12/28~1/3", (D(2026, 12, 28), D(2027, 1, 3))),
    (EARLY_DEC, NEXT, "12月28日-1月3日", (D(2026, 12, 28), D(2027, 1, 3))),
    (EARLY_DEC, NEXT, "2027-02-06..2027-02-12", (D(2027, 2, 6), D(2027, 2, 12))),
    (EARLY_DEC, NEXT, "Dec 8-10", (D(2026, 12, 8), D(2026, 12, 10))),
    (EARLY_DEC, NEXT, "Dec 8 to Dec 10", (D(2026, 12, 8), D(2026, 12, 10))),
    (EARLY_DEC, NEXT, "Dec 8 - Dec 10", (D(2026, 12, 8), D(2026, 12, 10))),
    (EARLY_DEC, NEXT, "Dec 8 to 10", (D(2026, 12, 8), D(2026, 12, 10))),
    (EARLY_DEC, NEXT, "8-10 Dec", (D(2026, 12, 8), D(2026, 12, 10))),
    (EARLY_DEC, NEXT, "mon to fri", (D(2026, 12, 7), D(2026, 12, 11))),
    (EARLY_DEC, NEXT, "fri - mon", (D(2026, 12, 4), D(2026, 12, 7))),
    # refused, never reinterpreted
    (EARLY_DEC, NEXT, "2月30日", "impossible"),
    (EARLY_DEC, NEXT, "2027-02-29", "impossible"),
    (EARLY_DEC, NEXT, "13月1日", "impossible"),
    (EARLY_DEC, NEXT, "12月32日", "impossible"),
    (EARLY_DEC, NEXT, "2/30", "impossible"),
    (EARLY_DEC, NEXT, "Feb 30", "impossible"),
    (EARLY_DEC, NEXT, "12月10日-12月8日", "end_before_start"),
    (EARLY_DEC, NEXT, "下周五-下周三", "end_before_start"),
    (EARLY_DEC, NEXT, "下周五 到 下周三", "end_before_start"),
    (EARLY_DEC, NEXT, "Dec 10 to Dec 8", "end_before_start"),
    (EARLY_DEC, NEXT, "10-8号", "end_before_start"),
    (EARLY_DEC, NEXT, "Nov 28", "too_far"),  # would be 2027-11-28: confirmed, not guessed
    (EARLY_DEC, NEXT, "28 Nov", "too_far"),
    (EARLY_DEC, NEXT, "11月30日", "too_far"),
    # not dates at all
    (EARLY_DEC, NEXT, "", None),
    (EARLY_DEC, NEXT, "garbage", None),
    (EARLY_DEC, NEXT, "next", None),
    (EARLY_DEC, NEXT, "周八", None),
    (EARLY_DEC, NEXT, "下周", None),
    (EARLY_DEC, NEXT, "in days", None),
    (EARLY_DEC, NEXT, "十十天后", None),
    (EARLY_DEC, NEXT, "2026-12", None),
    (EARLY_DEC, NEXT, "fri day", None),
    (EARLY_DEC, NEXT, "email", None),
    (EARLY_DEC, NEXT, "2", None),
    (EARLY_DEC, NEXT, "March", None),
    (EARLY_DEC, NEXT, "the 8th", None),
    # -- early December, looking back (the date of a visit) --------------------------------
    (EARLY_DEC, LAST, "Nov 28", D(2026, 11, 28)),
    (EARLY_DEC, LAST, "28 Nov", D(2026, 11, 28)),
    (EARLY_DEC, LAST, "11月28日", D(2026, 11, 28)),
    (EARLY_DEC, LAST, "11/28", D(2026, 11, 28)),
    (EARLY_DEC, LAST, "12月3日", EARLY_DEC),
    (EARLY_DEC, LAST, "10月1日", D(2026, 10, 1)),
    (EARLY_DEC, LAST, "12月5日", "too_far"),  # would be 2025-12-05
    (EARLY_DEC, LAST, "1月5日", "too_far"),
    (EARLY_DEC, LAST, "周五", D(2026, 11, 27)),
    (EARLY_DEC, LAST, "fri", D(2026, 11, 27)),
    (EARLY_DEC, LAST, "周四", EARLY_DEC),
    (EARLY_DEC, LAST, "mon", D(2026, 11, 30)),
    (EARLY_DEC, LAST, "上周五", D(2026, 11, 27)),
    (EARLY_DEC, LAST, "last fri", D(2026, 11, 27)),
    (EARLY_DEC, LAST, "28号", D(2026, 11, 28)),
    (EARLY_DEC, LAST, "3号", EARLY_DEC),
    (EARLY_DEC, LAST, "月初", D(2026, 12, 1)),
    (EARLY_DEC, LAST, "月底", D(2026, 11, 30)),
    (EARLY_DEC, LAST, "3天前", D(2026, 11, 30)),
    (EARLY_DEC, LAST, "两周前", D(2026, 11, 19)),
    (EARLY_DEC, LAST, "yesterday", D(2026, 12, 2)),
    (EARLY_DEC, LAST, "明天", D(2026, 12, 4)),  # explicit forms keep their meaning
    (EARLY_DEC, LAST, "next mon", D(2026, 12, 7)),
    # -- the last day of a year ------------------------------------------------------------
    (YEAR_END, NEXT, "明天", NEW_YEAR),
    (YEAR_END, NEXT, "1月1日", NEW_YEAR),
    (YEAR_END, NEXT, "12月31日", YEAR_END),
    (YEAR_END, NEXT, "12/31", YEAR_END),
    (YEAR_END, NEXT, "1号", NEW_YEAR),
    (YEAR_END, NEXT, "31号", YEAR_END),
    (YEAR_END, NEXT, "月底", YEAR_END),
    (YEAR_END, NEXT, "月初", NEW_YEAR),
    (YEAR_END, NEXT, "下月初", NEW_YEAR),
    (YEAR_END, NEXT, "下月底", D(2027, 1, 31)),
    (YEAR_END, NEXT, "本月15号", D(2026, 12, 15)),
    (YEAR_END, NEXT, "周五", NEW_YEAR),
    (YEAR_END, NEXT, "fri", NEW_YEAR),
    (YEAR_END, NEXT, "下周一", D(2027, 1, 4)),
    (YEAR_END, NEXT, "next mon", D(2027, 1, 4)),
    (YEAR_END, NEXT, "上周五", D(2026, 12, 25)),
    (YEAR_END, NEXT, "in 3 days", D(2027, 1, 3)),
    (YEAR_END, NEXT, "两周后", D(2027, 1, 14)),
    (YEAR_END, NEXT, "一个月后", D(2027, 1, 31)),
    (YEAR_END, NEXT, "Jan 5", D(2027, 1, 5)),
    (YEAR_END, NEXT, "12月30日", "too_far"),
    (YEAR_END, NEXT, "12月31日-1月3日", (YEAR_END, D(2027, 1, 3))),
    (YEAR_END, NEXT, "1月1日-1月3日", (NEW_YEAR, D(2027, 1, 3))),
    (YEAR_END, LAST, "12月30日", D(2026, 12, 30)),
    (YEAR_END, LAST, "1月2日", "too_far"),
    (YEAR_END, LAST, "周一", D(2026, 12, 28)),
    (YEAR_END, LAST, "前天", D(2026, 12, 29)),
    (YEAR_END, LAST, "月初", D(2026, 12, 1)),
    # -- New Year's Day ----------------------------------------------------------------------
    (NEW_YEAR, NEXT, "昨天", YEAR_END),
    (NEW_YEAR, NEXT, "12月31日", "too_far"),
    (NEW_YEAR, NEXT, "本周一", D(2026, 12, 28)),  # the week crosses the year
    (NEW_YEAR, NEXT, "下周一", D(2027, 1, 4)),
    (NEW_YEAR, NEXT, "上月底", YEAR_END),
    (NEW_YEAR, LAST, "12月31日", YEAR_END),
    (NEW_YEAR, LAST, "12月28日", D(2026, 12, 28)),
    (NEW_YEAR, LAST, "dec 30", D(2026, 12, 30)),
    (NEW_YEAR, LAST, "last fri", D(2026, 12, 25)),
    (NEW_YEAR, LAST, "上周五", D(2026, 12, 25)),
    (NEW_YEAR, LAST, "周五", NEW_YEAR),
    (NEW_YEAR, LAST, "周四", YEAR_END),
    (NEW_YEAR, LAST, "28号", D(2026, 12, 28)),
    (NEW_YEAR, LAST, "月底", YEAR_END),
    # -- leap years --------------------------------------------------------------------------
    (LEAP_EVE, NEXT, "明天", LEAP_DAY),
    (LEAP_EVE, NEXT, "2月29日", LEAP_DAY),
    (LEAP_EVE, NEXT, "Feb 29", LEAP_DAY),
    (LEAP_EVE, NEXT, "2/29", LEAP_DAY),
    (LEAP_EVE, NEXT, "29号", LEAP_DAY),
    (LEAP_EVE, NEXT, "月底", LEAP_DAY),
    (LEAP_EVE, NEXT, "30号", "impossible"),  # February has no 30th: refused, not moved to March
    (LEAP_EVE, NEXT, "后天", D(2028, 3, 1)),
    (LEAP_EVE, NEXT, "in 2 days", D(2028, 3, 1)),
    (LEAP_EVE, NEXT, "3月1日", D(2028, 3, 1)),
    (LEAP_EVE, NEXT, "下月初", D(2028, 3, 1)),
    (LEAP_EVE, NEXT, "一个月后", D(2028, 3, 28)),
    (LEAP_EVE, NEXT, "2029-02-29", "impossible"),
    (LEAP_EVE, NEXT, "周三", D(2028, 3, 1)),
    (LEAP_EVE, NEXT, "本周日", D(2028, 3, 5)),
    (LEAP_EVE, NEXT, "2月28日-3月1日", (LEAP_EVE, D(2028, 3, 1))),
    (LEAP_DAY, NEXT, "月底", LEAP_DAY),
    (LEAP_DAY, NEXT, "2月29日", LEAP_DAY),
    (LEAP_DAY, NEXT, "明天", D(2028, 3, 1)),
    (LEAP_DAY, NEXT, "一个月后", D(2028, 3, 29)),
    (LEAP_DAY, NEXT, "下周二", D(2028, 3, 7)),
    (LEAP_DAY, LAST, "2月28日", LEAP_EVE),
    (LEAP_DAY, LAST, "上周二", D(2028, 2, 22)),
    (LEAP_DAY, LAST, "1个月前", D(2028, 1, 29)),
    (AFTER_FEB, NEXT, "2月29日", "too_far"),  # the next one is in 2028
    (AFTER_FEB, LAST, "2月29日", "impossible"),  # 2027 has none
    (AFTER_FEB, LAST, "昨天", D(2027, 2, 28)),
    (AFTER_FEB, LAST, "月底", D(2027, 2, 28)),
    # -- month ends ---------------------------------------------------------------------------
    (APRIL_END, NEXT, "月底", APRIL_END),
    (APRIL_END, NEXT, "下月初", D(2027, 5, 1)),
    (APRIL_END, NEXT, "下月底", D(2027, 5, 31)),
    (APRIL_END, NEXT, "一个月后", D(2027, 5, 30)),
    (APRIL_END, NEXT, "31号", "impossible"),  # April has no 31st
    (APRIL_END, NEXT, "1号", D(2027, 5, 1)),
    (APRIL_END, NEXT, "明天", D(2027, 5, 1)),
    (APRIL_END, NEXT, "周一", D(2027, 5, 3)),
    (APRIL_END, NEXT, "下周一", D(2027, 5, 3)),
    (APRIL_END, NEXT, "5月3日-5月7日", (D(2027, 5, 3), D(2027, 5, 7))),
    (APRIL_END, LAST, "1号", D(2027, 4, 1)),
    (JAN_END, NEXT, "一个月后", D(2027, 2, 28)),
    (JAN_END, NEXT, "in 1 month", D(2027, 2, 28)),
    (JAN_END, NEXT, "下月底", D(2027, 2, 28)),
    (JAN_END, NEXT, "明天", D(2027, 2, 1)),
    # -- weeks that cross a month -------------------------------------------------------------
    (JAN_END, NEXT, "周一", D(2027, 2, 1)),
    (JAN_END, NEXT, "下周一", D(2027, 2, 1)),
    (JAN_END, NEXT, "下周三", D(2027, 2, 3)),
    (JAN_END, NEXT, "本周一", D(2027, 1, 25)),
    (JAN_END, NEXT, "本周日", JAN_END),
    (JAN_END, NEXT, "mon to fri", (D(2027, 2, 1), D(2027, 2, 5))),
    (NOV_SAT, NEXT, "下周一", D(2026, 11, 30)),
    (NOV_SAT, NEXT, "下周三", D(2026, 12, 2)),
    (NOV_SAT, NEXT, "下周五", D(2026, 12, 4)),
    (NOV_SAT, NEXT, "next fri", D(2026, 12, 4)),
    (NOV_SAT, NEXT, "fri", D(2026, 12, 4)),
    (NOV_SAT, NEXT, "周一", D(2026, 11, 30)),
    (NOV_SAT, NEXT, "本周一", D(2026, 11, 23)),
    (NOV_SAT, NEXT, "本周日", D(2026, 11, 29)),
    (NOV_SAT, NEXT, "下下周一", D(2026, 12, 7)),
    (NOV_SAT, NEXT, "last fri", D(2026, 11, 27)),
    (NOV_SAT, NEXT, "上周五", D(2026, 11, 20)),
    (NOV_SAT, NEXT, "月底", D(2026, 11, 30)),
    (NOV_SAT, NEXT, "1号", D(2026, 12, 1)),
    (NOV_SAT, NEXT, "Dec 1", D(2026, 12, 1)),
    (NOV_SAT, NEXT, "mon to fri", (D(2026, 11, 30), D(2026, 12, 4))),
    (NOV_SAT, NEXT, "下周一至下周五", (D(2026, 11, 30), D(2026, 12, 4))),
    (NOV_SAT, NEXT, "周五-周一", (D(2026, 12, 4), D(2026, 12, 7))),
]


def _read(today, direction, text):
    found = read_range(text, today, direction)
    if found is None:
        return None
    if found.start == found.end and read_day(text, today, direction) == found.start:
        return found.start
    return (found.start, found.end)


@pytest.mark.parametrize(("today", "direction", "text", "expected"), TABLE, ids=[f"{r[0]}-{r[1].value}-{r[2]}" for r in TABLE])
def test_table(today, direction, text, expected):
    if isinstance(expected, str):
        with pytest.raises(DateError) as refused:
            _read(today, direction, text)
        assert refused.value.code == expected
        assert refused.value.params["text"] == " ".join(text.split())  # the error names what was read
    else:
        assert _read(today, direction, text) == expected


def test_the_table_is_large_enough():
    assert len(TABLE) >= 150


def test_errors_name_what_was_read():
    with pytest.raises(DateError) as impossible:
        read_day("2月30日", EARLY_DEC)
    assert impossible.value.params["read"] == "2027-02-30"  # the next 30 February
    with pytest.raises(DateError) as far:
        read_day("11月30日", EARLY_DEC)
    assert far.value.params["day"] == D(2027, 11, 30)
    with pytest.raises(DateError) as reversed_range:
        read_range("下周五 到 下周三", EARLY_DEC)
    assert reversed_range.value.params["start"] == D(2026, 12, 11)
    assert reversed_range.value.params["end"] == D(2026, 12, 9)


def test_compatibility_helpers_look_forward_and_back():
    assert parse_date("周一", EARLY_DEC) == D(2026, 12, 7)
    assert parse_past_date("周一", EARLY_DEC) == D(2026, 11, 30)
    assert parse_date(None, EARLY_DEC) is None  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("明天下午2点", (D(2026, 12, 4), time(14, 0))),
        ("明天 下午2点", (D(2026, 12, 4), time(14, 0))),
        ("下周五上午", (D(2026, 12, 11), time(9, 0))),
        ("12月8日14:00", (D(2026, 12, 8), time(14, 0))),
        ("12月8日", (D(2026, 12, 8), None)),
        ("下午2点", None),
        ("明天下午25点", None),
    ],
)
def test_a_day_with_its_time(text, expected):
    assert read_day_time(text, EARLY_DEC) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("9:30", time(9, 30)),
        ("09:30", time(9, 30)),
        ("14:00", time(14, 0)),
        ("0:05", time(0, 5)),
        ("２３：５９", time(23, 59)),
        ("3pm", time(15, 0)),
        ("3 PM", time(15, 0)),
        ("3:30pm", time(15, 30)),
        ("11am", time(11, 0)),
        ("12am", time(0, 0)),
        ("12pm", time(12, 0)),
        ("9 a.m.", time(9, 0)),
        ("下午2点", time(14, 0)),
        ("下午三点", time(15, 0)),
        ("下午3:30", time(15, 30)),
        ("上午9点", time(9, 0)),
        ("上午", time(9, 0)),
        ("下午", time(13, 0)),
        ("noon", time(12, 0)),
        ("9点", time(9, 0)),
        ("9点半", time(9, 30)),
        ("9点30分", time(9, 30)),
        ("下午三点十五分", time(15, 15)),
        ("晚上8点", time(20, 0)),
        ("中午12点", time(12, 0)),
        ("中午1点", time(13, 0)),
        ("凌晨12点", time(0, 0)),
        ("十四时", time(14, 0)),
    ],
)
def test_parse_time(text, expected):
    assert parse_time(text) == expected


@pytest.mark.parametrize("text", ["", "25:00", "9:60", "13pm", "0am", "9", "930", "三十五点", "9:5", "9点61分"])
def test_unparseable_times_give_none(text):
    assert parse_time(text) is None
