"""The reports' charts for a synthetic organisation of 1,000 reps.

    python -m bench.charts [--reps 1000] [--customers 20000] [--visits 200000] [--database URL] [--out DIR]

Builds the organisation as bench/reports.py does, computes each report's chart data (the
weekly summary's visits per week with key customers past cadence, the digest's questions
by topic, `/kpi team`'s pace), then draws each chart in Chinese and English and prints:
seconds to get the data, seconds to draw the first chart of the process (matplotlib and
the font loading), the median of 3 later drawings, the PNG's size, and a cached second
request (ChartCache). Target: data and drawing under 2 s per report at 1,000 reps.
With --out the PNGs are written there.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bench.reports import DIGEST_AT, NOW, Size, fresh_org, size_arguments
from rendering import charts
from rendering.i18n import Texts
from services import kpi
from services.manager_digest import RESPONSE_WINDOW
from services.report_charts import quarter_visits, topic_load
from storage.question_stats import response_stats

RUNS = 3


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    size_arguments(parser)
    parser.add_argument("--database", help="database URL (default: a temporary SQLite file)")
    parser.add_argument("--out", help="write the PNGs into this folder")
    args = parser.parse_args()
    size = Size(args.reps, args.customers, args.visits)
    with tempfile.TemporaryDirectory() as folder:
        database, team_id = fresh_org(args.database or f"sqlite:///{folder}/charts.db", size)

        with database.session_scope() as session:
            today = NOW.astimezone(ZoneInfo("Asia/Shanghai")).date()
            data: dict[str, tuple[float, object]] = {
                "weekly visits": _timed(lambda: quarter_visits(session, team_id, today)),
                "digest topics": _timed(lambda: topic_load(response_stats(session, team_id, DIGEST_AT - RESPONSE_WINDOW, DIGEST_AT))),
                "kpi pace": _timed(lambda: kpi.team_pace(session, team_id, today)),
            }
        database.dispose()

    out = Path(args.out) if args.out else None
    if out:
        out.mkdir(parents=True, exist_ok=True)
    print()
    print(f"{'chart':14} {'lang':4} {'data s':>7} {'first s':>8} {'draw s':>7} {'total s':>8} {'cached s':>9} {'PNG KB':>7}")
    for name, (data_seconds, value) in data.items():
        for locale in ("zh", "en"):
            texts = Texts(locale, "Asia/Shanghai")
            paint = partial(_draw, name, value)
            first, chart = _timed(partial(paint, texts))
            runs = [_timed(partial(paint, texts))[0] for _ in range(RUNS)]
            cache = charts.ChartCache()
            cache.get(name, texts, value, paint)
            cached, _ = _timed(partial(cache.get, name, texts, value, paint))
            assert isinstance(chart, charts.Chart)
            drawing = statistics.median(runs)
            total = data_seconds + drawing
            print(
                f"{name:14} {locale:4} {data_seconds:7.3f} {first:8.3f} {drawing:7.3f} {total:8.3f} {cached:9.4f} "
                f"{len(chart.png) / 1024:7.1f}  {'under' if total < 2 else 'OVER'} 2 s"
            )
            if out:
                (out / f"{chart.name}-{locale}.png").write_bytes(chart.png)


def _draw(name: str, value: Any, texts: Texts) -> charts.Chart | None:
    if name == "weekly visits":
        return charts.visits_chart(texts, value)
    if name == "digest topics":
        return charts.topics_chart(texts, value, RESPONSE_WINDOW.days)
    return charts.pace_chart(texts, value)


def _timed(work: Callable[[], object]) -> tuple[float, object]:
    started = time.perf_counter()
    result = work()
    return time.perf_counter() - started, result


if __name__ == "__main__":
    main()
