"""The weekly summary and the manager digest on a synthetic organisation, at two sizes.

    python -m bench.reports [--reps 1000] [--customers 20000] [--visits 200000] [--database URL]

Builds the organisation with bulk inserts (SQLAlchemy Core `insert()` with lists of
dicts), once at the given size and once at a tenth of it (100 reps by default), and
prints for each report: seconds to compute it (median of 3 warm runs) and to render it,
SQL statements issued (counted with a `before_cursor_execute` listener), peak Python
memory while computing (tracemalloc), and the ratio large/small. Targets: under 2 s at
1,000 reps, and the same number of statements at both sizes.

With --database the tables are emptied before each size (use a scratch database).
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import event, insert, text

from domain.kpi_input import week_bounds
from domain.metrics import period_containing
from rendering.digest_blocks import manager_message, weekly_message
from rendering.i18n import Texts
from services.manager_digest import manager_digest
from services.weekly_summary import weekly_summary
from storage import db
from storage.models import (
    Base,
    Customer,
    Followup,
    Handover,
    KpiEntry,
    KpiTarget,
    Member,
    Question,
    QuestionEvent,
    Team,
    Topic,
    TopicResponder,
    Visit,
)

NOW = datetime(2026, 12, 4, 7, 30, tzinfo=UTC)  # Friday 15:30 in Shanghai: the summary's time
DIGEST_AT = datetime(2026, 12, 7, 0, 30, tzinfo=UTC)  # the Monday after, 08:30: the digest's
DAYS_OF_HISTORY = 364
CHUNK = 5000
NEEDS = ["专线扩容到 {n}M", "新增 {n} 张物联网卡", "5G 专网试点", "云专线+IDC 报价", "SD-WAN 组网方案", "视频会议专线", "统一月结账单", "备份链路"]
CONCERNS = ["价格比友商高", "故障恢复太慢", "开通周期太长", "发票抬头出错", "覆盖不到车间", "合同违约金", "", ""]
TIERS = ["key"] * 2 + ["premium"] * 3 + ["regular"] * 5
METRICS = ("new_customers", "revenue", "visits", "complaints", "lost_customers")


@dataclass(frozen=True)
class Size:
    reps: int
    customers: int
    visits: int

    def label(self) -> str:
        return f"{self.reps} reps / {self.customers} customers / {self.visits} visits"


@dataclass
class Measure:
    seconds: float
    render_seconds: float
    statements: int
    peak_mb: float


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    size_arguments(parser)
    parser.add_argument("--database", help="database URL (default: a temporary SQLite file per size)")
    args = parser.parse_args()
    large = Size(args.reps, args.customers, args.visits)
    small = Size(max(1, args.reps // 10), max(1, args.customers // 10), max(1, args.visits // 10))

    results: dict[Size, dict[str, Measure]] = {}
    with tempfile.TemporaryDirectory() as folder:
        for index, size in enumerate((small, large)):
            url = args.database or f"sqlite:///{folder}/reports-{index}.db"
            database = db.open_database(url, migrate=True)
            _empty(database)
            started = time.perf_counter()
            team_id = build_org(database, size, random.Random(7))
            setup = time.perf_counter() - started
            print(f"{database.dialect}: built {size.label()} in {setup:.1f} s")
            results[size] = {
                "weekly summary": measure(database, lambda s, t=team_id: weekly_summary(s, t, NOW), weekly_message),
                "manager digest": measure(database, lambda s, t=team_id: manager_digest(s, t, DIGEST_AT), manager_message),
            }
            database.dispose()
    print()
    print(f"{'report':16} {'size':>44} {'compute s':>10} {'render s':>9} {'SQL':>5} {'peak MB':>8}")
    for size, reports in results.items():
        for name, m in reports.items():
            print(f"{name:16} {size.label():>44} {m.seconds:10.3f} {m.render_seconds:9.3f} {m.statements:5d} {m.peak_mb:8.1f}")
    print()
    for name in ("weekly summary", "manager digest"):
        a, b = results[small][name], results[large][name]
        print(
            f"{name:16} ratio {large.reps}/{small.reps} reps: time {b.seconds / a.seconds:5.2f}x · "
            f"statements {b.statements}/{a.statements} · memory {b.peak_mb / a.peak_mb:5.2f}x · "
            f"{'under' if b.seconds < 2 else 'OVER'} 2 s"
        )


def measure(database: db.Database, compute: Callable, render: Callable) -> Measure:
    with database.session_scope() as session:
        compute(session)  # warm-up: imports, template compilation, the database's caches
    timings, renders = [], []
    for _ in range(3):
        with database.session_scope() as session, count_statements(database) as counted:
            started = time.perf_counter()
            report = compute(session)
            timings.append(time.perf_counter() - started)
        started = time.perf_counter()
        render(Texts("zh", "Asia/Shanghai"), report)
        renders.append(time.perf_counter() - started)
    tracemalloc.start()
    with database.session_scope() as session:
        compute(session)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return Measure(statistics.median(timings), statistics.median(renders), counted[0], peak / 1e6)


@contextmanager
def count_statements(database: db.Database) -> Iterator[list[int]]:
    counted = [0]

    def count(*_args) -> None:
        counted[0] += 1

    event.listen(database.engine, "before_cursor_execute", count)
    try:
        yield counted
    finally:
        event.remove(database.engine, "before_cursor_execute", count)


# --- the synthetic organisation ----------------------------------------------------------


def build_org(database: db.Database, size: Size, rng: random.Random) -> int:
    today = NOW.date()
    with database.engine.begin() as conn:
        team_id = conn.execute(
            insert(Team).returning(Team.id),
            [dict(name=f"bench {size.reps}", channel="C0BENCH", timezone="Asia/Shanghai", language="zh", calendar="CN",
                  meeting_day="fri", meeting_time="16:00", schedule={}, require_followup_due=False, created_at=NOW - timedelta(days=400))],
        ).scalar_one()

        def people(prefix: str, count: int, roles: list[str], **extra) -> list[int]:
            rows = [dict(team_id=team_id, slack_id=f"U{prefix}{i:05d}", name=f"{prefix}{i:05d}", roles=roles, active=True, **extra) for i in range(count)]
            return list(conn.execute(insert(Member).returning(Member.id), rows).scalars())

        people("MGR", 2, ["manager"])
        reps = people("REP", size.reps, ["rep"], rep_level="traditional")
        support = people("SUP", max(3, size.reps // 50), ["support"], support_level=1)
        # A/B pairs; every 25th rep is left without a partner so the digest has gaps to show.
        for a, b in zip(reps[0::2], reps[1::2], strict=False):
            if a % 25:
                conn.execute(text("UPDATE members SET backup_id = :b WHERE id = :a"), [{"a": a, "b": b}, {"a": b, "b": a}])

        customers = _bulk(conn, Customer, (
            dict(team_id=team_id, name=f"客户{i:06d}", aliases=[], owner_id=reps[i % len(reps)], tier=rng.choice(TIERS), active=True)
            for i in range(size.customers)
        ))
        topic_ids = list(conn.execute(insert(Topic).returning(Topic.id), [
            dict(team_id=team_id, key=f"t{i}", name=f"topic {i}", keywords=[f"k{i}"], sla_minutes={}) for i in range(5)
        ]).scalars())
        conn.execute(insert(TopicResponder), [dict(topic_id=t, level=1, member_id=support[i % len(support)], position=0) for i, t in enumerate(topic_ids)])

        owner_of = {c: reps[i % len(reps)] for i, c in enumerate(customers)}
        visit_rows: list[dict[str, Any]] = []
        for _ in range(size.visits):
            customer = rng.choice(customers)
            day = today - timedelta(days=rng.randint(0, DAYS_OF_HISTORY))
            visit_rows.append(dict(
                team_id=team_id, customer_id=customer, rep_id=owner_of[customer], logged_by_id=owner_of[customer], visit_date=day,
                type="onsite", needs=rng.choice(NEEDS).format(n=rng.choice([100, 200, 500])), concerns=rng.choice(CONCERNS) or None,
                logged_at=datetime.combine(day, datetime.min.time(), tzinfo=UTC),
            ))
        visit_ids = _bulk(conn, Visit, visit_rows)
        followups = []
        for visit_id, row in zip(visit_ids, visit_rows, strict=True):
            if rng.random() < 0.5:
                due = row["visit_date"] + timedelta(days=rng.randint(2, 14))
                done = due < today and rng.random() < 0.8
                followups.append(dict(
                    team_id=team_id, visit_id=visit_id, customer_id=row["customer_id"], text="发送正式报价", owner_id=row["rep_id"], due=due,
                    status="done" if done else "open", done_at=datetime.combine(due, datetime.min.time(), tzinfo=UTC) if done else None,
                    created_at=row["logged_at"],
                ))
        _bulk(conn, Followup, followups, returning=False)

        quarter = period_containing(today, "quarter")
        _bulk(conn, KpiTarget, (dict(team_id=team_id, member_id=r, period=quarter.key, metric=m, value=Decimal(rng.randint(2, 30))) for r in reps for m in METRICS), returning=False)
        _bulk(conn, KpiEntry, (
            dict(team_id=team_id, member_id=r, metric=rng.choice(("new_customers", "revenue", "complaints", "praise", "lost_customers")),
                 value=Decimal(rng.randint(1, 3)), occurred_on=today - timedelta(days=rng.randint(0, 90)), source="import",
                 entered_at=NOW, undone=False)
            for r in reps for _ in range(30)
        ), returning=False)
        monday, _ = week_bounds(today)
        _bulk(conn, Handover, (
            dict(team_id=team_id, member_id=r, cover_id=r + 1, starts_at=_at(monday + timedelta(days=7 + i % 10)),
                 ends_at=_at(monday + timedelta(days=9 + i % 10)), status=rng.choice(["requested", "accepted", "approval"]), via=False, created_at=NOW)
            for i, r in enumerate(reps[: max(1, len(reps) // 20)])
        ), returning=False)
        _questions(conn, team_id, reps, support, topic_ids, rng, size.reps * 2)
    return team_id


def _questions(conn, team_id: int, reps: list[int], support: list[int], topics: list[int], rng: random.Random, count: int) -> None:
    rows = []
    for i in range(count):
        asked = NOW - timedelta(days=rng.randint(0, 56), hours=rng.randint(0, 8))
        answered = i % 5 != 0
        rows.append(dict(
            team_id=team_id, asker_id=rng.choice(reps), topic_id=topics[i % len(topics)], level=1, text=f"问题 {i}",
            status="answered" if answered else "open", assignee_id=support[i % len(support)], asked_at=asked, routed_at=asked,
            sla_due_at=asked + timedelta(hours=2), claimed_at=asked + timedelta(minutes=30) if answered else None,
            answered_at=asked + timedelta(hours=3) if answered else None, answered_by_id=support[i % len(support)] if answered else None,
            escalations=0,
        ))
    ids = _bulk(conn, Question, rows)
    events = []
    for question_id, row in zip(ids, rows, strict=True):
        who = row["assignee_id"]
        events.append(dict(question_id=question_id, kind="routed", actor_id=None, assignee_id=who, level=1, at=row["asked_at"], detail={}))
        if row["answered_at"]:
            events.append(dict(question_id=question_id, kind="claimed", actor_id=who, assignee_id=None, level=1, at=row["claimed_at"], detail={}))
            events.append(dict(question_id=question_id, kind="answered", actor_id=who, assignee_id=None, level=1, at=row["answered_at"], detail={}))
    _bulk(conn, QuestionEvent, events, returning=False)


def _bulk(conn, model, rows, *, returning: bool = True) -> list[int]:
    """Insert in chunks; the new ids in order when `returning`."""
    ids: list[int] = []
    batch: list[dict] = []
    for row in rows:
        batch.append(row)
        if len(batch) == CHUNK:
            ids += _insert(conn, model, batch, returning)
            batch = []
    if batch:
        ids += _insert(conn, model, batch, returning)
    return ids


def _insert(conn, model, batch: list[dict], returning: bool) -> list[int]:
    if not returning:
        conn.execute(insert(model), batch)
        return []
    return list(conn.execute(insert(model).returning(model.id, sort_by_parameter_order=True), batch).scalars())


def _at(day: date) -> datetime:
    return datetime.combine(day, datetime.min.time(), tzinfo=UTC) - timedelta(hours=8)


def size_arguments(parser: argparse.ArgumentParser) -> None:
    """--reps / --customers / --visits / --database, as every organisation-sized benchmark takes them."""
    parser.add_argument("--reps", type=int, default=1000)
    parser.add_argument("--customers", type=int, default=20000)
    parser.add_argument("--visits", type=int, default=200000)


def fresh_org(url: str, size: Size) -> tuple[db.Database, int]:
    """A migrated, emptied database at `url` holding one organisation of `size`: (database, team id)."""
    database = db.open_database(url, migrate=True)
    _empty(database)
    started = time.perf_counter()
    team_id = build_org(database, size, random.Random(7))
    print(f"{database.dialect}: built {size.label()} in {time.perf_counter() - started:.1f} s")
    return database, team_id


def _empty(database: db.Database) -> None:
    with database.engine.begin() as conn:
        tables = [t.name for t in reversed(Base.metadata.sorted_tables)]
        if database.dialect == "postgresql":
            conn.execute(text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                conn.execute(text(f'DELETE FROM "{table}"'))


if __name__ == "__main__":
    main()
