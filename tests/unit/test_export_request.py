"""`/digest export <kind> [period] [csv]` read as a pure rule: kinds in both languages,
quarters, months and typed days, refusals that name what was not understood."""

from __future__ import annotations

from datetime import date

import pytest

from domain.dates import DateError
from domain.export_request import ExportRequest, parse_export_request
from domain.refusal import Refusal

TODAY = date(2026, 12, 3)


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        (["visits", "2026Q4"], ExportRequest("visits", date(2026, 10, 1), date(2026, 12, 31), "2026Q4", "xlsx")),
        (["拜访", "2026q4"], ExportRequest("visits", date(2026, 10, 1), date(2026, 12, 31), "2026Q4", "xlsx")),
        (["跟进", "2026-11", "csv"], ExportRequest("followups", date(2026, 11, 1), date(2026, 11, 30), "2026-11", "csv")),
        (["kpi"], ExportRequest("kpi", None, None, "all", "xlsx")),
        (["questions", "11月1日-11月15日"], ExportRequest("questions", date(2026, 11, 1), date(2026, 11, 15), "2026-11-01_2026-11-15", "xlsx")),
        (["visits", "yesterday"], ExportRequest("visits", date(2026, 12, 2), date(2026, 12, 2), "2026-12-02", "xlsx")),
        (["visits", "2026-10-01..2026-12-31", "excel"], ExportRequest("visits", date(2026, 10, 1), date(2026, 12, 31), "2026-10-01_2026-12-31", "xlsx")),
    ],
)
def test_what_a_manager_asks_for(words, expected):
    assert parse_export_request(words, TODAY) == expected


def test_a_yearless_day_looks_back_and_a_year_away_is_asked_not_guessed():
    assert parse_export_request(["visits", "11月20日"], TODAY).start == date(2026, 11, 20)
    with pytest.raises(DateError) as refused:
        parse_export_request(["visits", "12月20日"], TODAY)  # last December, almost a year ago
    assert refused.value.key == "dates.too_far"


@pytest.mark.parametrize(
    ("words", "key", "params"),
    [
        ([], "digest.export_usage", {}),
        (["bananas", "2026Q4"], "digest.export_unknown_kind", {"word": "bananas"}),
        (["visits", "next-ish"], "digest.export_bad_period", {"text": "next-ish"}),
        (["visits", "2026Q5"], "digest.export_bad_period", {"text": "2026Q5"}),
    ],
)
def test_what_is_not_understood_is_refused_by_name(words, key, params):
    with pytest.raises(Refusal) as refused:
        parse_export_request(words, TODAY)
    assert refused.value.key == key and refused.value.params.items() >= params.items()


def test_an_impossible_day_is_the_dates_refusal():
    with pytest.raises(DateError) as refused:
        parse_export_request(["visits", "2026-02-30"], TODAY)
    assert refused.value.key == "dates.impossible"
