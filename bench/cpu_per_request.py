"""CPU per request, SQL per request, and whether they stay flat as a team's data grows.

    python -m bench.cpu_per_request [--quick] [--requests 200] [--database URL]
                                    [--memory 20000 | --memory 0] [--profile DIR]

ambot and a bare Bolt app (bench.bare_bolt.answering_app: it acks and answers each
request the same way, with no work of its own) run side by side, each in its own
process on the same HTTP front (bench.serve_instrumented); the fake Slack runs in this
process. One client sends each kind of request, signed, and waits for its answer (the
reply, DM or closed form) before the next. For each kind and data size: the server's
process CPU per request (user + system, /proc), SQL statements and commits per request
(counted by SQLAlchemy events in the server). Data sizes: the demo team, then the rep
asking gets 5 / 500 / 5,000 open follow-ups and the team 1,000 / 1,000 / 100,000 visits
(bulk inserts). Memory: the ambot worker's RSS after N mixed requests against after
1,000, next to the bare app's.

`--database postgresql://…/ambot_bench` empties that database's tables first (a scratch
database; never point it at real data).
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import secrets
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from bench.ack_latency import free_port
from slackio import ids
from slackio.fake_api import FakeSlack
from slackio.requests import BUILTIN_SHAPES, signed_headers, slash_command_body

ROOT = Path(__file__).resolve().parent.parent
REP = "U0REP1"
CUSTOMER = "华东制造集团"
TICK = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class Size:
    followups: int
    visits: int

    def label(self) -> str:
        return f"{self.followups:,} fu / {self.visits:,} visits"


SIZES = (Size(5, 1_000), Size(500, 1_000), Size(5_000, 100_000))
QUICK_SIZES = (Size(5, 1_000), Size(500, 5_000))


# --- the requests ----------------------------------------------------------------------------


@dataclass
class Context:
    response_url: str
    customer_id: int
    followup_ids: list[int]
    run: str  # unique per run: keeps form ids and texts apart between runs


def command(name: str, text: Callable[[int], str]) -> Callable[[Context, int], tuple[str, str]]:
    def body(ctx: Context, i: int) -> tuple[str, str]:
        return slash_command_body(name, text(i), REP, response_url=ctx.response_url), "application/x-www-form-urlencoded"

    return body


def snooze(ctx: Context, i: int) -> tuple[str, str]:
    followup = ctx.followup_ids[i % len(ctx.followup_ids)]
    action = {"action_id": ids.FOLLOWUP_SNOOZE_DAY, "block_id": f"fu_{followup}", "type": "button", "value": str(followup)}
    # The /visit followups list is ephemeral: Slack sends no blocks back, so the list is redrawn.
    payload = BUILTIN_SHAPES.block_actions(REP, action, response_url=ctx.response_url, message={"blocks": [], "text": ""}, channel_id="C0GENERAL")
    return urlencode({"payload": json.dumps(payload, ensure_ascii=False)}), "application/x-www-form-urlencoded"


def form_submit(ctx: Context, i: int) -> tuple[str, str]:
    values: dict[str, dict[str, Any]] = {
        "customer": {ids.VISIT_CUSTOMER: {"type": "external_select", "selected_option": {"text": {"type": "plain_text", "text": CUSTOMER}, "value": str(ctx.customer_id)}}},
        "date": {"date": {"type": "datepicker", "selected_date": date.today().isoformat()}},
        "type": {"type": {"type": "static_select", "selected_option": {"text": {"type": "plain_text", "text": "onsite"}, "value": "onsite"}}},
        "purpose": {"purpose": {"type": "plain_text_input", "value": "季度回顾"}},
        "needs": {"needs": {"type": "plain_text_input", "value": f"{i} 条物联网卡"}},
        "concerns": {"concerns": {"type": "plain_text_input", "value": "价格"}},
        "notes": {"notes": {"type": "plain_text_input", "value": None}},
        "followup": {"followup": {"type": "plain_text_input", "value": "发送正式报价"}},
        "due": {"due": {"type": "datepicker", "selected_date": (date.today() + timedelta(days=5)).isoformat()}},
        "owner": {"owner": {"type": "users_select", "selected_user": None}},
        "next_visit": {"next_visit": {"type": "datepicker", "selected_date": None}},
    }
    view = {"id": f"VB{ctx.run}{i}", "callback_id": ids.VISIT_MODAL, "private_metadata": json.dumps({"rows": 1}), "blocks": []}
    payload = BUILTIN_SHAPES.view_submission(REP, view, values)
    return urlencode({"payload": json.dumps(payload, ensure_ascii=False)}), "application/x-www-form-urlencoded"


KINDS: dict[str, Callable[[Context, int], tuple[str, str]]] = {
    "quick log": command("/visit", lambda i: f"{CUSTOMER}；需求：{i} 条物联网卡；顾虑：价格；跟进：发送报价 截止 明天"),
    "/visit list": command("/visit", lambda i: "list"),
    "/kpi": command("/kpi", lambda i: ""),
    "/ask unmatched": command("/ask", lambda i: f"食堂今天的菜单 {i}"),
    "/ask routed": command("/ask", lambda i: f"无锡到南京的 MPLS 跨域电路第 {i} 段什么时候能割接？"),
    "/visit followups": command("/visit", lambda i: "followups"),
    "form submit": form_submit,
    "Snooze button": snooze,
}


# --- the servers ------------------------------------------------------------------------------


class Server:
    def __init__(self, app: str, env: dict[str, str], profile: str | None, root: Path = ROOT, sql_log: str | None = None) -> None:
        self.port = free_port()
        extra = (["--profile", profile] if profile else []) + (["--log-sql", sql_log] if sql_log else [])
        self.process = subprocess.Popen([sys.executable, "-m", "bench.serve_instrumented", "--app", app, "--port", str(self.port), *extra],
                                        cwd=root, env=env, stdout=subprocess.PIPE, text=True)
        assert self.process.stdout is not None
        if self.process.stdout.readline().strip() != "ready":
            raise RuntimeError(f"{app} did not start")
        self.url = f"http://127.0.0.1:{self.port}/slack/events"
        self.last = b""

    def cpu(self) -> float:
        raw = Path(f"/proc/{self.process.pid}/stat").read_text()
        fields = raw[raw.rindex(")") + 2 :].split()
        return (int(fields[11]) + int(fields[12])) / TICK

    def stats(self) -> dict[str, int]:
        with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/bench/stats", timeout=10) as answer:
            return json.loads(answer.read())

    def post(self, secret: str, body: str, content_type: str) -> float:
        """Send one signed request; the seconds until its HTTP answer (the ack)."""
        request = urllib.request.Request(self.url, data=body.encode(), headers=signed_headers(secret, body, content_type=content_type), method="POST")
        started = time.perf_counter()
        with urllib.request.urlopen(request, timeout=30) as answer:
            self.last = server_last[0] = answer.read()
            if answer.status != 200:
                raise RuntimeError(f"HTTP {answer.status}")
        return time.perf_counter() - started

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


@dataclass
class Cell:
    cpu_ms: float
    statements: float
    commits: float
    ack_ms: float
    front_wait_ms: float  # in the HTTP thread until the ack, not on its CPU


server_last = [b""]  # the last ack's body, for the error when an answer does not come


# Calls that answer the request; a Home redraw (views.publish) or a profile read may or
# may not come with it (the Home is redrawn at most so often).
SIDE_CALLS = {"views.publish", "users.info", "auth.test"}


def answers(fake: FakeSlack) -> int:
    return sum(1 for c in fake.calls if c.method not in SIDE_CALLS)


def wait_calls(fake: FakeSlack, count: int, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    with fake._changed:
        while answers(fake) < count:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise RuntimeError(f"ack {server_last[0][:300]!r}; expected {count} calls to Slack, saw {answers(fake)}: {[c.method for c in fake.calls[-5:]]}")
            fake._changed.wait(remaining)


def answers_per_request(fake: FakeSlack, server: Server, secret: str, make: Callable[[int], tuple[str, str]], i: int) -> int:
    """Warm-up: how many calls one request of this kind makes to Slack (settled)."""
    with fake._lock:
        fake.calls.clear()
    server.post(secret, *make(i))
    wait_calls(fake, 1)
    fake.settle(quiet=0.6, timeout=20)
    with fake._lock:
        bad = [(c.method, c.response.get("error")) for c in fake.calls if not c.ok]
        count = answers(fake)
        methods = [c.method for c in fake.calls]
    if os.environ.get("BENCH_DEBUG"):
        print("warm-up calls:", methods, file=sys.stderr)
    if bad or count == 0:
        raise RuntimeError(f"unexpected answers: {count} calls, failed: {bad}; ack: {server.last[:300]!r}")
    return count


def measure(fake: FakeSlack, server: Server, secret: str, make: Callable[[int], tuple[str, str]], start: int, requests: int) -> Cell:
    answers_per_request(fake, server, secret, make, start)  # first use: caches, profiles
    expected = answers_per_request(fake, server, secret, make, start + 1)
    with fake._lock:
        fake.calls.clear()
    before, cpu_before = server.stats(), server.cpu()
    acks: list[float] = []
    for n in range(requests):
        acks.append(server.post(secret, *make(start + 2 + n)))
        wait_calls(fake, expected * (n + 1))
    time.sleep(0.05)  # the listener's thread returns just after its last send
    cpu_after = server.cpu()
    after = server.stats()
    acks.sort()
    return Cell(
        cpu_ms=(cpu_after - cpu_before) * 1000 / requests,
        statements=(after["statements"] - before["statements"]) / requests,
        commits=(after["commits"] - before["commits"]) / requests,
        ack_ms=acks[len(acks) // 2] * 1000,
        front_wait_ms=((after["front_wall_us"] - before["front_wall_us"]) - (after["front_cpu_us"] - before["front_cpu_us"])) / 1000 / requests,
    )


# --- the data --------------------------------------------------------------------------------------


def prepare(database_url: str, users_file: Path) -> None:
    from sqlalchemy import text

    from bench.ack_latency import prepare_demo_team
    from storage import db
    from storage.models import Base

    if database_url.startswith("postgresql"):
        database = db.open_database(database_url)
        with database.engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        database.dispose()
    del Base
    prepare_demo_team(database_url, users_file)


def grow(database_url: str, size: Size) -> list[int]:
    """Bring the rep's open follow-ups and the team's visits up to `size` (bulk inserts);
    returns the rep's open follow-up ids."""
    from sqlalchemy import func, insert, select

    from storage import db
    from storage.models import Customer, Followup, Member, Team, Visit

    database = db.open_database(database_url)
    now = datetime.now(UTC)
    with database.engine.begin() as conn:
        team_id = conn.execute(select(Team.id)).scalars().first()
        rep_id = conn.execute(select(Member.id).where(Member.slack_id == REP)).scalar_one()
        reps = [rep_id]
        customers = list(conn.execute(select(Customer.id, Customer.owner_id).where(Customer.team_id == team_id)))
        mine = [c for c, owner in customers if owner == rep_id] or [customers[0][0]]
        visits = conn.execute(select(func.count()).select_from(Visit).where(Visit.team_id == team_id)).scalar_one()
        rows = []
        for n in range(max(0, size.visits - visits)):
            customer, owner = customers[n % len(customers)]
            rows.append(dict(team_id=team_id, customer_id=customer, rep_id=owner or reps[n % len(reps)], logged_by_id=owner or rep_id,
                             visit_date=now.date() - timedelta(days=1 + n % 700), type="onsite", needs=f"需求 {n}", concerns="价格",
                             logged_at=now - timedelta(days=1 + n % 700)))
            if len(rows) == 5000:
                conn.execute(insert(Visit), rows)
                rows = []
        if rows:
            conn.execute(insert(Visit), rows)
        open_now = conn.execute(select(func.count()).select_from(Followup).where(Followup.owner_id == rep_id, Followup.status == "open")).scalar_one()
        extra = [dict(team_id=team_id, customer_id=mine[n % len(mine)], text=f"跟进事项 {n}", owner_id=rep_id, status="open",
                      due=date.today() + timedelta(days=30 + n % 300), created_at=now, created_by_id=rep_id)
                 for n in range(max(0, size.followups - open_now))]
        for start in range(0, len(extra), 5000):
            conn.execute(insert(Followup), extra[start : start + 5000])
        followup_ids = list(conn.execute(select(Followup.id).where(Followup.owner_id == rep_id, Followup.status == "open").order_by(Followup.id)).scalars())
        customer_id = conn.execute(select(Customer.id).where(Customer.name == CUSTOMER)).scalar_one()
    database.dispose()
    return [customer_id, *followup_ids]


