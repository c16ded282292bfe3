"""What a manager asks for with `/digest export <kind> [period] [csv]`: which export, which
days, which format. Pure: `today` is the team's date.

The period is a quarter or a month (`2026Q4`, `2026-11`), or days as people type them
(`11月1日-11月30日`, `last mon to fri`, `2026-10-01..2026-12-31`, looking back); none
means everything. A period that is none of these is refused, never guessed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from domain.dates import LAST, read_range
from domain.metrics import parse_period
from domain.refusal import Refusal

KINDS = {
    "visits": "visits", "visit": "visits", "拜访": "visits",
    "followups": "followups", "follow-ups": "followups", "followup": "followups", "跟进": "followups",
    "questions": "questions", "question": "questions", "问题": "questions",
    "kpi": "kpi", "kpis": "kpi", "指标": "kpi",
}  # fmt: skip
FORMATS = {"xlsx": "xlsx", "excel": "xlsx", "csv": "csv"}


@dataclass(frozen=True)
class ExportRequest:
    kind: str
    start: date | None
    end: date | None
    label: str  # the period as a file name part: 2026Q4, 2026-10-01_2026-12-31, all
    fmt: str


def parse_export_request(words: list[str], today: date) -> ExportRequest:
    if not words:
        raise Refusal("digest.export_usage", usage=True)
    kind = KINDS.get(words[0].lower())
    if kind is None:
        raise Refusal("digest.export_unknown_kind", usage=True, word=words[0])
    rest = list(words[1:])
    fmt = "xlsx"
    if rest and rest[-1].lower() in FORMATS:
        fmt = FORMATS[rest.pop().lower()]
    text = " ".join(rest).strip()
    if not text:
        return ExportRequest(kind, None, None, "all", fmt)
    period = parse_period(text)
    if period is not None:
        return ExportRequest(kind, period.start, period.end, period.key, fmt)
    days = read_range(text, today, LAST)  # a DateError (impossible day, end before start) is its own refusal
    if days is None:
        raise Refusal("digest.export_bad_period", usage=True, text=text)
    label = days.start.isoformat() if days.start == days.end else f"{days.start.isoformat()}_{days.end.isoformat()}"
    return ExportRequest(kind, days.start, days.end, label, fmt)
