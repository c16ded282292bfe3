"""`bot.py export visits|followups`: the SPEC §7 columns, --since, CSV and xlsx."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime
from pathlib import Path

from openpyxl import load_workbook
from sqlalchemy import select

from core.settings import Settings
from exports import write_export
from services import team_config
from storage.db import Database
from storage.models import Customer, Followup, Member, Visit
from tests.conftest import FIXTURES
from tests.e2e import visits_fixtures
from tests.e2e.visits_fixtures import speak
from tests.helpers import current_database

visit_team = visits_fixtures.visit_team  # the fixture, shared by the visit tests

VISIT_HEADER = "date,customer,rep,type,purpose,needs,concerns,notes,next_visit,logged_by,logged_at"
FOLLOWUP_HEADER = "customer,text,owner,due,status,done_at,visit_date"


def read_csv(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text("utf-8-sig"))))


def test_visits_and_followups_export_with_the_spec_columns(driver, visit_team, tmp_path):
    speak(driver, "U0A1", "U0MGR")
    driver.command("U0A1", "/visit", "华东制造集团; date: 2026-10-30; needs: old")
    driver.command("U0A1", "/visit", 'Acme Corp; type: phone; needs: 20 SIM, "urgent"\nsecond line; follow-up: quote by 2026-11-20; next: 2026-12-01')
    driver.command("U0MGR", "/visit", "华东制造集团; concerns: 价格; follow-up: 复盘报告 截止 明天")
    visits_csv, followups_csv = tmp_path / "v.csv", tmp_path / "f.csv"
    assert write_export(current_database(), "visits", since="2026-11-01", fmt="csv", output=str(visits_csv)) == 2
    assert write_export(current_database(), "followups", since=None, fmt="csv", output=str(followups_csv)) == 2
    visits = read_csv(visits_csv)
    assert ",".join(visits[0]) == VISIT_HEADER
    assert visits[1] == ["2026-11-18", "Acme Corp", "U0A1", "phone", "", '20 SIM, "urgent"\nsecond line', "", "", "2026-12-01", "U0A1", "2026-11-18T10:00:00+08:00"]  # the team's UTC offset
    assert visits[2][:4] == ["2026-11-18", "华东制造集团", "U0A1", "onsite"] and visits[2][6] == "价格" and visits[2][9] == "U0MGR"
    followups = read_csv(followups_csv)
    assert ",".join(followups[0]) == FOLLOWUP_HEADER
    assert followups[1:] == [
        ["华东制造集团", "复盘报告", "U0MGR", "2026-11-19", "open", "", "2026-11-18"],
        ["Acme Corp", "quote", "U0A1", "2026-11-20", "open", "", "2026-11-18"],
    ]


def test_the_command_line_writes_csv_to_stdout_and_xlsx_to_a_file(tmp_path, bot_cli):
    url = f"sqlite:///{tmp_path / 'export.db'}"
    database = Database(url)
    database.migrate()
    with database.session_scope() as session:
        team = team_config.load(session, (FIXTURES / "team.yaml").read_text("utf-8"), datetime(2026, 11, 2, tzinfo=UTC))
        rep = session.scalar(select(Member).where(Member.slack_id == "U0A1"))
        customer = session.scalar(select(Customer))
        assert rep is not None and customer is not None
        visit = Visit(team_id=team.id, customer_id=customer.id, rep_id=rep.id, logged_by_id=rep.id, visit_date=date(2026, 11, 16),
                      type="onsite", needs="专线扩容", logged_at=datetime(2026, 11, 16, 9, tzinfo=UTC))  # fmt: skip
        session.add(visit)
        session.flush()
        session.add(Followup(team_id=team.id, visit_id=visit.id, customer_id=customer.id, text="发报价", owner_id=rep.id,
                             due=date(2026, 11, 20), status="done", done_at=datetime(2026, 11, 19, 7, tzinfo=UTC),
                             created_at=datetime(2026, 11, 16, 9, tzinfo=UTC)))  # fmt: skip
    database.dispose()
    settings = Settings.from_env({"DATABASE_URL": url, "AMBOT_LANG": "en", "LANG": "C.UTF-8"})

    def bot(*args: str):
        return bot_cli(*args, settings=settings)

    shown = bot("export", "followups")
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.splitlines() == [FOLLOWUP_HEADER, "华东制造集团,发报价,U0A1,2026-11-20,done,2026-11-19T15:00:00+08:00,2026-11-16"]
    assert bot("export", "visits", "--since", "2026-11-17").stdout.splitlines() == [VISIT_HEADER]
    chinese = bot("export", "followups", "--lang", "zh").stdout.splitlines()
    assert chinese[0] == "客户,跟进事项,负责人,截止日期,状态,完成时间,拜访日期"  # no English word in a zh header
    assert chinese[1] == "华东制造集团,发报价,U0A1,2026-11-20,done,2026-11-19T15:00:00+08:00,2026-11-16"
    workbook_path = tmp_path / "visits.xlsx"
    written = bot("export", "visits", "--format", "xlsx", "--output", str(workbook_path))
    assert written.returncode == 0, written.stderr
    sheet = load_workbook(workbook_path).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert ",".join(map(str, rows[0])) == "日期,客户,客户经理,拜访方式,拜访目的,客户需求,客户顾虑,结果备注,下次拜访,记录人,记录时间"  # the team's language
    # Real date cells; a moment in the team's time zone (09:00 UTC is 17:00 in Shanghai).
    assert rows[1][:3] == (datetime(2026, 11, 16), "华东制造集团", "U0A1") and rows[1][5] == "专线扩容"
    assert rows[1][10] == datetime(2026, 11, 16, 17, 0)
    refused = bot("export", "visits", "--since", "yesterday-ish")
    assert refused.returncode == 2 and "“yesterday-ish” is not a date" in refused.stderr and refused.stdout == ""
