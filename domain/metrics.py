"""The KPI metric registry (SPEC §7) and the periods targets are set for (month, quarter).

Metric keys and period keys are part of the contract: YAML files, exports and operators use
them, so they are spelled here once.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

Direction = Literal["up", "down"]
Unit = Literal["count", "currency", "score", "times"]
Aggregation = Literal["sum", "mean"]
PeriodKind = Literal["quarter", "month"]


@dataclass(frozen=True)
class Metric:
    key: str
    # "up": more is better; "down": less is better, and the target is a ceiling.
    direction: Direction
    unit: Unit
    # Revenue may be corrected by a refund; a negative visit or complaint count means a typo.
    allows_negative: bool
    zh_alias: str
    # The English label is the gettext msgid; the catalogs translate it.
    en_label_key: str
    # Counts add up over a period; a satisfaction score is averaged, so it is not pro-rated.
    aggregation: Aggregation = "sum"

    @property
    def less_is_better(self) -> bool:
        return self.direction == "down"


METRICS: dict[str, Metric] = {
    m.key: m
    for m in (
        Metric("new_customers", "up", "count", False, "新增客户", "New customers"),
        Metric("lost_customers", "down", "count", False, "流失客户", "Lost customers"),
        Metric("revenue", "up", "currency", True, "消费额", "Revenue"),
        Metric("purchase_frequency", "up", "times", False, "消费频次", "Purchase frequency"),
        Metric("upgrades", "up", "count", False, "升级", "Upgrades"),
        Metric("downgrades", "down", "count", False, "降级", "Downgrades"),
        Metric("complaints", "down", "count", False, "投诉", "Complaints"),
        Metric("praise", "up", "count", False, "表扬", "Praise"),
        Metric("visits", "up", "count", False, "拜访", "Visits"),
        Metric("satisfaction", "up", "score", False, "满意度", "Customer satisfaction", "mean"),
    )
}
# Registry order is the display order and the tie-breaker wherever metrics are ranked.
METRIC_KEYS: tuple[str, ...] = tuple(METRICS)

_ALIASES: dict[str, Metric] = {}
for _metric in METRICS.values():
    _ALIASES[_metric.key] = _metric
    _ALIASES[_metric.zh_alias] = _metric


def _normalise(text: str) -> str:
    # NFKC folds full-width letters typed with a Chinese IME ("ｒｅｖｅｎｕｅ") to ASCII.
    text = unicodedata.normalize("NFKC", text).strip().casefold()
    return re.sub(r"[\s\-]+", "_", text)


def resolve_metric(text: str | None) -> Metric | None:
    """`revenue`, `new customers`, `new-customers`, `NEW_CUSTOMERS` or `新增客户` → the Metric."""
    if not text:
        return None
    return _ALIASES.get(_normalise(text))


def metric_order(key: str) -> int:
    """Position in the registry; unknown keys sort last."""
    return METRIC_KEYS.index(key) if key in METRICS else len(METRIC_KEYS)


# --- periods --------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive
    key: str  # canonical: "2026Q4" or "2026-12"

    @property
    def kind(self) -> PeriodKind:
        return "quarter" if "Q" in self.key else "month"

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end

    def days(self) -> list[date]:
        return [self.start + timedelta(days=i) for i in range((self.end - self.start).days + 1)]


_QUARTER = re.compile(r"^(\d{4})\s*-?\s*q([1-4])$")
_MONTH = re.compile(r"^(\d{4})\s*[-/]\s*(\d{1,2})$")


def _month_end(year: int, month: int) -> date:
    if month == 12:
        return date(year, 12, 31)
    return date(year, month + 1, 1) - timedelta(days=1)


def quarter_period(year: int, quarter: int) -> Period:
    if not 1 <= quarter <= 4:
        raise ValueError(f"quarter must be 1–4, got {quarter}")
    first_month = 3 * (quarter - 1) + 1
    return Period(
        date(year, first_month, 1), _month_end(year, first_month + 2), f"{year}Q{quarter}"
    )


def month_period(year: int, month: int) -> Period:
    if not 1 <= month <= 12:
        raise ValueError(f"month must be 1–12, got {month}")
    return Period(date(year, month, 1), _month_end(year, month), f"{year}-{month:02d}")


def parse_period(text: str | None) -> Period | None:
    """`2026Q4`, `2026-q4`, `2026 Q4`, `2026-12` or `2026-3` → Period; anything else → None."""
    if not text:
        return None
    cleaned = unicodedata.normalize("NFKC", text).strip().casefold()
    if match := _QUARTER.match(cleaned):
        return quarter_period(int(match.group(1)), int(match.group(2)))
    if (match := _MONTH.match(cleaned)) and 1 <= int(match.group(2)) <= 12:
        return month_period(int(match.group(1)), int(match.group(2)))
    return None


def period_containing(day: date, kind: PeriodKind) -> Period:
    if kind == "quarter":
        return quarter_period(day.year, (day.month - 1) // 3 + 1)
    if kind == "month":
        return month_period(day.year, day.month)
    raise ValueError(f"unknown period kind {kind!r}")
