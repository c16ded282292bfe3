"""Failure drills: the database going away under requests, Slack failing for a while."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

import pytest
from sqlalchemy import create_engine, text

from jobs import outbox_sender, runtime
from storage import db, outbox
from tests.conftest import _postgres_admin_url


def _admin():
    return create_engine(_postgres_admin_url().replace("postgresql://", "postgresql+psycopg://", 1), isolation_level="AUTOCOMMIT")


def test_database_outage_fails_cleanly_then_recovers(driver, team, database):
    if database.dialect != "postgresql":
        pytest.skip("a server outage is a PostgreSQL drill; SQLite is a file in the process")
    name = database.engine.url.database
    driver.fake.users["U0MGR"] = {"locale": "en-US"}
    assert "政企客户一部" in driver.command("U0MGR", "/amteam", "show").reply_text
    admin = _admin()
    with admin.connect() as connection:
        connection.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false'))
        connection.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n AND pid <> pg_backend_pid()"), {"n": name})
    try:
        during = driver.command("U0MGR", "/amteam", "show")
        assert during.status == 200  # acked, never a 500
        assert "cannot reach its database" in during.reply_text
        assert during.reply["response_type"] == "ephemeral"
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true'))
        admin.dispose()
    after = driver.command("U0MGR", "/amteam", "show")
    assert "政企客户一部" in after.reply_text


def test_slack_down_for_a_while_then_every_message_arrives_once(driver):
    now = datetime.now(UTC)
    with db.session_scope() as session:
        for i in range(5):
            outbox.enqueue(session, job="kpi_nudges", recipient=f"U{i:04d}", period="2026-W50", payload={"text": f"m{i}"}, now=now)
    driver.fake.fail_for("chat.postMessage", 4.0, status=500)
    report = outbox_sender.drain_until_empty(runtime.sender_client(), now, timeout=90)
    delivered = Counter(c.body["channel"] for c in driver.fake.calls_to("chat.postMessage"))
    assert report.failed == 0
    assert len(delivered) == 5 and set(delivered.values()) == {1}
    assert len(driver.fake.calls_to("chat.postMessage", ok_only=False)) > 5  # it really was failing
