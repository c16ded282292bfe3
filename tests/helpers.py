"""Small helpers shared by tests.

The test bed points `db` and `runner` below at the current test's database and runtime
(the `database` and `runtime` fixtures do), so a test can write `db.session_scope()` or
`runner.run_now("followup_reminders", at=…)` without threading them through every helper.
The `virtual_time` fixture likewise hands its clock to `sender()`.
This is test-only state: the code under test has no process-wide database.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from datetime import datetime
from types import SimpleNamespace
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.clock import REAL_TIME, MonotonicClock
from storage.models import Base

_current: dict[str, Any] = {"database": None, "runtime": None, "clock": None}


def use_database(database: Any) -> None:
    _current["database"] = database


def use_runtime(runtime: Any) -> None:
    _current["runtime"] = runtime


def use_clock(clock: MonotonicClock | None) -> None:
    _current["clock"] = clock


def current_database() -> Any:
    if _current["database"] is None:
        raise RuntimeError("this test has no database: take the `database` fixture")
    return _current["database"]


def current_runtime() -> Any:
    if _current["runtime"] is None:
        raise RuntimeError("this test has no runtime: take the `runtime` or `driver` fixture")
    return _current["runtime"]


@contextmanager
def _session_scope() -> Iterator[Session]:
    with current_database().session_scope() as session:
        yield session


def _run_now(name: str, at: datetime | None = None) -> Any:
    from jobs import runner as job_runner

    runtime = current_runtime()
    return job_runner.run_now(runtime.db, runtime.sender, name, at)


db = SimpleNamespace(session_scope=_session_scope)
runner = SimpleNamespace(run_now=_run_now)


def row_counts() -> dict[str, int]:
    """Rows per table: a before/after snapshot proves a refusal wrote nothing."""
    tables = Base.metadata.sorted_tables
    counts = select(*(select(func.count()).select_from(t).scalar_subquery().label(t.name) for t in tables))
    with db.session_scope() as session:
        row = session.execute(counts).one()
    return {table.name: row[i] or 0 for i, table in enumerate(tables)}


def first_button(message: dict, action_id_prefix: str = "") -> dict:
    for block in message.get("blocks") or []:
        for element in block.get("elements") or []:
            if element.get("type") == "button" and element.get("action_id", "").startswith(action_id_prefix):
                return element
        accessory = block.get("accessory") or {}
        if accessory.get("type") == "button" and accessory.get("action_id", "").startswith(action_id_prefix):
            return accessory
    raise AssertionError(f"no button {action_id_prefix!r} in {message}")


def sender(client: Any = None) -> Any:
    """An outbox sender on the test's database (with the runtime's sender client unless
    given), on the test's virtual clock if it took `virtual_time`, else on real time."""
    from jobs.outbox_sender import OutboxSender

    client = client if client is not None else current_runtime().sender
    return OutboxSender(current_database(), client, clock=_current["clock"] or REAL_TIME)


class _VirtualInterval:
    """A retry handler's back-off, waited on a virtual clock: the handler computes the
    same interval (jitter and all) and sleeps for zero real seconds."""

    def __init__(self, real: Any, clock: MonotonicClock) -> None:
        self.real, self.clock = real, clock

    def calculate_sleep_duration(self, current_attempt: int) -> float:
        self.clock.sleep(self.real.calculate_sleep_duration(current_attempt))
        return 0.0


@contextmanager
def backoff_on(clock: MonotonicClock, *clients: Any) -> Iterator[None]:
    """While inside, the clients' retry handlers (connection and server errors) wait out
    their back-off on `clock`. Same handlers, same retry counts; only the sleep is virtual.
    (slack_sdk's 429 handler sleeps Retry-After itself: the outbox's client has it off.)"""
    with ExitStack() as undo:
        for client in clients:
            for handler in client.retry_handlers:
                real = handler.interval_calculator
                handler.interval_calculator = _VirtualInterval(real, clock)
                undo.callback(setattr, handler, "interval_calculator", real)
        yield


def en(driver: Any, *users: str) -> None:
    """These Slack users read English (their Slack locale), in the team's time zone."""
    for user in users:
        driver.fake.users[user] = {"locale": "en-US", "tz": "Asia/Shanghai", "real_name": f"Name {user}"}


def migrate_with_old_rows(url: str, revision: str, statements: list[str]) -> None:
    """Upgrade the database at `url` to `revision`, write `statements` (rows as an older
    ambot left them), then upgrade to head: how a migration meets existing data."""
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import text

    from storage import db as storage_db

    engine = storage_db.make_engine(url)
    try:
        cfg = Config()
        cfg.set_main_option("script_location", str(storage_db.MIGRATIONS_DIR))
        for target, rows in ((revision, statements), ("head", [])):
            with engine.begin() as connection:
                cfg.attributes["connection"] = connection
                command.upgrade(cfg, target)
                for statement in rows:
                    connection.execute(text(statement))
    finally:
        engine.dispose()
