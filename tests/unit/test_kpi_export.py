"""`export kpi`: the SPEC §7 columns, one row per target, actual and expected as of today."""

from __future__ import annotations

import csv
from datetime import date

import pytest

from core import clock
from exports import write_export
from storage.models import KpiTarget
from tests import kpi_scenario as scenario
from tests.helpers import current_database


@pytest.fixture
def team(database):
    with database.session_scope() as session:
        scenario.load(session)
        a1 = scenario.member(session, "U0A1")
        # A finished quarter: expected is the whole target.
        session.add(KpiTarget(team_id=a1.team_id, member_id=a1.id, period="2026Q3", metric="new_customers", value=6))
        scenario.entry(session, "U0A1", "new_customers", 4, date(2026, 9, 15))
    clock.freeze(scenario.NUDGE_AT)


def read(path) -> list[list[str]]:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


def test_export_columns_and_rows(team, tmp_path):
    out = tmp_path / "kpi.csv"
    count = write_export(current_database(), "kpi", since=None, fmt="csv", output=str(out))
    rows = read(out)
    assert rows[0] == ["period", "member", "metric", "target", "actual", "expected_to_date"]
    assert count == len(rows) - 1 == 9
    assert rows[1] == ["2026Q3", "U0A1", "new_customers", "6", "4", "6"]
    assert ["2026-12", "U0C1", "revenue", "200000", "50000", "43478.26"] in rows
    assert ["2026Q4", "U0A1", "visits", "30", "10", "21.29"] in rows
    assert ["2026Q4", "U0D1", "new_customers", "5", "0", "3.77"] in rows  # leave excluded
    assert ["2026Q4", "U0B1", "complaints", "3", "1", "2.13"] in rows


def test_since_keeps_periods_ending_on_or_after_it(team, tmp_path):
    out = tmp_path / "kpi.csv"
    write_export(current_database(), "kpi", since="2026-10-01", fmt="csv", output=str(out))
    periods = {row[0] for row in read(out)[1:]}
    assert periods == {"2026Q4", "2026-12"}


def test_export_to_excel(team, tmp_path):
    from openpyxl import load_workbook

    out = tmp_path / "kpi.xlsx"
    write_export(current_database(), "kpi", since=None, fmt="xlsx", output=str(out))
    sheet = load_workbook(out).active
    assert sheet is not None
    header = [c.value for c in next(sheet.iter_rows(max_row=1))]
    assert header == ["period", "member", "metric", "target", "actual", "expected_to_date"]
