"""Spreadsheet exports and calendar feeds on the synthetic organisation of bench.reports.

    python -m bench.exports_feeds [--reps 1000] [--customers 20000] [--visits 200000] [--database URL]

Prints, for the quarter's visits and follow-ups: seconds to build the xlsx file and the CSV
file (rows, bytes); and for a rep's and a manager's calendar feed: seconds to build it
(median of 3 warm runs), events and bytes.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from typing import Any

from sqlalchemy import select

from bench.reports import NOW, Size, fresh_org, size_arguments
from domain.metrics import period_containing
from exports import Selection, export_file
from rendering.calendar_feed import feed_ics
from rendering.i18n import Texts
from services import calendar_feeds
from storage import db
from storage.models import Member


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    size_arguments(parser)
    parser.add_argument("--database", help="database URL (default: a temporary SQLite file)")
    args = parser.parse_args()
    size = Size(args.reps, args.customers, args.visits)
    with tempfile.TemporaryDirectory() as folder:
        database, team_id = fresh_org(args.database or f"sqlite:///{folder}/exports.db", size)
        print()
        quarter = period_containing(NOW.date(), "quarter")
        selection = Selection(quarter.start, quarter.end, team_id)
        texts = Texts("zh", "Asia/Shanghai")

        def header(kind: str, column: str) -> str:
            return texts.macro("cli/export", "column", kind, column)

        print(f"{'what':34} {'seconds':>8} {'rows/events':>12} {'bytes':>11}")
        for kind in ("visits", "followups"):
            for fmt in ("xlsx", "csv"):

                def export(session: Any, kind: str = kind, fmt: str = fmt) -> tuple[bytes, int]:
                    return export_file(session, kind, selection, fmt, header if fmt == "xlsx" else None)

                seconds, (data, rows) = timed(database, export)
                print(f"{f'export {kind} {quarter.key} {fmt}':34} {seconds:8.2f} {rows:12,d} {len(data):11,d}")
        with database.session_scope() as session:
            rep = session.scalar(select(Member.id).where(Member.team_id == team_id, Member.slack_id == "UREP00002"))
            manager = session.scalar(select(Member.id).where(Member.team_id == team_id, Member.slack_id == "UMGR00000"))
            assert rep is not None and manager is not None
            tokens = {name: calendar_feeds.issue(session, member_id, NOW, reset=False).token for name, member_id in (("rep", rep), ("manager", manager))}
        for name, token in tokens.items():
            assert token is not None

            def feed(session: Any, token: str = token) -> tuple[bytes, int]:
                who = calendar_feeds.owner(session, token)
                assert who is not None
                events = calendar_feeds.events(session, who, "zh", NOW)
                return feed_ics(texts, who, events), len(events)

            timed(database, feed)  # warm-up: the holiday tables, templates
            runs = [timed(database, feed) for _ in range(3)]
            body, events = runs[0][1]
            print(f"{f'calendar feed of a {name}':34} {statistics.median(r[0] for r in runs):8.3f} {events:12,d} {len(body):11,d}")
        database.dispose()


def timed(database: db.Database, work: Callable[[Any], Any]) -> tuple[float, Any]:
    with database.session_scope() as session:
        started = time.perf_counter()
        result = work(session)
        return time.perf_counter() - started, result


if __name__ == "__main__":
    main()
