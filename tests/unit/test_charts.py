"""The charts: Chinese labels drawn in the shipped font (every glyph present, no fallback
to matplotlib's DejaVu), valid PNGs, one drawing per run and language, and the numbers
they are drawn from."""

from __future__ import annotations

import io
import warnings
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont
from matplotlib.font_manager import findfont, get_font
from matplotlib.text import Text
from PIL import Image

from domain.metrics import period_containing
from rendering import charts
from rendering.i18n import Texts
from services.kpi import RepPace, TeamPace
from services.report_charts import QuarterVisits, TopicLoad, WeekVisits, _past_cadence, topic_load
from storage.question_stats import LevelStats, ResponseStats, ResponseTimes, TopicStats
from storage.visit_weeks import CustomerVisits

TODAY = date(2026, 12, 4)
QUARTER = period_containing(TODAY, "quarter")
NAMES = ["张伟", "李娜", "王芳", "刘洋", "陈静", "Grace Hopper", "赵磊", "欧阳娜娜"]


def team_pace(count: int) -> TeamPace:
    reps = tuple(
        RepPace(i, f"U{i:04d}", NAMES[i % len(NAMES)], (), Decimal(40 - i * 9) / 100, i + 1, 1, 0, 0, None)
        for i in range(count)
    )
    return TeamPace(1, TODAY, (QUARTER,), reps)


def quarter() -> QuarterVisits:
    first = date(2026, 9, 28)
    return QuarterVisits(QUARTER, tuple(WeekVisits(first + timedelta(weeks=i), 8 + i, i % 3) for i in range(10)))


TOPICS = (TopicLoad("报价与折扣", 20, 15, 18), TopicLoad("网络专线扩容", 12, 3, 6), TopicLoad(None, 4, 0, 0))


def figures(texts: Texts) -> list[charts.Drawn]:
    drawn = [charts.pace_figure(texts, team_pace(8)), charts.visits_figure(texts, quarter()), charts.topics_figure(texts, TOPICS, 28)]
    assert all(d is not None for d in drawn)
    return [d for d in drawn if d is not None]


def test_chinese_labels_are_drawn_in_the_shipped_font_with_every_glyph():
    cmap = TTFont(charts.FONT_FILE).getBestCmap()
    assert get_font(str(charts.FONT_FILE)).family_name == "Noto Sans SC"
    seen: set[str] = set()
    for drawn in figures(Texts("zh", "Asia/Shanghai")):
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # matplotlib warns "Glyph … missing from font(s)"
            drawn.figure.canvas.draw()
        labels = [t for t in drawn.figure.findobj(Text) if t.get_visible() and t.get_text().strip()]
        assert labels
        for label in labels:
            properties = label.get_fontproperties()
            assert Path(findfont(properties)) == charts.FONT_FILE, label.get_text()
            missing = [c for c in label.get_text() if not c.isspace() and ord(c) not in cmap]
            assert missing == [], label.get_text()
            seen.update(label.get_text())
    # The labels really are Chinese: titles, axes, week numbers, names.
    assert {"拜", "访", "周", "张", "伟", "主", "题", "季", "度"} <= seen


def test_the_font_is_a_small_subset_under_the_ofl():
    assert charts.FONT_FILE.stat().st_size < 3_000_000
    assert "SIL Open Font License" in (charts.FONT_FILE.parent / "OFL.txt").read_text("utf-8")
    cmap = TTFont(charts.FONT_FILE).getBestCmap()
    assert len(cmap) > 7000 and all(ord(c) in cmap for c in "经理摘要例会拜访客户季度％，。（）")


@pytest.mark.parametrize("locale", ["zh", "en"])
def test_each_chart_is_a_png_with_a_title_and_alt_text(locale):
    texts = Texts(locale, "Asia/Shanghai")
    made = [charts.pace_chart(texts, team_pace(5)), charts.visits_chart(texts, quarter()), charts.topics_chart(texts, TOPICS, 28)]
    for chart in made:
        assert chart is not None
        image = Image.open(io.BytesIO(chart.png))
        assert image.format == "PNG" and image.size[0] == 800
        assert chart.title and chart.alt and len(chart.alt) <= charts.ALT_LIMIT
        upload = chart.upload("note")
        assert set(upload) == {"png", "name", "title", "alt", "comment"}


