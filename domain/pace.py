"""KPI pace: where a rep should be by today, whether they are there, and what to nudge about.

Expected-to-date is pro-rated by working days (SPEC §4.4), so a week of public holidays or
a rep's own leave does not count against them.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from typing import Literal

from domain.metrics import Metric, Period, metric_order

PaceStatus = Literal["ahead", "on_track", "behind", "no_target", "no_data"]
NudgeKind = Literal["behind", "well_done"]
NextStepKind = Literal[
    "visit_overdue_key_customers",
    "clear_overdue_followups",
    "finish_followups_due_this_week",
    "log_visits",
    "log_entries",
]

DEFAULT_TOLERANCE = Decimal("0.10")
_CENT = Decimal("0.01")
_ZERO = Decimal(0)


def working_days(
    start: date, end: date, is_workday: Callable[[date], bool], leave_days: Collection[date]
) -> int:
    """Working days in start..end inclusive on which the rep is not on leave."""
    if isinstance(leave_days, frozenset):
        try:
            # A team's pace asks the same question for every metric of every rep: with
            # 1,000 reps the day-by-day count alone took half a second.
            return _working_days_cached(start, end, is_workday, leave_days)
        except TypeError:  # an unhashable calendar callable: count directly
            pass
    return _count_working_days(start, end, is_workday, leave_days)


@lru_cache(maxsize=512)
def _working_days_cached(start: date, end: date, is_workday: Callable[[date], bool], leave_days: frozenset[date]) -> int:
    return _count_working_days(start, end, is_workday, leave_days)


def _count_working_days(start: date, end: date, is_workday: Callable[[date], bool], leave_days: Collection[date]) -> int:
    count = 0
    day = start
    while day <= end:
        if is_workday(day) and day not in leave_days:
            count += 1
        day += timedelta(days=1)
    return count


def expected_to_date(
    target: Decimal,
    period: Period,
    today: date,
    is_workday: Callable[[date], bool],
    leave_days: Collection[date] = frozenset(),
) -> Decimal:
    """target × elapsed working days (start..today inclusive) ÷ working days in the period.

    Leave days count on neither side: the target is spread over the days the rep works.
    """
    total = working_days(period.start, period.end, is_workday, leave_days)
    if total == 0 or today < period.start:
        return _ZERO
    elapsed = working_days(period.start, min(today, period.end), is_workday, leave_days)
    return (Decimal(target) * elapsed / total).quantize(_CENT, ROUND_HALF_UP)


def pace_status(
    metric: Metric,
    actual: Decimal,
    target: Decimal | None,
    expected: Decimal,
    tolerance: Decimal = DEFAULT_TOLERANCE,
) -> PaceStatus:
    if target is None:
        return "no_target"
    upper = expected * (1 + tolerance)
    lower = expected * (1 - tolerance)
    if metric.less_is_better:
        # The target is a ceiling and expected is what is allowed so far; a ceiling of zero
        # means any single occurrence is already too many.
        if actual > target or actual > upper:
            return "behind"
        if actual < lower:
            return "ahead"
        return "on_track"
    if target <= 0:
        return "no_target"  # "at least zero" is no goal at all
    if actual >= target or actual > upper:
        return "ahead"
    if actual < lower:
        return "behind"
    return "on_track"


@dataclass(frozen=True)
class MetricPace:
    metric_key: str
    actual: Decimal | None  # None: a score with no entries yet
    target: Decimal | None
    expected: Decimal
    status: PaceStatus
    # How far from expected-by-today, in the metric's unit; positive means behind.
    gap: Decimal
    # gap relative to the target, positive means behind; ranks metrics of different units.
    gap_ratio: Decimal


def _gap(metric: Metric, actual: Decimal, target: Decimal, expected: Decimal) -> Decimal:
    return actual - expected if metric.less_is_better else expected - actual


def _gap_ratio(metric: Metric, gap: Decimal, target: Decimal, actual: Decimal) -> Decimal:
    if target > 0:
        return gap / target
    if metric.less_is_better and actual > 0:
        return Decimal(1)  # over a zero ceiling: as far behind as missing a whole target
    return _ZERO


def pace_for(
    metric: Metric,
    actual: Decimal | None,
    target: Decimal | None,
    period: Period,
    today: date,
    is_workday: Callable[[date], bool],
    leave_days: Collection[date] = frozenset(),
    tolerance: Decimal = DEFAULT_TOLERANCE,
) -> MetricPace:
    """One row of the pace table. `actual` is the period's sum, or mean for a score."""
    if metric.aggregation == "mean":
        # An average is not earned day by day: the target applies from day one.
        expected = Decimal(target) if target is not None else _ZERO
        if actual is None:
            status: PaceStatus = "no_target" if target is None else "no_data"
            return MetricPace(metric.key, None, target, expected, status, _ZERO, _ZERO)
    else:
        actual = actual if actual is not None else _ZERO
        expected = (
            expected_to_date(target, period, today, is_workday, leave_days)
            if target is not None
            else _ZERO
        )
    status = pace_status(metric, actual, target, expected, tolerance)
    if status == "no_target" or target is None:
        return MetricPace(metric.key, actual, target, expected, status, _ZERO, _ZERO)
    gap = _gap(metric, actual, target, expected)
    return MetricPace(
        metric.key, actual, target, expected, status, gap, _gap_ratio(metric, gap, target, actual)
    )


