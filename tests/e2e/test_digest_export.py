"""`/digest export visits 2026Q4`: a manager gets the team's spreadsheet in a DM, uploaded
as Slack's `files_upload_v2` does it (conversations.open, files.getUploadURLExternal, the
bytes, files.completeUploadExternal); others are refused, and so is a period ambot cannot read."""

from __future__ import annotations

import csv
import io
from datetime import datetime

from openpyxl import load_workbook

from tests.e2e import visits_fixtures
from tests.e2e.visits_fixtures import speak
from tests.helpers import row_counts

visit_team = visits_fixtures.visit_team  # the SPEC team on Wednesday 18 November 2026


def log_visits(driver) -> None:
    speak(driver, "U0A1", "U0B1")
    driver.command("U0A1", "/visit", "Acme Corp; date: 2026-09-30; needs: last quarter")
    driver.command("U0A1", "/visit", "Acme Corp; date: 2026-11-02; needs: 20 SIM; follow-up: quote by 2026-11-20")
    driver.command("U0B1", "/visit", "Beta Bank; needs: 审计; next: 2026-12-10")


def test_a_manager_gets_the_quarter_as_a_spreadsheet_in_a_dm(driver, visit_team):
    log_visits(driver)
    speak(driver, "U0MGR", locale="zh-CN")
    result = driver.command("U0MGR", "/digest", "export visits 2026Q4")
    assert "拜访，2026Q4" in result.reply_text and "2 行" in result.reply_text and result.reply["response_type"] == "ephemeral"
    assert [c.body["users"] for c in driver.fake.calls_to("conversations.open")] == ["U0MGR"]
    [shared] = driver.fake.shared_files("DU0MGR")  # the manager's DM with ambot
    assert shared.filename == "ambot-visits-2026Q4.xlsx" and "2026Q4" in shared.title
    assert driver.fake.calls_to("files.completeUploadExternal")[0].body["channel_id"] == "DU0MGR"
    sheet = load_workbook(io.BytesIO(shared.data)).active
    assert sheet is not None
    assert [c.value for c in sheet[1]][:3] == ["日期", "客户", "客户经理"]  # the manager's language
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:K3"
    dates = [row[0] for row in sheet.iter_rows(min_row=2)]
    assert [(c.data_type, c.value) for c in dates] == [("d", datetime(2026, 11, 2)), ("d", datetime(2026, 11, 18))]  # not September


def test_csv_keeps_the_contract_columns_and_a_byte_order_mark(driver, visit_team):
    log_visits(driver)
    speak(driver, "U0MGR")
    result = driver.command("U0MGR", "/digest", "export followups 2026-11 csv")
    assert "Follow-ups" in result.reply_text and "direct messages" in result.reply_text
    [shared] = driver.fake.shared_files("DU0MGR")
    assert shared.filename == "ambot-followups-2026-11.csv" and shared.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(shared.data.decode("utf-8-sig"))))
    assert rows[0] == ["customer", "text", "owner", "due", "status", "done_at", "visit_date"]
    assert rows[1][:4] == ["Acme Corp", "quote", "U0A1", "2026-11-20"]


def test_days_as_people_type_them_are_a_period_too(driver, visit_team):
    log_visits(driver)
    speak(driver, "U0MGR")
    assert "1 row" in driver.command("U0MGR", "/digest", "export visits 11月1日-11月10日").reply_text
    assert driver.fake.shared_files()[0].filename == "ambot-visits-2026-11-01_2026-11-10.xlsx"


def test_others_and_bad_requests_are_refused_and_nothing_is_sent(driver, visit_team):
    log_visits(driver)
    speak(driver, "U0MGR", "U0NOBODY")
    before = row_counts()
    assert "Only managers can export" in driver.command("U0A1", "/digest", "export visits 2026Q4").reply_text
    assert "not a member" in driver.command("U0NOBODY", "/digest", "export visits 2026Q4").reply_text
    bad = driver.command("U0MGR", "/digest", "export visits next-ish").reply_text
    assert "“next-ish” is not a period ambot reads" in bad and "/digest export visits 2026Q4" in bad
    assert "“bananas” is not an export" in driver.command("U0MGR", "/digest", "export bananas 2026Q4").reply_text
    assert "Say what to export" in driver.command("U0MGR", "/digest", "export").reply_text
    assert "does not exist" in driver.command("U0MGR", "/digest", "export visits 2026-02-30").reply_text
    assert driver.fake.shared_files() == [] and driver.fake.calls_to("files.getUploadURLExternal") == []
    assert {k: v for k, v in row_counts().items() if k != "processed_requests"} == {k: v for k, v in before.items() if k != "processed_requests"}


def test_when_slack_refuses_the_file_the_manager_is_told(driver, visit_team):
    log_visits(driver)
    speak(driver, "U0MGR")
    driver.fake.fail("files.completeUploadExternal", status=200, error="not_allowed_token_type", times=1)
    assert "Slack would not take the file" in driver.command("U0MGR", "/digest", "export visits").reply_text
    assert driver.fake.shared_files() == []
