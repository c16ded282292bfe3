"""KPI pace as text: one member's (`/kpi`, the App Home) and the team's ranked table."""

from __future__ import annotations

from datetime import date
from typing import Any

from domain.metrics import METRICS
from domain.pace import text_bar
from rendering import blocks as bk
from rendering.i18n import Texts
from rendering.pages import Entry, More, list_message
from services import kpi
from slackio import ids

UNRANKED_PER_LINE = 20


def pace_text(texts: Texts, periods: list[kpi.PeriodPace], today: date, who: str | None = None) -> str:
    """One member's pace as mrkdwn (`/kpi`, and App Home's "my KPI pace")."""
    has_targets = any(p.target is not None for pp in periods for p in pp.paces)
    return texts.render("kpi/mine", periods=periods, who=who, today=today, metrics=METRICS, bar=text_bar, has_targets=has_targets)




def team_pace_message(texts: Texts, pace: kpi.TeamPace, *, page: int = 1) -> dict[str, Any]:
    """`/kpi team`, page `page`: the ranked table, a line per rep."""
    m = texts.macros("kpi/team")
    head_text = str(m.heading(pace)).strip()
    head = [bk.section(head_text)]
    if not pace.periods:
        return bk.message(head_text, [*head, bk.section(str(m.no_targets()).strip())])
    head.append(bk.context(str(m.legend()).strip()))
    entries = [Entry(str(m.rep_line(rep, METRICS)).strip()) for rep in pace.reps if rep.rank is not None]
    unranked = [rep for rep in pace.reps if rep.rank is None]
    for start in range(0, len(unranked), UNRANKED_PER_LINE):
        entries.append(Entry(str(m.unranked(unranked[start : start + UNRANKED_PER_LINE])).strip(), spaced=start == 0))
    foot = [bk.context(texts.macro("kpi/messages", "footer"))]
    more = More(ids.KPI_TEAM_MORE, f"{ids.KPI} team")
    return list_message(texts, head, entries, page=page, more=more, fallback=head_text, foot=foot)
