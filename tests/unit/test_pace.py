from datetime import date, timedelta
from decimal import Decimal

import pytest

from domain.metrics import METRICS, month_period, quarter_period
from domain.pace import (
    MetricPace,
    NextStep,
    NudgeFacts,
    choose_nudge,
    expected_to_date,
    most_behind,
    next_step_for,
    pace_for,
    pace_status,
    text_bar,
    working_days,
)

D = Decimal
NOV = month_period(2026, 11)  # 1 Nov 2026 is a Sunday: 21 weekdays, 2–6 … 23–27 and 30
Q4 = quarter_period(2026, 4)


def calendar(holidays=(), makeup_days=()):
    """A stand-in for WorkCalendar.is_workday: weekdays, minus holidays, plus make-up days."""
    holidays, makeup_days = set(holidays), set(makeup_days)

    def is_workday(day: date) -> bool:
        return day in makeup_days or (day.weekday() < 5 and day not in holidays)

    return is_workday


WEEKDAYS = calendar()
# China's National Day week 2026: 1–8 October off, Saturday 10 October worked instead.
CN_OCTOBER = calendar(
    holidays={date(2026, 10, d) for d in range(1, 9)}, makeup_days={date(2026, 10, 10)}
)


def days(first: date, last: date) -> set[date]:
    return {first + timedelta(days=i) for i in range((last - first).days + 1)}


# --- expected to date -----------------------------------------------------------------


def test_working_days_counts_inclusive_and_skips_leave():
    assert working_days(NOV.start, NOV.end, WEEKDAYS, set()) == 21
    assert working_days(date(2026, 11, 2), date(2026, 11, 2), WEEKDAYS, set()) == 1
    assert working_days(date(2026, 11, 2), date(2026, 11, 6), WEEKDAYS, {date(2026, 11, 3)}) == 4


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2026, 10, 31), D(0)),  # before the period
        (date(2026, 11, 1), D(0)),  # a Sunday: nothing elapsed yet
        (date(2026, 11, 2), D(1)),  # today counts as elapsed
        (date(2026, 11, 13), D(10)),
        (date(2026, 11, 14), D(10)),  # Saturday adds nothing
        (date(2026, 11, 30), D(21)),
        (date(2026, 12, 15), D(21)),  # after the period: the whole target
    ],
)
def test_expected_month_by_working_days(today, expected):
    assert expected_to_date(D(21), NOV, today, WEEKDAYS, set()) == expected


def test_expected_rounds_to_cents():
    # 10 of 21 working days of 100 → 47.619… → 47.62
    assert expected_to_date(D(100), NOV, date(2026, 11, 13), WEEKDAYS) == D("47.62")


def test_expected_quarter_with_public_holidays_and_makeup_day():
    # Q4 2026: 66 weekdays − 6 holiday weekdays + 1 make-up Saturday = 61 working days;
    # by Friday 16 October only 9, 10 (make-up), 12–16 October have been worked.
    assert working_days(Q4.start, Q4.end, CN_OCTOBER, set()) == 61
    assert expected_to_date(D(61), Q4, date(2026, 10, 16), CN_OCTOBER) == D(7)
    assert expected_to_date(D(61), Q4, date(2026, 10, 8), CN_OCTOBER) == D(0)


def test_holiday_week_does_not_count_against_the_rep():
    holidays = calendar(holidays=days(date(2026, 11, 9), date(2026, 11, 13)))
    # 16 working days remain; by 13 Nov only the first week (5) has been worked.
    assert expected_to_date(D(16), NOV, date(2026, 11, 13), holidays) == D(5)


@pytest.mark.parametrize(
    ("leave", "today", "expected"),
    [
        (days(date(2026, 11, 16), date(2026, 11, 20)), date(2026, 11, 13), D(10)),
        (days(date(2026, 11, 2), date(2026, 11, 6)), date(2026, 11, 6), D(0)),
        (days(date(2026, 11, 2), date(2026, 11, 6)), date(2026, 11, 13), D(5)),
    ],
)
def test_leave_is_excluded_on_both_sides(leave, today, expected):
    # 21 − 5 leave days = 16 working days for a target of 16.
    assert expected_to_date(D(16), NOV, today, WEEKDAYS, leave) == expected


