from datetime import date

import pytest

from domain.metrics import (
    METRIC_KEYS,
    METRICS,
    Period,
    metric_order,
    month_period,
    parse_period,
    period_containing,
    quarter_period,
    resolve_metric,
)

SPEC_KEYS = (
    "new_customers",
    "lost_customers",
    "revenue",
    "purchase_frequency",
    "upgrades",
    "downgrades",
    "complaints",
    "praise",
    "visits",
    "satisfaction",
)
ZH_ALIASES = {
    "new_customers": "新增客户",
    "lost_customers": "流失客户",
    "revenue": "消费额",
    "purchase_frequency": "消费频次",
    "upgrades": "升级",
    "downgrades": "降级",
    "complaints": "投诉",
    "praise": "表扬",
    "visits": "拜访",
    "satisfaction": "满意度",
}


def test_registry_has_exactly_the_spec_keys_in_order():
    assert METRIC_KEYS == SPEC_KEYS
    assert all(METRICS[k].key == k for k in SPEC_KEYS)


@pytest.mark.parametrize("key", ["lost_customers", "downgrades", "complaints"])
def test_less_is_better_metrics(key):
    assert METRICS[key].direction == "down"
    assert METRICS[key].less_is_better


@pytest.mark.parametrize(
    "key", [k for k in SPEC_KEYS if k not in ("lost_customers", "downgrades", "complaints")]
)
def test_more_is_better_metrics(key):
    assert METRICS[key].direction == "up"
    assert not METRICS[key].less_is_better


@pytest.mark.parametrize(
    ("key", "unit"),
    [
        ("revenue", "currency"),
        ("satisfaction", "score"),
        ("purchase_frequency", "times"),
        ("visits", "count"),
        ("complaints", "count"),
    ],
)
def test_units(key, unit):
    assert METRICS[key].unit == unit


def test_only_revenue_may_be_negative():
    assert [k for k in SPEC_KEYS if METRICS[k].allows_negative] == ["revenue"]


def test_satisfaction_is_averaged_and_counts_are_summed():
    assert METRICS["satisfaction"].aggregation == "mean"
    assert {METRICS[k].aggregation for k in SPEC_KEYS if k != "satisfaction"} == {"sum"}


def test_every_metric_has_an_english_label():
    assert all(METRICS[k].en_label_key.strip() for k in SPEC_KEYS)


def test_metric_is_frozen():
    with pytest.raises(AttributeError):
        METRICS["revenue"].direction = "down"  # type: ignore[misc]  # the point: a frozen Metric refuses it


def resolved_key(text: str) -> str | None:
    metric = resolve_metric(text)
    return metric.key if metric is not None else None


@pytest.mark.parametrize(("key", "alias"), sorted(ZH_ALIASES.items()))
def test_resolve_chinese_alias(key, alias):
    assert METRICS[key].zh_alias == alias
    assert resolved_key(alias) == key
    assert resolved_key(f"  {alias} ") == key


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("new_customers", "new_customers"),
        ("new customers", "new_customers"),
        ("new-customers", "new_customers"),
        ("New Customers", "new_customers"),
        ("NEW_CUSTOMERS", "new_customers"),
        ("purchase  frequency", "purchase_frequency"),
        ("revenue", "revenue"),
        ("ｒｅｖｅｎｕｅ", "revenue"),  # full-width from a Chinese IME
        ("lost-customers", "lost_customers"),
    ],
)
def test_resolve_english_forms(text, key):
    assert resolved_key(text) == key


@pytest.mark.parametrize("text", ["", None, "rev", "new", "customers", "销售额", "visits!"])
def test_resolve_unknown(text):
    assert resolve_metric(text) is None


def test_metric_order_follows_registry_and_unknown_sorts_last():
    assert metric_order("new_customers") == 0
    assert metric_order("satisfaction") == 9
    assert metric_order("bogus") == len(SPEC_KEYS)


@pytest.mark.parametrize(
    ("text", "start", "end", "key"),
    [
        ("2026Q4", date(2026, 10, 1), date(2026, 12, 31), "2026Q4"),
        ("2026-q4", date(2026, 10, 1), date(2026, 12, 31), "2026Q4"),
        ("2026q1", date(2026, 1, 1), date(2026, 3, 31), "2026Q1"),
        (" 2026 Q2 ", date(2026, 4, 1), date(2026, 6, 30), "2026Q2"),
        ("2026Q3", date(2026, 7, 1), date(2026, 9, 30), "2026Q3"),
        ("2026-12", date(2026, 12, 1), date(2026, 12, 31), "2026-12"),
        ("2026-02", date(2026, 2, 1), date(2026, 2, 28), "2026-02"),
        ("2028-2", date(2028, 2, 1), date(2028, 2, 29), "2028-02"),  # leap year
        ("2026-04", date(2026, 4, 1), date(2026, 4, 30), "2026-04"),
    ],
)
def test_parse_period(text, start, end, key):
    period = parse_period(text)
    assert period == Period(start, end, key)


@pytest.mark.parametrize(
    "text", ["", None, "2026Q5", "2026Q0", "2026-13", "2026-00", "Q4", "26Q4", "2026", "next"]
)
def test_parse_period_rejects(text):
    assert parse_period(text) is None


@pytest.mark.parametrize(
    ("day", "kind", "key"),
    [
        (date(2026, 11, 15), "quarter", "2026Q4"),
        (date(2026, 1, 1), "quarter", "2026Q1"),
        (date(2026, 3, 31), "quarter", "2026Q1"),
        (date(2026, 4, 1), "quarter", "2026Q2"),
        (date(2026, 11, 15), "month", "2026-11"),
        (date(2026, 12, 31), "month", "2026-12"),
    ],
)
def test_period_containing(day, kind, key):
    period = period_containing(day, kind)
    assert period.key == key
    assert period.kind == kind
    assert period.contains(day)
    assert parse_period(key) == period


def test_period_containing_rejects_unknown_kind():
    with pytest.raises(ValueError):
        period_containing(date(2026, 1, 1), "week")  # type: ignore[arg-type]  # the point: a kind it does not know


def test_period_days_and_bounds():
    period = month_period(2026, 2)
    days = period.days()
    assert len(days) == 28
    assert days[0] == period.start and days[-1] == period.end
    assert not period.contains(date(2026, 3, 1))
    assert len(quarter_period(2026, 4).days()) == 92


@pytest.mark.parametrize(("make", "bad"), [(quarter_period, 5), (month_period, 13)])
def test_period_constructors_validate(make, bad):
    with pytest.raises(ValueError):
        make(2026, bad)
