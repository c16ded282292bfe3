"""The reports' charts as PNG: one per report, labelled in the reader's language.

Drawn with matplotlib's object API (`Figure` on an Agg canvas, no pyplot and no global
rcParams), so charts can be drawn on several threads at once. Every text of a chart is
set in the font shipped in `fonts/` (Noto Sans SC, cut to GB2312 and Latin, SIL OFL 1.1),
named by file: matplotlib never looks for a system font, so Chinese labels render the
same on any machine. A chart carries its alt text; the text report never depends on it.

`ChartCache` keeps the charts of one report run by content hash: a digest for twenty
managers draws each language's chart once.
"""

from __future__ import annotations

import base64
import hashlib
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.ticker import MaxNLocator

from rendering.i18n import Texts
from services.kpi import RepPace, TeamPace
from services.report_charts import QuarterVisits, TopicLoad

FONT_FILE = Path(__file__).resolve().parent.parent / "fonts" / "NotoSansSC-Regular-GB2312.otf"
ALT_LIMIT = 1000  # Slack's alt_txt
PACE_BARS = 30  # more ranked reps than this: the top and the bottom half each
DPI = 100
AHEAD, BEHIND, BARS, LINE, GRID = "#2e7d32", "#c62828", "#4a78b5", "#e07b00", "#d9d9d9"
LABELS = "charts/labels"


@dataclass(frozen=True)
class Chart:
    png: bytes
    name: str  # file name stem: weekly-visits, digest-topics, kpi-pace
    title: str
    alt: str

    def upload(self, comment: str | None = None) -> dict[str, Any]:
        """The outbox payload's `file` (the PNG as base64: JSON holds it)."""
        item = {"png": base64.b64encode(self.png).decode("ascii"), "name": self.name, "title": self.title, "alt": self.alt}
        return item | ({"comment": comment} if comment else {})


@dataclass
class ChartCache:
    """The charts of one report run, keyed by what they show and in which language."""

    charts: dict[str, Chart | None] = field(default_factory=dict)
    drawn: int = 0

    def get(self, kind: str, texts: Texts, data: object, draw: Callable[[Texts], Chart | None]) -> Chart | None:
        """The `kind` chart of `data` in `texts`' language: drawn by `draw` the first time."""
        key = hashlib.sha256(repr((kind, texts.locale, data)).encode()).hexdigest()
        if key not in self.charts:
            self.charts[key] = draw(texts)
            self.drawn += 1
        return self.charts[key]


def font(size: float = 10) -> FontProperties:
    return FontProperties(fname=str(FONT_FILE), size=size)


# --- the three charts ---------------------------------------------------------------------


@dataclass(frozen=True)
class Drawn:
    """A chart before it becomes a PNG (tests look at its texts and fonts)."""

    figure: Figure
    name: str
    title: str
    alt: str


def pace_chart(texts: Texts, pace: TeamPace) -> Chart | None:
    return _png(pace_figure(texts, pace))


def visits_chart(texts: Texts, quarter: QuarterVisits | None) -> Chart | None:
    return _png(visits_figure(texts, quarter))


def topics_chart(texts: Texts, topics: Sequence[TopicLoad], days: int) -> Chart | None:
    return _png(topics_figure(texts, topics, days))


def pace_figure(texts: Texts, pace: TeamPace) -> Drawn | None:
    """`/kpi team`: each ranked rep's mean lead (+) or lag (−) against expected to date,
    as a share of target; zero is exactly on pace. None when nobody has a target."""
    ranked = [r for r in pace.reps if r.rank is not None and r.score is not None]
    if not ranked:
        return None
    m = texts.macros(LABELS)
    shown = _top_and_bottom(ranked, PACE_BARS)
    scores = [float(r.score or 0) for r in shown]
    fig, ax = _figure(height=1.4 + 0.28 * len(shown))
    positions = list(range(len(shown)))[::-1]  # the best at the top
    ax.barh(positions, scores, color=[AHEAD if s >= 0 else BEHIND for s in scores], height=0.7)
    ax.axvline(0, color="#333333", linewidth=1)
    ax.set_yticks(positions, labels=[r.name for r in shown], fontproperties=font(9))
    low, high = min(0.0, *scores), max(0.0, *scores)
    _numeric_ticks(ax, "x", low, high, lambda v: _str(m.signed(v)))
    ax.set_xlabel(_str(m.pace_axis()), fontproperties=font(9))
    title = _str(m.pace_title(pace.periods, len(shown), len(ranked)))
    ax.set_title(title, fontproperties=font(11), loc="left")
    behind = sorted((r for r in ranked if (r.score or 0) < 0), key=lambda r: (r.score, r.name))
    worst = [(r.name, r.score) for r in behind[:3]]
    alt = _str(m.pace_alt(pace.periods, len(ranked) - len(behind), len(behind), worst))
    return Drawn(fig, "kpi-pace", title, alt[:ALT_LIMIT])


