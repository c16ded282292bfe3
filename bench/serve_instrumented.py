"""One server for bench.cpu_per_request: ambot (or the bare Bolt app) on the HTTP front,
counting what it sends to the database, with `GET /bench/stats` to read the counts.

    python -m bench.serve_instrumented --app ambot|bare --port P [--profile FILE]
    (env: DATABASE_URL, SLACK_SIGNING_SECRET, SLACK_API_URL, SLACK_BOT_TOKEN)

`/bench/stats` answers {"statements", "commits", "finished", "rss_kb"}: SQL statements
executed (SQLAlchemy's `before_cursor_execute`, BEGIN not counted), transactions committed,
listener runs finished (ambot: the layer's run, after its sends) and the resident memory.
With `--profile FILE`, the request threads and the work after the ack are profiled apart
(cProfile) and written to FILE when the process gets SIGTERM.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from slack_bolt import App
from sqlalchemy import event
from sqlalchemy.engine import Engine

from bench.bare_bolt import answering_app
from slackio.web import WSGIApplication, make_http_server, wsgi_app


class Counters:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.statements = 0
        self.commits = 0
        self.finished = 0
        self.front_wall_us = 0  # time in the HTTP thread, request in to ack out
        self.front_cpu_us = 0  # CPU of that thread meanwhile
        self.sql_log: Any = None  # a file: each statement, one line

    def add(self, name: str, amount: int = 1) -> None:
        with self.lock:
            setattr(self, name, getattr(self, name) + amount)

    def watch(self, engine: Engine) -> None:
        def statement(conn: Any, cursor: Any, sql: str, *args: Any) -> None:
            if not sql.lstrip().upper().startswith("BEGIN"):
                self.add("statements")
            if self.sql_log is not None:
                self.sql_log.write(f"{threading.current_thread().name}: {' '.join(sql.split())[:300]}\n")
                self.sql_log.flush()

        event.listen(engine, "before_cursor_execute", statement)
        event.listen(engine, "commit", self._commit)

    def _commit(self, conn: Any) -> None:
        self.add("commits")
        if self.sql_log is not None:
            self.sql_log.write(f"{threading.current_thread().name}: COMMIT\n")

    def as_json(self) -> dict[str, int]:
        return {"statements": self.statements, "commits": self.commits, "finished": self.finished, "rss_kb": rss_kb(),
                "front_wall_us": self.front_wall_us, "front_cpu_us": self.front_cpu_us}


def rss_kb(pid: int | str = "self") -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


class Profiles:
    """One profiler for the HTTP threads and one for the work after the ack (a single
    client: at most one request in each at a time)."""

    WARM_UP = 12  # calls not profiled: first uses (templates compiled, caches filled)

    def __init__(self) -> None:
        self.front = cProfile.Profile()
        self.after = cProfile.Profile()

    def wrap(self, profile: cProfile.Profile, fn: Callable[..., Any]) -> Callable[..., Any]:
        calls = [0]

        def profiled(*args: Any, **kwargs: Any) -> Any:
            calls[0] += 1
            if calls[0] <= self.WARM_UP:
                return fn(*args, **kwargs)
            try:
                profile.enable()
            except ValueError:  # another thread has it: not profiled
                return fn(*args, **kwargs)
            try:
                return fn(*args, **kwargs)
            finally:
                profile.disable()

        return profiled

    def dump(self, path: str) -> None:
        import pstats

        stats = pstats.Stats(self.front)
        stats.add(self.after)
        stats.dump_stats(path)


def ambot_application(counters: Counters, profiles: Profiles | None) -> WSGIApplication:
    from app import create_app
    from core.settings import Settings
    from listening.layer import Listeners
    from storage.db import open_database

    original_run = Listeners._run

    def counted_run(self: Listeners, *args: Any, **kwargs: Any) -> Any:
        try:
            return original_run(self, *args, **kwargs)
        finally:
            counters.add("finished")

    run = profiles.wrap(profiles.after, counted_run) if profiles else counted_run
    Listeners._run = run  # type: ignore[method-assign]
    settings = Settings.from_env()
    database = open_database(settings.database_url)
    counters.watch(database.engine)
    return create_app(settings, database).wsgi()


def bare_application(counters: Counters) -> WSGIApplication:
    secret = os.environ["SLACK_SIGNING_SECRET"]
    app: App = answering_app(secret, os.environ["SLACK_API_URL"], lambda: counters.add("finished"))
    return wsgi_app(app, secret)


def with_stats(application: WSGIApplication, counters: Counters) -> WSGIApplication:
    def serve(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == "/bench/stats":
            body = json.dumps(counters.as_json()).encode()
            start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
            return [body]
        if counters.sql_log is not None:
            counters.sql_log.write("--- request\n")
        wall, cpu = time.perf_counter(), time.thread_time()
        try:
            return application(environ, start_response)
        finally:
            counters.add("front_cpu_us", int((time.thread_time() - cpu) * 1e6))
            counters.add("front_wall_us", int((time.perf_counter() - wall) * 1e6))

    return serve


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--app", choices=["ambot", "bare"], required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--profile", help="write a cProfile of the requests here on SIGTERM")
    parser.add_argument("--log-sql", help="write every SQL statement to this file (thread: statement)")
    args = parser.parse_args()
    counters = Counters()
    if args.log_sql:
        counters.sql_log = open(args.log_sql, "w", encoding="utf-8")  # noqa: SIM115 (open for the process's life)
    profiles = Profiles() if args.profile else None
    application = ambot_application(counters, profiles) if args.app == "ambot" else bare_application(counters)
    if profiles:
        application = profiles.wrap(profiles.front, application)
    server = make_http_server(with_stats(application, counters), "127.0.0.1", args.port)

    def stop(*_: Any) -> None:
        if profiles and args.profile:
            profiles.dump(args.profile)
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    print("ready", flush=True)
    server.serve_forever()
    sys.exit(0)


if __name__ == "__main__":
    main()