# --- memory ---------------------------------------------------------------------------------------


def memory(fake: FakeSlack, servers: dict[str, Server], secret: str, ctx: Context, total: int) -> dict[str, tuple[int, int]]:
    """RSS (kB) of each server after 1,000 mixed requests and after `total`."""
    kinds = list(KINDS.values())
    out: dict[str, tuple[int, int]] = {}
    for name, server in servers.items():
        early = 0
        for n in range(total):
            with fake._lock:
                base = answers(fake)
            server.post(secret, *kinds[n % len(kinds)](ctx, 10_000_000 + n))
            wait_calls(fake, base + 1)  # one client: the next request once this one is answered
            if n % 200 == 199:
                fake.settle(quiet=0.1, timeout=20)
                with fake._lock:
                    fake.calls.clear()
            if n + 1 == min(1000, total):
                fake.settle(quiet=0.5, timeout=20)
                early = server.stats()["rss_kb"]
        fake.settle(quiet=0.5, timeout=20)
        out[name] = (early, server.stats()["rss_kb"])
    return out


# --- the run ---------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="two small sizes, 30 requests per cell, 2,000 for memory")
    parser.add_argument("--requests", type=int, help="requests per kind and size (default 200; --quick 30)")
    parser.add_argument("--database", help="database URL (default: a temporary SQLite file)")
    parser.add_argument("--memory", type=int, help="mixed requests for the memory check (default 20,000; --quick 2,000; 0: skip)")
    parser.add_argument("--kinds", nargs="*", help="only these kinds (names as printed)")
    parser.add_argument("--profile", help="a folder: write ambot's cProfile and SQL statements per size there")
    parser.add_argument("--before", type=Path, help="a copy of an earlier ambot (with this bench/ copied in): measured beside, as 'before'")
    args = parser.parse_args()
    requests = args.requests or (30 if args.quick else 200)
    sizes = QUICK_SIZES if args.quick else SIZES
    memory_total = args.memory if args.memory is not None else (2_000 if args.quick else 20_000)
    kinds = {k: v for k, v in KINDS.items() if not args.kinds or k in args.kinds}
    secret = secrets.token_hex(16)
    run = secrets.token_hex(3)

    with tempfile.TemporaryDirectory() as folder:
        database_url = args.database or f"sqlite:///{folder}/bench.db"
        users_file = Path(folder) / "users.json"
        prepare(database_url, users_file)
        fake = FakeSlack(token="xoxb-bench", users=json.loads(users_file.read_text("utf-8"))).start()
        env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "AMBOT_"))}
        env.update(DATABASE_URL=database_url, SLACK_BOT_TOKEN="xoxb-bench", SLACK_SIGNING_SECRET=secret, SLACK_API_URL=fake.api_url, AMBOT_LOG_LEVEL="WARNING")
        backend = "PostgreSQL" if database_url.startswith("postgresql") else "SQLite"
        results: dict[tuple[str, Size], dict[str, Cell]] = {}
        counter = itertools.count(0, 1000)  # each app's requests differ too (n × 1,000,000): no visit is a copy of another's
        servers: dict[str, Server] = {}
        try:
            for index, size in enumerate(sizes):
                found = grow(database_url, size)
                ctx = Context(fake.response_url("bench"), found[0], found[1:], run)
                profile = str(Path(args.profile).resolve() / f"ambot-{index}.prof") if args.profile else None
                sql_log = str(Path(args.profile).resolve() / f"ambot-{index}.sql") if args.profile else None
                if profile or not servers:  # a fresh ambot per size when profiling (one profile each)
                    for server in servers.values():
                        server.stop()
                    servers = {"bare": Server("bare", env, None), "ambot": Server("ambot", env, profile, sql_log=sql_log)}
                    if args.before:
                        servers["before"] = Server("ambot", env, None, args.before.resolve())
                    time.sleep(3)  # ambot loads jieba's dictionary beside its first requests
                for kind, make in kinds.items():
                    start = next(counter)
                    for n, (app, server) in enumerate(servers.items()):
                        results[(kind, size)] = results.get((kind, size), {})
                        try:
                            results[(kind, size)][app] = measure(fake, server, secret, partial(make, ctx), start + n * 1_000_000, requests)
                        except RuntimeError as exc:
                            raise RuntimeError(f"{app}, {kind}: {exc}") from None
                    cell = results[(kind, size)]
                    print(f"  {size.label():28} {kind:18} " + "  ".join(f"{a} {c.cpu_ms:6.2f} ms" for a, c in cell.items()), file=sys.stderr, flush=True)
            rss = memory(fake, {k: servers[k] for k in ("ambot", "bare")}, secret, ctx, memory_total) if memory_total else {}
        finally:
            for server in servers.values():
                server.stop()
            fake.stop()

    limit = 2.5 if backend == "PostgreSQL" else 2.0
    print(f"\nCPU per request, {backend}, one client, {requests} requests per cell; ratio: ambot ÷ bare Bolt; growth: ÷ the smallest size")
    before = "before" in next(iter(results.values()))
    print(f"| request | data |{' before ms (SQL) |' if before else ''} ambot ms | bare ms | ratio (≤{limit}×) | growth (≤1.2×) | SQL (≤5) | commits (≤1) | ack ms ambot / bare | ack wait ms (≤2) |")
    print("| --- | --- |" + (" --- |" if before else "") + " --- | --- | --- | --- | --- | --- | --- | --- |")
    for kind in kinds:
        smallest = results[(kind, sizes[0])]["ambot"].cpu_ms
        for size in sizes:
            ours, bare = results[(kind, size)]["ambot"], results[(kind, size)]["bare"]
            ratio = ours.cpu_ms / bare.cpu_ms if bare.cpu_ms else float("inf")
            growth = ours.cpu_ms / smallest if smallest else float("inf")

            def mark(ok: bool) -> str:
                return "" if ok else " ✗"

            earlier = results[(kind, size)].get("before")
            was = f" {earlier.cpu_ms:.2f} ({earlier.statements:.0f}) |" if earlier else ""
            print(f"| {kind} | {size.label()} |{was} {ours.cpu_ms:.2f} | {bare.cpu_ms:.2f} | {ratio:.1f}×{mark(ratio <= limit)} | {growth:.2f}×{mark(growth <= 1.2)} "
                  f"| {ours.statements:.1f}{mark(ours.statements <= 5)} | {ours.commits:.1f}{mark(ours.commits <= 1)} | {ours.ack_ms:.1f} / {bare.ack_ms:.1f} | {ours.front_wait_ms:.1f}{mark(ours.front_wait_ms <= 2)} |")
    if rss:
        print(f"\nMemory (RSS) after 1,000 and {memory_total:,} mixed requests:")
        for app, (early, late) in rss.items():
            print(f"  {app:6} {early / 1024:7.1f} MB → {late / 1024:7.1f} MB  ({late / early:.2f}×{'' if late <= 1.1 * early else ' ✗'})")


if __name__ == "__main__":
    main()
