"""The KPI templates render in both languages from plain data (no database)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from domain.metrics import METRIC_KEYS, METRICS, month_period, quarter_period
from domain.pace import MetricPace, NextStep, Nudge, text_bar
from rendering.i18n import Texts
from services.kpi import PeriodPace, RepPace, TeamPace

D = Decimal
Q4 = quarter_period(2026, 4)
DEC = month_period(2026, 12)
BEHIND = MetricPace("new_customers", D(3), D(10), D("7.10"), "behind", D("4.10"), D("0.41"))
REVENUE = MetricPace("revenue", D(700000), D(1000000), D("709677.42"), "on_track", D("9677.42"), D("0.0097"))
COMPLAINTS = MetricPace("complaints", D(1), D(3), D("2.13"), "ahead", D("-1.13"), D("-0.3767"))
SCORE = MetricPace("satisfaction", None, D(90), D(90), "no_data", D(0), D(0))


@pytest.mark.parametrize("locale", ["en", "zh"])
@pytest.mark.parametrize("key", METRIC_KEYS)
def test_every_metric_has_a_name_in_both_languages(locale, key):
    name = Texts(locale).macro("kpi/messages", "metric_name", key)
    assert name and name != key
    if locale == "zh":
        assert name.endswith(METRICS[key].zh_alias)  # 客户满意度 ends with 满意度


@pytest.mark.parametrize(("locale", "quarter", "month"), [("en", "Q4 2026", "December 2026"), ("zh", "2026年第4季度", "2026年12月")])
def test_period_names(locale, quarter, month):
    texts = Texts(locale)
    assert texts.macro("kpi/messages", "period_name", Q4) == quarter
    assert texts.macro("kpi/messages", "period_name", DEC) == month


def test_revenue_is_money_in_the_reader_locale():
    assert Texts("en").macro("kpi/messages", "amount", METRICS["revenue"], D("12000")) == "CN¥12,000.00"
    assert Texts("zh").macro("kpi/messages", "amount", METRICS["revenue"], D("12000")) == "¥12,000.00"
    assert Texts("en").macro("kpi/messages", "amount", METRICS["visits"], D("21.29")) == "21.3"


@pytest.mark.parametrize("locale", ["en", "zh"])
def test_my_pace_renders(locale):
    periods = [PeriodPace(Q4, 57, 43, 5, (BEHIND, REVENUE, COMPLAINTS, SCORE))]
    text = Texts(locale).render("kpi/mine", periods=periods, who=None, today=date(2026, 12, 7), metrics=METRICS, bar=text_bar, has_targets=True)
    assert "`▓▓▓░░░░░░░`" in text and "7.1" in text and "57" in text
    assert ("5 days of leave not counted" in text) if locale == "en" else ("已扣除 5 天假期" in text)


@pytest.mark.parametrize("locale", ["en", "zh"])
def test_team_table_renders(locale):
    ranked = RepPace(1, "U0A1", "张伟", (PeriodPace(Q4, 62, 44, 0, (BEHIND, REVENUE)),), D("-0.21"), 1, 0, 1, 1, (Q4, BEHIND))
    unranked = RepPace(2, "U0E1", "孙丽", (), None, None, 0, 0, 0, None)
    text = Texts(locale).render("kpi/team", pace=TeamPace(1, date(2026, 12, 7), (Q4,), (ranked, unranked)), metrics=METRICS)
    assert "*1.* <@U0A1> `-21%`" in text and "<@U0E1>" in text


@pytest.mark.parametrize(
    ("step", "en", "zh"),
    [
        (NextStep("visit_overdue_key_customers", ("A & B", "C", "D", "E"), 4), "4 key customers are past their visit cadence: A &amp; B, C, D …and 1 more", "4 家重点客户已超过拜访周期"),
        (NextStep("clear_overdue_followups", count=1), "1 follow-up is overdue", "1 项跟进已逾期"),
        (NextStep("finish_followups_due_this_week", count=2), "2 follow-ups are due this week", "本周有 2 项跟进到期"),
        (NextStep("log_visits", days_since_last_visit=9), "last logged visit was 9 days ago", "9 天前"),
        (NextStep("log_visits"), "No visit of yours is logged yet", "还没有任何拜访记录"),
        (NextStep("log_entries"), "`/kpi log`", "`/kpi log`"),
    ],
)
def test_nudge_next_steps_in_both_languages(step, en, zh):
    nudge = Nudge("behind", BEHIND, step)
    for locale, expected in (("en", en), ("zh", zh)):
        text = Texts(locale).render("kpi/nudge", nudge=nudge, metric=METRICS["new_customers"], period=Q4)
        assert expected in text, text


def test_less_is_better_nudges_speak_of_limits():
    over = MetricPace("complaints", D(4), D(2), D("1.42"), "behind", D("2.58"), D("1.29"))
    nudge = Nudge("behind", over, NextStep("log_entries"))
    text = Texts("en").render("kpi/nudge", nudge=nudge, metric=METRICS["complaints"], period=Q4)
    assert "1.4 allowed by today (limit 2 for the period), 2.6 over" in text
    assert "`/kpi log`" not in text  # logging more complaints would not help
    well = Texts("en").render("kpi/nudge", nudge=Nudge("well_done", COMPLAINTS, None), metric=METRICS["complaints"], period=Q4)
    assert "well under its limit" in well


def test_chinese_plurals_use_the_chinese_form():
    """Chinese has one plural form: a count of 2 must not fall back to English."""
    texts = Texts("zh")
    assert "个问题" in texts.macro("cli/messages", "config_refused", path="x.yaml", count=2)
    text = texts.render("kpi/nudge", nudge=Nudge("behind", BEHIND, NextStep("clear_overdue_followups", count=2)), metric=METRICS["new_customers"], period=Q4)
    assert "2 项跟进已逾期" in text