def most_behind(paces: Sequence[MetricPace]) -> MetricPace | None:
    """The behind metric furthest from its target; registry order breaks ties."""
    behind = [p for p in paces if p.status == "behind"]
    if not behind:
        return None
    return min(behind, key=lambda p: (-p.gap_ratio, metric_order(p.metric_key)))


def text_bar(actual: Decimal | None, target: Decimal | None, width: int = 10) -> str:
    """`▓▓▓▓░░░░░░` for 40 %; full only once the target is reached, never wider than width."""
    if not target or target <= 0 or actual is None or actual <= 0:
        filled = 0
    else:
        filled = min(width, int(Decimal(actual) * width / Decimal(target)))
    return "▓" * filled + "░" * (width - filled)


# --- weekly nudge ---------------------------------------------------------------------


@dataclass(frozen=True)
class NudgeFacts:
    """What the rep's own data says they could do next."""

    key_customers_past_cadence: tuple[str, ...] = ()  # names, most overdue first
    overdue_followups: int = 0
    followups_due_this_week: int = 0
    days_since_last_visit: int | None = None  # None: no visit logged yet


@dataclass(frozen=True)
class NextStep:
    kind: NextStepKind
    customers: tuple[str, ...] = ()
    count: int = 0
    days_since_last_visit: int | None = None


@dataclass(frozen=True)
class Nudge:
    kind: NudgeKind
    pace: MetricPace
    next_step: NextStep | None  # None for well_done


# Which concrete step moves each metric, most effective first. Key customers nobody has
# visited drive sales and are the first to leave; open follow-ups are what customers
# complain about.
_STEP_PREFERENCE: dict[str, tuple[NextStepKind, ...]] = {
    "visits": ("visit_overdue_key_customers", "clear_overdue_followups", "log_visits"),
    "new_customers": ("visit_overdue_key_customers", "clear_overdue_followups"),
    "revenue": ("visit_overdue_key_customers", "clear_overdue_followups"),
    "purchase_frequency": ("visit_overdue_key_customers", "clear_overdue_followups"),
    "upgrades": ("visit_overdue_key_customers", "clear_overdue_followups"),
    "lost_customers": ("visit_overdue_key_customers", "clear_overdue_followups"),
    "downgrades": ("visit_overdue_key_customers", "clear_overdue_followups"),
    "complaints": ("clear_overdue_followups", "finish_followups_due_this_week"),
    "satisfaction": ("clear_overdue_followups", "visit_overdue_key_customers"),
    "praise": ("clear_overdue_followups",),
}


def next_step_for(metric_key: str, facts: NudgeFacts) -> NextStep:
    """The first preferred step the rep's data supports; otherwise ask them to log."""
    for kind in _STEP_PREFERENCE.get(metric_key, ()):
        if kind == "visit_overdue_key_customers" and facts.key_customers_past_cadence:
            names = facts.key_customers_past_cadence
            return NextStep(kind, customers=names, count=len(names))
        if kind == "clear_overdue_followups" and facts.overdue_followups > 0:
            return NextStep(kind, count=facts.overdue_followups)
        if kind == "finish_followups_due_this_week" and facts.followups_due_this_week > 0:
            return NextStep(kind, count=facts.followups_due_this_week)
        if kind == "log_visits":
            return NextStep(kind, days_since_last_visit=facts.days_since_last_visit)
    # Nothing overdue: the likeliest gap is work done but not recorded.
    if metric_key == "visits":
        return NextStep("log_visits", days_since_last_visit=facts.days_since_last_visit)
    return NextStep("log_entries")


def choose_nudge(
    paces: Sequence[MetricPace],
    facts: NudgeFacts,
    on_leave: bool,
    already_nudged_this_week: bool,
    welldone_sent_this_month: bool,
) -> Nudge | None:
    """The weekly nudge for one rep, or None when there is nothing worth saying."""
    if on_leave or already_nudged_this_week:
        return None
    worst = most_behind(paces)
    if worst is not None:
        return Nudge("behind", worst, next_step_for(worst.metric_key, facts))
    # A score with no entries yet is not known to be fine, so it withholds the praise too.
    judged = [p for p in paces if p.status != "no_target"]
    if not judged or welldone_sent_this_month:
        return None
    if any(p.status not in ("ahead", "on_track") for p in judged):
        return None
    # Celebrate the metric furthest ahead of its pace.
    best = min(judged, key=lambda p: (p.gap_ratio, metric_order(p.metric_key)))
    return Nudge("well_done", best, None)
