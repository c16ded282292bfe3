"""Failure drills: the database going away under requests, Slack failing for a while."""

from __future__ import annotations

from collections import Counter
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from core import clock
from storage import outbox
from tests.conftest import _postgres_admin_url
from tests.helpers import db, sender


def _admin():
    return create_engine(_postgres_admin_url().replace("postgresql://", "postgresql+psycopg://", 1), isolation_level="AUTOCOMMIT")


@pytest.mark.real_commits  # the drill cuts real connections
def test_database_outage_fails_cleanly_then_recovers(driver, team, database):
    """PostgreSQL: every connection is cut and new ones are refused, as during a restart.
    SQLite: the database file disappears. Either way the request is acked, the user is
    told in plain words, nothing half-done is left, and the next request works."""
    driver.fake.users["U0MGR"] = {"locale": "en-US"}
    assert "政企客户一部" in driver.command("U0MGR", "/amteam", "show").reply_text
    outage = _postgres_outage if database.dialect == "postgresql" else _sqlite_outage
    with outage(database):
        during = driver.command("U0MGR", "/amteam", "show")
        assert during.status == 200  # acked, never a 500
        assert "cannot reach its database" in during.reply_text
        assert during.reply["response_type"] == "ephemeral"
    after = driver.command("U0MGR", "/amteam", "show")
    assert "政企客户一部" in after.reply_text


@contextmanager
def _postgres_outage(database):
    name = database.engine.url.database
    admin = _admin()
    with admin.connect() as connection:
        connection.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false'))
        connection.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n AND pid <> pg_backend_pid()"), {"n": name})
    try:
        yield
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true'))
        admin.dispose()


@contextmanager
def _sqlite_outage(database):
    path = Path(database.engine.url.database)
    database.engine.dispose()
    moved = [(p, p.with_name(p.name + ".away")) for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm")) if p.exists()]
    for here, away in moved:
        here.rename(away)
    try:
        yield
    finally:
        database.engine.dispose()  # drop connections to the empty file SQLite created meanwhile
        for stray in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
            stray.unlink(missing_ok=True)  # the empty database's files must not meet the real one
        for here, away in moved:
            away.replace(here)


def test_slack_down_for_a_while_then_every_message_arrives_once(driver, virtual_time):
    now = datetime.now(UTC)
    with db.session_scope() as session:
        for i in range(5):
            outbox.enqueue(session, job="kpi_nudges", recipient=f"U{i:04d}", period="2026-W50", payload={"text": f"m{i}"}, now=now)
    driver.fake.fail_for("chat.postMessage", 4.0, status=500)
    report = sender().drain_until_empty(now, timeout=90)
    delivered = Counter(c.body["channel"] for c in driver.fake.calls_to("chat.postMessage"))
    assert report.failed == 0
    assert len(delivered) == 5 and set(delivered.values()) == {1}
    assert len(driver.fake.calls_to("chat.postMessage", ok_only=False)) > 5  # it really was failing


@pytest.mark.parametrize(
    ("user", "command", "text", "table"),
    [
        ("U0A1", "/visit", "华东制造集团; needs: 20 SIM lines; follow-up: send quote by 2026-12-10", "visits"),
        ("U0A1", "/kpi", "log revenue 12000 华东制造集团 new line", "kpi_entries"),
        ("U0A1", "/handover", "2026-12-14 2026-12-16 annual leave", "handovers"),
    ],
)
def test_the_same_request_delivered_three_times_has_one_effect(driver, team, user, command, text, table):
    """Slack retries a request it thinks failed: same body, same trigger id, X-Slack-Retry-Num set."""
    from tests.helpers import row_counts

    clock.freeze(datetime(2026, 12, 7, 2, 0, tzinfo=UTC))
    driver.fake.users[user] = {"locale": "en-US", "tz": "Asia/Shanghai"}
    before = row_counts()[table]
    for retry in (None, 1, 2):
        result = driver.command(user, command, text, trigger_id="trig.same-request", retry_num=retry)
        assert result.status == 200
    assert row_counts()[table] == before + 1