def test_whole_period_on_leave_expects_nothing():
    assert expected_to_date(D(10), NOV, date(2026, 11, 20), WEEKDAYS, NOV.days()) == D(0)


def test_period_without_working_days_expects_nothing():
    assert expected_to_date(D(10), NOV, date(2026, 11, 20), lambda d: False) == D(0)


# --- status ---------------------------------------------------------------------------

UP = METRICS["new_customers"]
DOWN = METRICS["complaints"]


@pytest.mark.parametrize(
    ("actual", "target", "expected", "status"),
    [
        (D(5), D(20), D(10), "behind"),
        (D(9), D(20), D(10), "on_track"),  # within 10 %
        (D(10), D(20), D(10), "on_track"),
        (D(11), D(20), D(10), "on_track"),
        (D(12), D(20), D(10), "ahead"),
        (D(20), D(20), D(20), "ahead"),  # target reached
        (D(0), D(20), D(0), "on_track"),  # first day, nothing expected yet
        (D(1), D(0), D(0), "no_target"),
        (D(1), None, D(0), "no_target"),
    ],
)
def test_status_more_is_better(actual, target, expected, status):
    assert pace_status(UP, actual, target, expected) == status


@pytest.mark.parametrize(
    ("actual", "target", "expected", "status"),
    [
        (D(8), D(10), D(5), "behind"),  # over the allowance so far
        (D(11), D(10), D(20), "behind"),  # over the ceiling itself
        (D(5), D(10), D(5), "on_track"),
        (D("5.4"), D(10), D(5), "on_track"),
        (D(4), D(10), D(5), "ahead"),
        (D(0), D(10), D(5), "ahead"),
        (D(0), D(0), D(0), "on_track"),  # a zero ceiling kept
        (D(1), D(0), D(0), "behind"),  # any occurrence breaks a zero ceiling
        (D(1), None, D(0), "no_target"),
    ],
)
def test_status_less_is_better(actual, target, expected, status):
    assert pace_status(DOWN, actual, target, expected) == status


def test_tolerance_is_configurable():
    assert pace_status(UP, D(9), D(20), D(10), tolerance=D(0)) == "behind"
    assert pace_status(UP, D(7), D(20), D(10), tolerance=D("0.5")) == "on_track"


# --- pace rows ------------------------------------------------------------------------

TODAY = date(2026, 11, 13)  # 10 of 21 working days


def row(key, actual, target, today=TODAY, leave=frozenset()):
    return pace_for(METRICS[key], actual, target, NOV, today, WEEKDAYS, leave)


def test_pace_row_up_metric_behind():
    pace = row("new_customers", D(4), D(21))
    assert pace == MetricPace("new_customers", D(4), D(21), D(10), "behind", D(6), D(6) / D(21))


def test_pace_row_down_metric_over_allowance():
    pace = row("complaints", D(5), D(4))
    assert pace.status == "behind"
    assert pace.expected == D("1.90")
    assert pace.gap == D("3.10")
    assert pace.gap_ratio > 0


def test_pace_row_down_metric_under_allowance_has_negative_gap():
    pace = row("lost_customers", D(0), D(21))
    assert pace.status == "ahead"
    assert pace.gap == D(-10)
    assert pace.gap_ratio < 0


def test_pace_row_zero_ceiling_breached():
    pace = row("downgrades", D(2), D(0))
    assert (pace.status, pace.gap, pace.gap_ratio) == ("behind", D(2), D(1))


@pytest.mark.parametrize("target", [None, D(0)])
def test_pace_row_up_metric_without_target(target):
    pace = row("praise", D(3), target)
    assert (pace.status, pace.gap, pace.gap_ratio) == ("no_target", D(0), D(0))


def test_pace_row_missing_actual_counts_as_zero():
    assert row("visits", None, D(21)).actual == D(0)


