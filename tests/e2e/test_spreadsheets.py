"""Spreadsheets that behave: xlsx with typed cells, a frozen and filtered header row in
the chosen language and columns that fit; CSV as UTF-8 with a byte-order mark; --since and
--until on every export, read as people type dates."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from core import clock
from core.settings import Settings
from exports.writers import display_width
from services import team_config
from storage.db import Database
from storage.models import Customer, Followup, Member, Visit
from tests.conftest import FIXTURES

NOW = datetime(2026, 12, 3, 2, 0, tzinfo=UTC)  # Thursday 3 December, 10:00 in Shanghai


@pytest.fixture
def settings(tmp_path) -> Settings:
    url = f"sqlite:///{tmp_path / 'sheets.db'}"
    database = Database(url)
    database.migrate()
    with database.session_scope() as session:
        team = team_config.load(session, (FIXTURES / "team.yaml").read_text("utf-8"), datetime(2026, 11, 2, tzinfo=UTC))
        rep = session.scalar(select(Member).where(Member.slack_id == "U0A1"))
        customer = session.scalar(select(Customer).order_by(Customer.id))
        assert rep is not None and customer is not None
        for day, needs in ((date(2026, 11, 16), "专线扩容，需要在十二月底之前完成割接"), (date(2026, 11, 30), "SIM"), (date(2026, 12, 2), "报价")):
            visit = Visit(team_id=team.id, customer_id=customer.id, rep_id=rep.id, logged_by_id=rep.id, visit_date=day,
                          type="onsite", needs=needs, logged_at=datetime.combine(day, datetime.min.time(), tzinfo=UTC))  # fmt: skip
            session.add(visit)
            session.flush()
            session.add(Followup(team_id=team.id, visit_id=visit.id, customer_id=customer.id, text="发报价", owner_id=rep.id,
                                 due=day, status="open", created_at=visit.logged_at))  # fmt: skip
    database.dispose()
    return Settings.from_env({"DATABASE_URL": url, "AMBOT_LANG": "en", "LANG": "C.UTF-8"})


@pytest.fixture(autouse=True)
def today():
    clock.freeze(NOW)
    yield
    clock.freeze(None)


def test_an_xlsx_export_has_typed_cells_a_frozen_filtered_header_and_fitting_columns(bot_cli, settings, tmp_path):
    path = tmp_path / "visits.xlsx"
    written = bot_cli("export", "visits", "--format", "xlsx", "--output", str(path), settings=settings)
    assert written.returncode == 0, written.stderr
    sheet = load_workbook(path).active
    assert sheet is not None
    assert sheet.freeze_panes == "A2"  # the header row stays put
    assert sheet.auto_filter.ref == "A1:K4"  # a filter over the header and every row
    header = [c.value for c in sheet[1]]
    assert header[:3] == ["日期", "客户", "客户经理"]  # the team's language by default
    first = sheet[2]
    assert (first[0].data_type, first[0].value, first[0].number_format) == ("d", datetime(2026, 11, 16), "yyyy-mm-dd")
    assert (first[10].data_type, first[10].value) == ("d", datetime(2026, 11, 16, 8, 0))  # Shanghai time
    widths = {letter: sheet.column_dimensions[letter].width for letter in "ABF"}
    assert widths["A"] >= 10  # a date fits
    assert widths["F"] >= display_width("专线扩容，需要在十二月底之前完成割接") == 36  # Chinese counts double
    english = tmp_path / "en.xlsx"
    assert bot_cli("export", "visits", "--format", "xlsx", "--lang", "en", "--output", str(english), settings=settings).returncode == 0
    sheet = load_workbook(english).active
    assert sheet is not None and [c.value for c in sheet[1]][:3] == ["Date", "Customer", "Account manager"]


def test_kpi_numbers_are_number_cells_and_followup_dates_date_cells(bot_cli, settings, tmp_path):
    path = tmp_path / "followups.xlsx"
    assert bot_cli("export", "followups", "--format", "xlsx", "--output", str(path), settings=settings).returncode == 0
    sheet = load_workbook(path).active
    assert sheet is not None
    due = [row[3] for row in sheet.iter_rows(min_row=2)]
    assert [(c.data_type, c.value) for c in due] == [("d", datetime(2026, 11, 16)), ("d", datetime(2026, 11, 30)), ("d", datetime(2026, 12, 2))]


def test_a_csv_file_starts_with_a_byte_order_mark_and_keeps_the_contract_columns(bot_cli, settings, tmp_path):
    path = tmp_path / "visits.csv"
    assert bot_cli("export", "visits", "--output", str(path), settings=settings).returncode == 0
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # Excel then reads it as UTF-8
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0][:3] == ["date", "customer", "rep"]  # scripts read these keys
    chinese = tmp_path / "zh.csv"
    assert bot_cli("export", "visits", "--lang", "zh", "--output", str(chinese), settings=settings).returncode == 0
    assert chinese.read_text("utf-8-sig").splitlines()[0].startswith("日期,客户,客户经理")
    # Standard output goes to scripts: no byte-order mark there.
    shown = bot_cli("export", "visits", settings=settings)
    assert shown.stdout.startswith("date,customer,rep")


@pytest.mark.parametrize("kind", ["visits", "followups", "questions", "kpi", "audit"])
def test_every_export_takes_since_and_until(bot_cli, settings, kind):
    shown = bot_cli("export", kind, "--since", "2026-11-20", "--until", "2026-11-30", settings=settings)
    assert shown.returncode == 0, shown.stderr
    rows = list(csv.reader(io.StringIO(shown.stdout)))
    day = {"visits": 0, "followups": 6, "questions": 0, "audit": 0}.get(kind)
    if kind in ("visits", "followups"):
        assert len(rows) == 2, rows  # the visit of 30 November (and its follow-up) only
    for row in rows[1:]:
        if day is not None:
            assert "2026-11-20" <= row[day][:10] <= "2026-11-30", row
    if kind == "kpi":  # a period is kept when it overlaps the days: Q4 and November, not September
        assert {r[0] for r in rows[1:]} <= {"2026Q4", "2026-11"} and rows[1:]
        before = list(csv.reader(io.StringIO(bot_cli("export", "kpi", "--until", "2026-09-30", settings=settings).stdout)))
        assert before[1:] == []


def test_since_and_until_read_dates_as_people_type_them(bot_cli, settings):
    rows = lambda *args: list(csv.reader(io.StringIO(bot_cli("export", "visits", *args, settings=settings).stdout)))[1:]  # noqa: E731
    assert [r[0] for r in rows("--since", "上周一")] == ["2026-11-30", "2026-12-02"]  # last week: from Monday 23 November
    assert [r[0] for r in rows("--until", "yesterday")] == ["2026-11-16", "2026-11-30", "2026-12-02"]
    assert [r[0] for r in rows("--since", "11月20日", "--until", "12月1日")] == ["2026-11-30"]


def test_unusable_dates_are_refused_clearly(bot_cli, settings):
    bad = bot_cli("export", "visits", "--until", "someday", settings=settings)
    assert bad.returncode == 2 and "“someday” is not a date; use --until 2026-12-31." in bad.stderr and bad.stdout == ""
    backwards = bot_cli("export", "visits", "--since", "2026-12-01", "--until", "2026-11-01", settings=settings)
    assert backwards.returncode == 2 and "--until is before --since" in backwards.stderr
    impossible = bot_cli("export", "visits", "--since", "2026-02-30", settings=settings)
    assert impossible.returncode == 2 and "does not exist" in impossible.stderr
