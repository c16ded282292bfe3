from datetime import date, time

import pytest

from domain.args import tokenize
from domain.dates import DateError
from domain.handover_command import CommandError, HandoverCommand, parse_handover_command

TODAY = date(2026, 12, 1)  # a Tuesday


def parse(text: str) -> HandoverCommand:
    return parse_handover_command(tokenize(text), TODAY)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-12-10 2026-12-12", HandoverCommand(date(2026, 12, 10), date(2026, 12, 12))),
        ("2026-12-10 2026-12-12 annual leave", HandoverCommand(date(2026, 12, 10), date(2026, 12, 12), reason="annual leave")),
        ("12-10 to 12-12", HandoverCommand(date(2026, 12, 10), date(2026, 12, 12))),
        ("next mon next fri", HandoverCommand(date(2026, 12, 7), date(2026, 12, 11))),
        ("tomorrow in 3 days", HandoverCommand(date(2026, 12, 2), date(2026, 12, 4))),
        ("下周一 至 下周三 年假", HandoverCommand(date(2026, 12, 7), date(2026, 12, 9), reason="年假")),
        ("12月10日 12月12日 培训", HandoverCommand(date(2026, 12, 10), date(2026, 12, 12), reason="培训")),
        ("明天 病假", HandoverCommand(date(2026, 12, 2), date(2026, 12, 2), reason="病假")),
    ],
)
def test_dates_and_reason(text, expected):
    assert parse(text) == expected


def test_times_are_optional_on_both_ends():
    assert parse("fri 14:00 mon 9:30 offsite training") == HandoverCommand(
        date(2026, 12, 4), date(2026, 12, 7), time(14), time(9, 30), "offsite training"
    )
    assert parse("fri 2:30 pm mon") == HandoverCommand(date(2026, 12, 4), date(2026, 12, 7), time(14, 30))
    assert parse("今天 下午3点 明天 上午9点") == HandoverCommand(date(2026, 12, 1), date(2026, 12, 2), time(15), time(9))


def test_a_single_day_with_a_start_time_runs_to_the_end_of_that_day():
    assert parse("today 14:00 doctor") == HandoverCommand(date(2026, 12, 1), date(2026, 12, 1), time(14), None, "doctor")


@pytest.mark.parametrize("text", ["mon fri via <@U0C1|lina> family", "mon fri family via @U0C1", "mon 由 <@U0C1> fri family"])
def test_via_anywhere(text):
    parsed = parse(text)
    assert (parsed.via, parsed.reason, parsed.start, parsed.end) == ("U0C1", "family", date(2026, 12, 7), date(2026, 12, 11))


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("mon fri", date(2026, 12, 7), date(2026, 12, 11)),  # said on a Tuesday: next week
        ("周四 周一", date(2026, 12, 3), date(2026, 12, 7)),
        ("fri mon", date(2026, 12, 4), date(2026, 12, 7)),
    ],
)
def test_an_end_weekday_counts_from_the_start(text, start, end):
    assert (parse(text).start, parse(text).end) == (start, end)


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("2026-12-12 2026-12-10", date(2026, 12, 12), date(2026, 12, 10)),
        ("tomorrow today", date(2026, 12, 2), date(2026, 12, 1)),
        ("12-10 12-01", date(2026, 12, 10), date(2026, 12, 1)),
        ("下周五 下周三", date(2026, 12, 11), date(2026, 12, 9)),  # not moved a week on
        ("下周五 到 下周三 年假", date(2026, 12, 11), date(2026, 12, 9)),
        ("12月10日-12月8日", date(2026, 12, 10), date(2026, 12, 8)),
    ],
)
def test_an_end_before_the_start_is_refused_naming_both(text, start, end):
    with pytest.raises(DateError) as caught:
        parse(text)
    assert caught.value.code == "end_before_start"
    assert (caught.value.params["start"], caught.value.params["end"]) == (start, end)


@pytest.mark.parametrize(
    ("text", "start", "end", "reason"),
    [
        ("12月8日-12月10日 培训", date(2026, 12, 8), date(2026, 12, 10), "培训"),
        ("12月8日至10日", date(2026, 12, 8), date(2026, 12, 10), None),
        ("8-10号 年假", date(2026, 12, 8), date(2026, 12, 10), "年假"),
        ("12月8日 到 下周三", date(2026, 12, 8), date(2026, 12, 9), None),
        ("Dec 8-10 offsite", date(2026, 12, 8), date(2026, 12, 10), "offsite"),
        ("Dec 8 to Dec 10", date(2026, 12, 8), date(2026, 12, 10), None),
        ("1月5日 1月8日", date(2027, 1, 5), date(2027, 1, 8), None),  # January next, not last
    ],
)
def test_ranges_as_people_write_them(text, start, end, reason):
    parsed = parse(text)
    assert (parsed.start, parsed.end, parsed.reason) == (start, end, reason)


def test_a_day_and_its_time_in_one_word():
    assert parse("明天下午3点 后天") == HandoverCommand(date(2026, 12, 2), date(2026, 12, 3), time(15))


def test_an_impossible_day_is_refused_naming_it():
    with pytest.raises(DateError) as caught:
        parse("2026-02-30 2026-03-02")
    assert (caught.value.code, caught.value.params["text"]) == ("impossible", "2026-02-30")


@pytest.mark.parametrize(
    ("text", "code", "value"),
    [
        ("", "bad_date", ""),
        ("xyzzy 123", "bad_date", "xyzzy"),
        ("mon to whenever", "bad_date", "whenever"),
        ("mon fri via", "bad_via", ""),
        ("mon fri via lina", "bad_via", "lina"),
    ],
)
def test_unreadable(text, code, value):
    with pytest.raises(CommandError) as caught:
        parse(text)
    assert (caught.value.code, caught.value.value) == (code, value)


def test_a_long_reason_is_cut():
    assert len(parse("mon fri " + "x" * 900).reason or "") == 500