def test_pace_row_uses_leave():
    leave = days(date(2026, 11, 16), date(2026, 11, 20))
    assert row("visits", D(10), D(16), leave=leave).expected == D(10)


@pytest.mark.parametrize(
    ("actual", "status"),
    [(D("4.6"), "ahead"), (D("4.2"), "on_track"), (D("3.5"), "behind"), (None, "no_data")],
)
def test_score_target_applies_from_day_one(actual, status):
    # A satisfaction average is not pro-rated by working days.
    pace = row("satisfaction", actual, D("4.5"), today=date(2026, 11, 2))
    assert pace.expected == D("4.5")
    assert pace.status == status


def test_score_without_target_or_data():
    assert row("satisfaction", None, None).status == "no_target"


TEN = D(10)


def pace(key, status, gap_ratio, target=TEN):
    return MetricPace(key, D(0), target, D(0), status, gap_ratio * (target or 0), gap_ratio)


def test_most_behind_picks_largest_ratio_not_largest_gap():
    revenue = MetricPace("revenue", D(80000), D(200000), D(100000), "behind", D(20000), D("0.1"))
    visits = MetricPace("visits", D(2), D(20), D(10), "behind", D(8), D("0.4"))
    assert most_behind([revenue, visits, pace("praise", "ahead", D("-0.5"))]) == visits


def test_most_behind_ties_follow_registry_order():
    picked = most_behind([pace("visits", "behind", D("0.3")), pace("revenue", "behind", D("0.3"))])
    assert picked is not None and picked.metric_key == "revenue"


@pytest.mark.parametrize(
    "paces", [[], [pace("visits", "on_track", D(0)), pace("revenue", "no_target", D(0))]]
)
def test_most_behind_none(paces):
    assert most_behind(paces) is None


@pytest.mark.parametrize(
    ("actual", "target", "bar"),
    [
        (D(4), D(10), "▓▓▓▓░░░░░░"),
        (D(0), D(10), "░░░░░░░░░░"),
        (D("9.9"), D(10), "▓▓▓▓▓▓▓▓▓░"),  # full only when reached
        (D(10), D(10), "▓▓▓▓▓▓▓▓▓▓"),
        (D(35), D(10), "▓▓▓▓▓▓▓▓▓▓"),  # capped
        (D(-5), D(10), "░░░░░░░░░░"),
        (D(5), D(0), "░░░░░░░░░░"),
        (D(5), None, "░░░░░░░░░░"),
        (None, D(5), "░░░░░░░░░░"),
    ],
)
def test_text_bar(actual, target, bar):
    assert text_bar(actual, target) == bar


def test_text_bar_width():
    assert text_bar(D(1), D(2), width=4) == "▓▓░░"
    assert len(text_bar(D(100), D(1), width=20)) == 20


# --- next step and nudge --------------------------------------------------------------

RICH = NudgeFacts(
    key_customers_past_cadence=("华东制造集团", "Acme"),
    overdue_followups=3,
    followups_due_this_week=2,
    days_since_last_visit=9,
)
NO_KEY_CUSTOMERS = NudgeFacts(overdue_followups=3, followups_due_this_week=2)
ONLY_DUE_THIS_WEEK = NudgeFacts(followups_due_this_week=2, days_since_last_visit=20)
NOTHING = NudgeFacts(days_since_last_visit=20)


