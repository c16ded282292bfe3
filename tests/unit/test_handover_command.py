from datetime import date, time

import pytest

from domain.args import tokenize
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


@pytest.mark.parametrize("text", ["2026-12-12 2026-12-10", "tomorrow today", "12-10 12-01"])
def test_an_explicit_end_before_the_start_is_kept_for_the_rules_to_refuse(text):
    parsed = parse(text)
    assert parsed.end < parsed.start


@pytest.mark.parametrize(
    ("text", "code", "value"),
    [
        ("", "bad_date", ""),
        ("xyzzy 123", "bad_date", "xyzzy"),
        ("2026-02-30 2026-03-02", "bad_date", "2026-02-30"),
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
