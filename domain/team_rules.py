"""Vocabulary of a team: roles, levels, tiers, cadences, schedule defaults."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

ROLES = ("rep", "support", "manager")
REP_LEVELS = ("junior", "traditional", "competitive", "relationship")
SUPPORT_LEVELS = (1, 2, 3)
TIERS = ("key", "premium", "regular")
DEFAULT_CADENCE_DAYS = {"key": 14, "premium": 30, "regular": 90}
LANGUAGES = ("zh", "en")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DEFAULT_SLA_MINUTES = {1: 120, 2: 240, 3: 540}

DEFAULT_SCHEDULE: dict[str, dict[str, str | int]] = {
    "followup_reminders": {"time": "09:00"},
    "weekly_summary": {"before_meeting_minutes": 30},
    "kpi_nudges": {"day": "mon", "time": "09:30"},
    "manager_digest": {"day": "mon", "time": "08:30"},
}

ROLE_ALIASES = {
    "rep": "rep", "reps": "rep", "am": "rep", "客户经理": "rep",
    "support": "support", "backend": "support", "支撑": "support", "后台": "support",
    "manager": "manager", "mgr": "manager", "经理": "manager", "主管": "manager",
}
TIER_ALIASES = {"key": "key", "重点": "key", "premium": "premium", "优质": "premium", "regular": "regular", "普通": "regular"}
LEVEL_ALIASES = {"junior": "junior", "初级": "junior", "traditional": "traditional", "传统": "traditional",
                 "competitive": "competitive", "竞争": "competitive", "relationship": "relationship", "关系": "relationship"}


def cadence_days(tier: str, override: int | None) -> int:
    return override if override else DEFAULT_CADENCE_DAYS.get(tier, DEFAULT_CADENCE_DAYS["regular"])


def days_past_cadence(tier: str, override: int | None, last_visit: date | None, today: date, since: date | None = None) -> int:
    """How many days a customer is past its visit cadence (0 when not overdue).

    A customer never visited counts from `since` (when it was added), so a new key
    customer is not flagged on day one.
    """
    reference = last_visit or since
    if reference is None:
        return cadence_days(tier, override)
    overdue = (today - reference).days - cadence_days(tier, override)
    return max(0, overdue)


def valid_timezone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def valid_hhmm(value: str) -> bool:
    parts = str(value).split(":")
    if len(parts) != 2 or not all(p.isdigit() for p in parts):
        return False
    hour, minute = int(parts[0]), int(parts[1])
    return 0 <= hour < 24 and 0 <= minute < 60


def normalise_hhmm(value: str) -> str:
    hour, minute = str(value).split(":")
    return f"{int(hour):02d}:{int(minute):02d}"


def merged_schedule(custom: dict | None) -> dict[str, dict[str, str | int]]:
    merged = {job: dict(values) for job, values in DEFAULT_SCHEDULE.items()}
    for job, values in (custom or {}).items():
        if job in merged and isinstance(values, dict):
            merged[job].update(values)
    return merged