@pytest.mark.parametrize(
    ("metric", "facts", "step"),
    [
        ("visits", RICH, NextStep("visit_overdue_key_customers", ("华东制造集团", "Acme"), 2)),
        (
            "new_customers",
            RICH,
            NextStep("visit_overdue_key_customers", ("华东制造集团", "Acme"), 2),
        ),
        ("revenue", RICH, NextStep("visit_overdue_key_customers", ("华东制造集团", "Acme"), 2)),
        (
            "lost_customers",
            RICH,
            NextStep("visit_overdue_key_customers", ("华东制造集团", "Acme"), 2),
        ),
        ("complaints", RICH, NextStep("clear_overdue_followups", count=3)),
        ("satisfaction", RICH, NextStep("clear_overdue_followups", count=3)),
        ("visits", NO_KEY_CUSTOMERS, NextStep("clear_overdue_followups", count=3)),
        ("revenue", NO_KEY_CUSTOMERS, NextStep("clear_overdue_followups", count=3)),
        ("complaints", ONLY_DUE_THIS_WEEK, NextStep("finish_followups_due_this_week", count=2)),
        ("visits", NOTHING, NextStep("log_visits", days_since_last_visit=20)),
        ("visits", NudgeFacts(), NextStep("log_visits", days_since_last_visit=None)),
        ("revenue", NOTHING, NextStep("log_entries")),
        ("praise", ONLY_DUE_THIS_WEEK, NextStep("log_entries")),
        ("complaints", NOTHING, NextStep("log_entries")),
    ],
)
def test_next_step_for_metric(metric, facts, step):
    assert next_step_for(metric, facts) == step


def nudge(paces, facts=RICH, on_leave=False, nudged=False, welldone=False):
    return choose_nudge(paces, facts, on_leave, nudged, welldone)


BEHIND_VISITS = pace("visits", "behind", D("0.4"))
BEHIND_COMPLAINTS = pace("complaints", "behind", D("0.6"))
AHEAD_REVENUE = pace("revenue", "ahead", D("-0.3"))
ON_TRACK_PRAISE = pace("praise", "on_track", D("0.05"))
NO_TARGET_UPGRADES = pace("upgrades", "no_target", D(0), target=None)


def test_nudge_names_most_behind_metric_and_its_step():
    result = nudge([BEHIND_VISITS, BEHIND_COMPLAINTS, AHEAD_REVENUE])
    assert result.kind == "behind"
    assert result.pace == BEHIND_COMPLAINTS
    assert result.next_step == NextStep("clear_overdue_followups", count=3)


def test_nudge_for_visits_points_at_overdue_key_customers():
    result = nudge([BEHIND_VISITS, AHEAD_REVENUE])
    assert result.pace.metric_key == "visits"
    assert result.next_step.kind == "visit_overdue_key_customers"
    assert result.next_step.customers == ("华东制造集团", "Acme")


@pytest.mark.parametrize(
    ("on_leave", "nudged", "welldone"),
    [(True, False, False), (False, True, False), (True, True, True)],
)
def test_no_nudge_on_leave_or_twice_a_week(on_leave, nudged, welldone):
    assert nudge([BEHIND_VISITS], on_leave=on_leave, nudged=nudged, welldone=welldone) is None
    assert nudge([AHEAD_REVENUE], on_leave=on_leave, nudged=nudged, welldone=welldone) is None


def test_behind_nudge_is_not_limited_by_the_monthly_well_done():
    assert nudge([BEHIND_VISITS], welldone=True).kind == "behind"


def test_well_done_when_everything_with_a_target_is_fine():
    result = nudge([ON_TRACK_PRAISE, AHEAD_REVENUE, NO_TARGET_UPGRADES])
    assert result.kind == "well_done"
    assert result.pace == AHEAD_REVENUE  # the metric furthest ahead
    assert result.next_step is None


def test_well_done_at_most_once_a_month():
    assert nudge([ON_TRACK_PRAISE, AHEAD_REVENUE], welldone=True) is None


@pytest.mark.parametrize(
    "paces",
    [
        [],
        [NO_TARGET_UPGRADES],  # nothing to praise without targets
        [AHEAD_REVENUE, pace("satisfaction", "no_data", D(0))],  # an unknown score
    ],
)
def test_no_well_done_without_evidence(paces):
    assert nudge(paces) is None


def test_nudge_from_real_pace_rows():
    rows = [
        row("visits", D(3), D(21)),  # expected 10: behind by 7/21
        row("revenue", D(40000), D(100000)),  # expected 47 619.05: behind by 0.076
        row("complaints", D(0), D(2)),  # ahead
        row("praise", D(2), None),  # no target
    ]
    result = nudge(rows, facts=NO_KEY_CUSTOMERS)
    assert result.pace.metric_key == "visits"
    assert result.next_step == NextStep("clear_overdue_followups", count=3)
