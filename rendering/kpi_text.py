"""KPI pace as text: one member's (`/kpi`, the App Home) and the team's ranked table."""

from __future__ import annotations

from datetime import date

from domain.metrics import METRICS
from domain.pace import text_bar
from rendering.i18n import Texts
from services import kpi


def pace_text(texts: Texts, periods: list[kpi.PeriodPace], today: date, who: str | None = None) -> str:
    """One member's pace as mrkdwn (`/kpi`, and App Home's "my KPI pace")."""
    has_targets = any(p.target is not None for pp in periods for p in pp.paces)
    return texts.render("kpi/mine", periods=periods, who=who, today=today, metrics=METRICS, bar=text_bar, has_targets=has_targets)


def team_pace_text(texts: Texts, pace: kpi.TeamPace) -> str:
    """The ranked team table as mrkdwn (`/kpi team`, and App Home's team snapshot)."""
    return texts.render("kpi/team", pace=pace, metrics=METRICS)
