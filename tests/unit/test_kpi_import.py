"""`import kpi FILE.csv`: validated as a whole, nothing written on error, idempotent."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from rendering.i18n import Texts
from services.kpi_import import ImportProblem, KpiImportInvalid, decode_csv, import_kpi_csv
from storage.models import KpiEntry
from tests import kpi_scenario as scenario

NOW = datetime(2026, 12, 7, 2, tzinfo=UTC)
GOOD = """date,member,metric,value,customer,note
2026-12-01,U0A1,revenue,"12,000",HDMG,new line
2026-12-02,张伟,新增客户,1,,
2026/12/03,u0b1,complaints,1,西湖文旅,billing error
2026-12-04 10:30,U0A1,revenue,-500,华东制造集团,refund
2026-12-05,U0C1,satisfaction,92,,survey
"""


@pytest.fixture
def session(database):
    with database.session_scope() as session:
        scenario.load(session)
        yield session


def imported(session) -> list[KpiEntry]:
    return list(session.scalars(select(KpiEntry).where(KpiEntry.source_key.like("kpi:import:%")).order_by(KpiEntry.id)))


def entry_count(session) -> int:
    return session.scalar(select(func.count(KpiEntry.id)))


def test_a_good_file_is_imported(session):
    assert import_kpi_csv(session, GOOD, NOW) == 5
    rows = imported(session)
    assert [(r.metric, r.value, r.occurred_on) for r in rows] == [
        ("revenue", Decimal("12000"), date(2026, 12, 1)),
        ("new_customers", Decimal(1), date(2026, 12, 2)),
        ("complaints", Decimal(1), date(2026, 12, 3)),
        ("revenue", Decimal(-500), date(2026, 12, 4)),
        ("satisfaction", Decimal(92), date(2026, 12, 5)),
    ]
    assert rows[0].customer_id == scenario.customer(session, "华东制造集团").id and rows[0].note == "new line"
    assert rows[1].member_id == scenario.member(session, "U0A1").id  # by name
    assert rows[2].member_id == scenario.member(session, "U0B1").id  # Slack id in any case
    assert all(r.entered_by_id is None and r.entered_at == NOW and r.source_key for r in rows)


def test_importing_the_same_rows_again_adds_nothing(session):
    import_kpi_csv(session, GOOD, NOW)
    assert import_kpi_csv(session, GOOD, NOW) == 0
    extended = GOOD + "2026-12-06,U0A1,praise,1,,\n"
    assert import_kpi_csv(session, extended, NOW) == 1
    assert len(imported(session)) == 6


def test_identical_rows_in_one_file_are_both_kept(session):
    text = "date,member,metric,value\n2026-12-01,U0A1,praise,1\n2026-12-01,U0A1,praise,1\n"
    assert import_kpi_csv(session, text, NOW) == 2


def test_chinese_headers_and_an_excel_bom(session):
    text = "\ufeff日期,成员,指标,数值,客户,备注\n2026-12-01,李娜,表扬,2,西湖文旅,客户来信\n"
    assert import_kpi_csv(session, text, NOW) == 1
    [row] = imported(session)
    assert (row.metric, row.note) == ("praise", "客户来信")


def test_a_bad_file_is_refused_as_a_whole_with_every_problem_and_its_line(session):
    before = entry_count(session)
    text = (
        "date,member,metric,value,customer,note\n"
        "2026-12-01,U0A1,revenue,1000,,fine\n"  # line 2 is good, still not written
        "2026-13-01,U0A1,revenue,1000,,\n"
        "2026-12-01,U0NOBODY,revenue,1000,,\n"
        "2026-12-01,U0A1,happiness,1,,\n"
        "2026-12-01,U0A1,visits,3,,\n"
        "2026-12-01,U0A1,new_customers,-1,,\n"
        "2026-12-01,U0A1,revenue,lots,,\n"
        "2026-12-01,U0A1,revenue,10,Nowhere Ltd,\n"
        "\n"
        "2026-12-01,U0A1,satisfaction,120,,\n"
    )
    with pytest.raises(KpiImportInvalid) as refused:
        import_kpi_csv(session, text, NOW)
    assert refused.value.problems == [
        ImportProblem(3, "bad_date", "2026-13-01"),
        ImportProblem(4, "unknown_member", "U0NOBODY"),
        ImportProblem(5, "bad_metric", "happiness"),
        ImportProblem(6, "visits_from_log", "3"),
        ImportProblem(7, "negative_not_allowed", "new_customers"),
        ImportProblem(8, "bad_value", "lots"),
        ImportProblem(9, "unknown_customer", "Nowhere Ltd"),
        ImportProblem(11, "score_out_of_range", "120"),
    ]
    assert entry_count(session) == before


def test_missing_columns_and_empty_files(session):
    with pytest.raises(KpiImportInvalid) as refused:
        import_kpi_csv(session, "when,who,metric\n2026-12-01,U0A1,praise\n", NOW)
    assert [(p.row, p.code, p.detail) for p in refused.value.problems] == [(1, "missing_column", "date"), (1, "missing_column", "member"), (1, "missing_column", "value")]
    for text in ("", "date,member,metric,value\n"):
        with pytest.raises(KpiImportInvalid) as refused:
            import_kpi_csv(session, text, NOW)
        assert refused.value.problems == [ImportProblem(1, "empty")]


def test_a_name_shared_by_two_members_must_be_a_slack_id(session):
    scenario.member(session, "U0B1").name = "张伟"
    session.flush()
    with pytest.raises(KpiImportInvalid) as refused:
        import_kpi_csv(session, "date,member,metric,value\n2026-12-01,张伟,praise,1\n", NOW)
    assert refused.value.problems == [ImportProblem(2, "ambiguous_member", "张伟")]


@pytest.mark.parametrize("locale", ["en", "zh"])
def test_problems_render_for_the_command_line(locale):
    texts = Texts(locale)
    line = texts.macro("kpi/import", "problem", "kpi.csv", ImportProblem(7, "negative_not_allowed", "new_customers"))
    assert line.startswith("kpi.csv:7: ") and "new_customers" in line
    refused = texts.macro("kpi/import", "refused", path="kpi.csv", count=3)
    done = texts.macro("kpi/import", "imported", count=12, path="kpi.csv")
    assert "kpi.csv" in refused and "3" in refused and "12" in done
    if locale == "zh":
        assert "导入" in done and "不能为负数" in line


def test_files_from_excel_in_utf8_or_gb18030_decode():
    text = "日期,成员,指标,数值\n2026-12-01,张伟,表扬,1\n"
    assert decode_csv(text.encode("utf-8-sig")) == text
    assert decode_csv(text.encode("utf-8")) == text
    assert decode_csv(text.encode("gb18030")) == text