def test_alt_text_says_what_the_chart_shows_in_the_readers_language():
    zh, en = Texts("zh", "Asia/Shanghai"), Texts("en", "Asia/Shanghai")
    pace = team_pace(6)  # scores +40 % … −5 %: four ahead, two behind
    assert charts.pace_chart(en, pace).alt == (  # type: ignore[union-attr]
        "Bar chart of KPI pace for 6 reps against expected to date (Q4 2026). Ahead or on track: 5; behind: 1. Furthest behind: Grace Hopper -5%."
    )
    assert "第49周：拜访 17 次，超周期 0 家。" in charts.visits_chart(zh, quarter()).alt  # type: ignore[union-attr]
    assert "网络专线扩容：提问 12 个，50% 在 SLA 内解答。" in charts.topics_chart(zh, TOPICS, 28).alt  # type: ignore[union-attr]
    assert "No topic: 4 asked, SLA not yet counted." in charts.topics_chart(en, TOPICS, 28).alt  # type: ignore[union-attr]


def test_a_long_team_shows_its_top_and_bottom():
    drawn = charts.pace_figure(Texts("en"), team_pace(100))
    assert drawn is not None
    axes = drawn.figure.axes[0]
    assert len(axes.get_yticklabels()) == charts.PACE_BARS
    assert "30 of 100 reps, top and bottom" in drawn.title


def test_nothing_to_draw_draws_nothing():
    texts = Texts("en")
    assert charts.pace_chart(texts, TeamPace(1, TODAY, (), ())) is None
    assert charts.visits_chart(texts, QuarterVisits(QUARTER, (WeekVisits(date(2026, 11, 30), 0, 0),))) is None
    assert charts.visits_chart(texts, None) is None
    assert charts.topics_chart(texts, (), 28) is None


def test_the_cache_draws_each_chart_once_per_language():
    cache = charts.ChartCache()
    zh, en = Texts("zh"), Texts("en")
    first = cache.get("topics", zh, TOPICS, lambda t: charts.topics_chart(t, TOPICS, 28))
    again = cache.get("topics", Texts("zh"), TOPICS, lambda t: charts.topics_chart(t, TOPICS, 28))
    english = cache.get("topics", en, TOPICS, lambda t: charts.topics_chart(t, TOPICS, 28))
    assert first is again and english is not first and cache.drawn == 2
    cache.get("topics", zh, TOPICS[:1], lambda t: charts.topics_chart(t, TOPICS[:1], 28))
    assert cache.drawn == 3  # other numbers, another drawing


def test_customers_past_cadence_at_a_weeks_end():
    # A key customer (every 14 days) visited on 1 October and 20 November; one never visited.
    visited = CustomerVisits(1, "key", None, (date(2026, 10, 1), date(2026, 11, 20)))
    never = CustomerVisits(2, "key", None, ())
    assert _past_cadence([visited], date(2026, 10, 15)) == 0  # 14 days after: not past yet
    assert _past_cadence([visited], date(2026, 10, 16)) == 1
    assert _past_cadence([CustomerVisits(3, "key", 60, (date(2026, 10, 1),))], date(2026, 11, 1)) == 0  # its own cadence
    assert _past_cadence([visited], date(2026, 11, 22)) == 0
    assert _past_cadence([visited, never], date(2026, 11, 22)) == 1


def test_topic_load_sums_sla_over_levels_busiest_first():
    times = ResponseTimes(0, None, None)
    now = datetime(2026, 12, 4, tzinfo=UTC)
    stats = ResponseStats(
        1, now - timedelta(days=28), now, 9, 6, 1, 2, 0, times, times,
        topics=[TopicStats(1, "price", "报价", 3, 3, 0, 0, times, times), TopicStats(2, "net", "专线", 6, 3, 1, 2, times, times), TopicStats(3, "x", "空", 0, 0, 0, 0, times, times)],
        levels=[LevelStats(2, "net", 1, 4, times, times, 2, 3), LevelStats(2, "net", 2, 2, times, times, 1, 1), LevelStats(1, "price", 1, 3, times, times, 0, 0)],
    )
    assert topic_load(stats) == (TopicLoad("专线", 6, 3, 4), TopicLoad("报价", 3, 0, 0))
    assert topic_load(stats)[0].sla_rate == 0.75 and topic_load(stats)[1].sla_rate is None