def visits_figure(texts: Texts, quarter: QuarterVisits | None) -> Drawn | None:
    """The weekly summary: visits per week this quarter (bars), key customers past their
    cadence at each week's end (line, right axis). None when there is nothing to show."""
    if quarter is None or not any(w.visits or w.past_cadence for w in quarter.weeks):
        return None
    m = texts.macros(LABELS)
    weeks = quarter.weeks
    fig, ax = _figure(height=3.6)
    positions = list(range(len(weeks)))
    visits = [w.visits for w in weeks]
    ax.bar(positions, visits, color=BARS, width=0.7)
    ax.set_xticks(positions, labels=[_str(m.week(w.monday)) for w in weeks], fontproperties=font(8))
    _numeric_ticks(ax, "y", 0, max(visits + [1]), lambda v: f"{v:g}", integer=True)
    ax.set_ylabel(_str(m.visits_axis()), fontproperties=font(9), color=BARS)
    late = ax.twinx()
    late.plot(positions, [w.past_cadence for w in weeks], color=LINE, marker="o", linewidth=2)
    _numeric_ticks(late, "y", 0, max([w.past_cadence for w in weeks] + [1]), lambda v: f"{v:g}", integer=True)
    late.set_ylabel(_str(m.cadence_axis()), fontproperties=font(9), color=LINE)
    late.spines["top"].set_visible(False)
    title = _str(m.visits_title(quarter.quarter))
    ax.set_title(title, fontproperties=font(11), loc="left")
    alt = _str(m.visits_alt(quarter.quarter, weeks))
    return Drawn(fig, "weekly-visits", title, alt[:ALT_LIMIT])


def topics_figure(texts: Texts, topics: Sequence[TopicLoad], days: int) -> Drawn | None:
    """The manager digest: questions asked per topic (bars) and the share answered within
    the SLA (dots, right axis; none where no question's SLA has run out yet)."""
    if not topics:
        return None
    m = texts.macros(LABELS)
    fig, ax = _figure(height=1.6 + 0.32 * len(topics))
    positions = list(range(len(topics)))[::-1]  # the busiest at the top
    asked = [t.asked for t in topics]
    ax.barh(positions, asked, color=BARS, height=0.6)
    names = [t.name or _str(m.no_topic()) for t in topics]
    ax.set_yticks(positions, labels=names, fontproperties=font(9))
    _numeric_ticks(ax, "x", 0, max(asked), lambda v: f"{v:g}", integer=True)
    ax.set_xlabel(_str(m.topics_axis()), fontproperties=font(9), color=BARS)
    sla = ax.twiny()
    rated = [(p, t.sla_rate) for p, t in zip(positions, topics, strict=True) if t.sla_rate is not None]
    if rated:
        sla.scatter([r for _, r in rated], [p for p, _ in rated], color=LINE, s=40, zorder=3)
    sla.set_ylim(ax.get_ylim())
    _numeric_ticks(sla, "x", 0, 1, lambda v: _str(m.percent(v)), fixed=(0, 0.25, 0.5, 0.75, 1))
    sla.set_xlabel(_str(m.sla_axis()), fontproperties=font(9), color=LINE)
    title = _str(m.topics_title(days))
    fig.suptitle(title, fontproperties=font(11), x=0.02, ha="left")
    alt = _str(m.topics_alt(days, topics))
    return Drawn(fig, "digest-topics", title, alt[:ALT_LIMIT])


# --- drawing ---------------------------------------------------------------------------------


def _figure(height: float) -> tuple[Figure, Any]:
    fig = Figure(figsize=(8, min(max(height, 2.8), 12)), dpi=DPI, layout="constrained")
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    ax.grid(axis="both", color=GRID, linewidth=0.6)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    return fig, ax


def _numeric_ticks(
    ax: Any, axis: str, low: float, high: float, label: Callable[[float], str], *,
    integer: bool = False, fixed: Sequence[float] | None = None,
) -> None:
    """Ticks chosen here and labelled in the chart's font (matplotlib's own tick labels
    would be set in its default font)."""
    if fixed is not None:
        values = list(fixed)
    else:  # the locator's ticks, from the last at or below `low` to the first at or above `high`
        ticks = [float(v) for v in MaxNLocator(nbins=6, integer=integer).tick_values(low, high)]
        floor = max((v for v in ticks if v <= low), default=low)
        ceiling = min((v for v in ticks if v >= high), default=high)
        values = [v for v in ticks if floor <= v <= ceiling] or [low]
    setter = ax.set_xticks if axis == "x" else ax.set_yticks
    setter(values, labels=[label(v) for v in values], fontproperties=font(8))
    span = (high - low) or 1
    limits = (min(low, values[0]) - span * 0.03, max(high, values[-1]) + span * 0.03)
    (ax.set_xlim if axis == "x" else ax.set_ylim)(*limits)


def _top_and_bottom(ranked: list[RepPace], limit: int) -> list[RepPace]:
    if len(ranked) <= limit:
        return ranked
    return ranked[: limit - limit // 2] + ranked[len(ranked) - limit // 2 :]


def _png(drawn: Drawn | None) -> Chart | None:
    if drawn is None:
        return None
    out = io.BytesIO()
    drawn.figure.savefig(out, format="png", dpi=DPI, metadata={"Software": None})
    return Chart(out.getvalue(), drawn.name, drawn.title, drawn.alt)


def _str(markup: object) -> str:
    return str(markup).strip()
