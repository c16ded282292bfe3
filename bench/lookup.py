"""Customer lookup as a team grows: the quick log's "which customer?" and the form's type-ahead.

    python -m bench.lookup [--reps 1000] [--customers 20000] [--database URL]

Builds the synthetic org of bench.reports (few visits: they play no part here) at a tenth
of the size and at full size, then times `match_customer` (what `/visit <customer>; …`
runs) for a full name, a part of one and a typo, and the customer type-ahead for a manager
(the whole team) and for a rep (their own). "first" is the first lookup in a fresh process,
which reads the team's customers; later ones use the process's copy until a customer changes.
SQL is the number of statements of one later lookup.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from collections.abc import Callable

from sqlalchemy import select

from bench.reports import Size, _empty, build_org, count_statements
from services import customer_index
from services.customers import search_customers
from storage import db
from storage.models import Customer, Member

LOOKUPS: dict[str, Callable[[int], str]] = {
    "quick log, full name": lambda n: f"客户{n // 2:06d}",
    "quick log, part of a name": lambda n: f"客户{n // 2:06d}"[:-1],
    "quick log, a typo": lambda n: f"客户{n // 2:06d}".replace("客户", "各户"),
}
REPEAT = 30


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reps", type=int, default=1000)
    parser.add_argument("--customers", type=int, default=20000)
    parser.add_argument("--database", help="database URL (default: a temporary SQLite file per size)")
    args = parser.parse_args()
    sizes = (Size(max(1, args.reps // 10), max(1, args.customers // 10), 100), Size(args.reps, args.customers, 100))
    print(f"{'lookup':28} {'customers':>10} {'first ms':>9} {'then ms':>8} {'SQL':>4}  answer")
    with tempfile.TemporaryDirectory() as folder:
        for index, size in enumerate(sizes):
            database = db.open_database(args.database or f"sqlite:///{folder}/lookup-{index}.db", migrate=True)
            _empty(database)
            run_size(database, size, build_org(database, size, random.Random(7)))
            database.dispose()


def run_size(database: db.Database, size: Size, team_id: int) -> None:
    with database.session_scope() as session:
        rep_id = session.scalar(select(Customer.owner_id).where(Customer.team_id == team_id).limit(1))
        own = [session.get_one(Member, rep_id).id]
    for name, query in LOOKUPS.items():
        text = query(size.customers)
        report(database, name, size, lambda s, text=text: customer_index.match_customer(s, team_id, text).kind)
    report(database, "type-ahead, manager (all)", size, lambda s: len(search_customers(customer_index.searchable(s, team_id), "客户0005")))
    report(database, "type-ahead, manager, a typo", size, lambda s: len(search_customers(customer_index.searchable(s, team_id), "各户0005")))
    report(database, "type-ahead, a rep (own)", size, lambda s: len(search_customers(customer_index.searchable(s, team_id, owner_ids=own), "客户")))


def report(database: db.Database, name: str, size: Size, lookup: Callable) -> None:
    first = None
    timings = []
    customer_index.clear()  # "first": as in a process that has not read this team's customers yet
    for attempt in range(REPEAT + 1):
        with database.session_scope() as session, count_statements(database) as counted:
            started = time.perf_counter()
            answer = lookup(session)
            elapsed = (time.perf_counter() - started) * 1000
        if attempt == 0:
            first = elapsed
        else:
            timings.append(elapsed)
    print(f"{name:28} {size.customers:>10,} {first:9.1f} {statistics.median(timings):8.2f} {counted[0]:>4}  {answer}")


if __name__ == "__main__":
    main()
