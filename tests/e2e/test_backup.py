"""Full backup and restore from the command line: `export all --format json` writes the
whole team, `import all` restores it into an empty database, and SQLite → JSON →
PostgreSQL → JSON gives the same document, byte for byte."""

from __future__ import annotations

import json
import os
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from console.demo_seed import load_demo_team, seed_history
from core.settings import Settings
from domain.metrics import METRICS
from services import calendar_feeds, kpi, visits
from services.visit_access import access_for
from storage import audit
from storage.db import Database
from storage.models import Customer, Handover, KpiEntry, Member, Visit
from tests.conftest import _create_postgres_database, _drop_postgres_database

NOW = datetime(2026, 12, 3, 2, 0, tzinfo=UTC)


def settings_for(url: str) -> Settings:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "AMBOT_", "DATABASE_URL"))}
    env.update(DATABASE_URL=url, AMBOT_LANG="en", LANG="C.UTF-8")
    return Settings.from_env(env)


def fill(database: Database) -> str:
    """The demo team with six weeks of history, and some of everything a backup must keep:
    a withdrawn visit and follow-up, an undone KPI entry, a handover, text in two scripts
    and odd characters, the audit trail of it all, a revoked and a live calendar feed
    (whose token it returns)."""
    with database.session_scope() as session:
        audit.act_as(session, None, "config")
        team = load_demo_team(session, NOW)
        seed_history(session, team, date(2026, 12, 3))
    with database.session_scope() as session:
        audit.act_as(session, "U0A1", "slack")
        visit = session.scalars(select(Visit).order_by(Visit.id)).first()
        assert visit is not None
        owner = session.get(Member, visit.customer.owner_id)
        assert owner is not None
        access = access_for(session, owner.slack_id, NOW)
        assert access is not None
        visits.withdraw_visit(session, access, visit.id, NOW)
        other = session.scalars(select(Visit).where(Visit.id != visit.id, Visit.rep_id == owner.id).order_by(Visit.id)).first()
        assert other is not None
        other.notes = '=HYPERLINK("x") «引号» \u00e9\t"quoted"\nnew line'
        entry = kpi.log_entry(session, owner, METRICS["revenue"], Decimal("12000.50"), occurred_on=date(2026, 12, 2), now=NOW, note="退款 -500")
        kpi.undo_entry(session, owner, entry.id, NOW)
        backup_member = session.get(Member, owner.backup_id) if owner.backup_id else None
        session.add(Handover(team_id=owner.team_id, member_id=owner.id, cover_id=backup_member.id if backup_member else None, status="accepted",
                             starts_at=NOW + timedelta(days=5), ends_at=NOW + timedelta(days=7), created_at=NOW, reason="年假"))  # fmt: skip
        customer = session.scalars(select(Customer).order_by(Customer.id)).first()
        assert customer is not None
        customer.tier = "premium"
        calendar_feeds.issue(session, owner.id, NOW, reset=False)
        return str(calendar_feeds.issue(session, owner.id, NOW, reset=True).token)


def test_sqlite_to_json_to_postgresql_to_json_is_the_same_document(bot_cli, tmp_path):
    sqlite_url = f"sqlite:///{tmp_path / 'source.db'}"
    source = Database(sqlite_url)
    source.migrate()
    token = fill(source)
    source.dispose()
    first = tmp_path / "first.json"
    written = bot_cli("export", "all", "--format", "json", "--output", str(first), settings=settings_for(sqlite_url))
    assert written.returncode == 0, written.stderr
    document = json.loads(first.read_text("utf-8"))
    tables = document["tables"]
    for name in ("teams", "members", "customers", "visits", "followups", "kpi_entries", "kpi_targets", "questions",
                 "question_events", "handovers", "topics", "topic_responders", "audit_log", "calendar_feeds"):
        assert tables[name], f"nothing in {name}"
    assert "outbox" not in tables and "processed_requests" not in tables
    assert any(v["withdrawn_at"] for v in tables["visits"]) and any(e["undone"] for e in tables["kpi_entries"])
    assert {r["source"] for r in tables["audit_log"]} >= {"config", "slack"}

    created = _create_postgres_database()
    if created is None:
        pytest.skip("PostgreSQL not reachable (set AMBOT_TEST_POSTGRES_URL); it is required in CI")
    postgres_url, name = created
    try:
        restored = bot_cli("import", "all", str(first), settings=settings_for(postgres_url))
        assert restored.returncode == 0, restored.stderr
        assert "restored" in restored.stdout
        second = tmp_path / "second.json"
        assert bot_cli("export", "all", "--output", str(second), settings=settings_for(postgres_url)).returncode == 0
        assert second.read_text("utf-8") == first.read_text("utf-8")

        # The restored database works: new rows get new ids, past the restored ones.
        target = Database(postgres_url)
        try:
            with target.session_scope() as session:
                team_id = session.scalars(select(Member.team_id)).first()
                session.add(Customer(team_id=team_id, name="After the restore"))
                session.flush()
                assert session.scalar(select(Customer.id).where(Customer.name == "After the restore")) == len(tables["customers"]) + 1
                # Calendar apps subscribed before the move keep their feed: only its hash moved.
                assert calendar_feeds.owner(session, token) is not None
                assert token not in first.read_text("utf-8")
        finally:
            target.dispose()

        again = bot_cli("import", "all", str(first), settings=settings_for(postgres_url))
        assert again.returncode == 2 and "only into an empty database" in again.stderr
    finally:
        _drop_postgres_database(name)


def test_a_file_that_is_not_a_backup_is_refused_and_nothing_is_written(bot_cli, tmp_path):
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    bogus = tmp_path / "bogus.json"
    bogus.write_text('{"tables": {}}', "utf-8")
    refused = bot_cli("import", "all", str(bogus), settings=settings_for(url))
    assert refused.returncode == 2 and "is not an ambot backup" in refused.stderr
    other = tmp_path / "other.json"
    other.write_text(json.dumps({"format": "ambot-backup", "version": 1, "schema": "0001", "tables": {}}), "utf-8")
    assert "was made at schema revision 0001" in bot_cli("import", "all", str(other), settings=settings_for(url)).stderr
    with Database(url).session_scope() as session:
        assert session.scalar(select(KpiEntry.id)) is None


def test_export_audit_writes_every_change_with_before_and_after(bot_cli, tmp_path):
    url = f"sqlite:///{tmp_path / 'audit.db'}"
    database = Database(url)
    database.migrate()
    fill(database)
    database.dispose()
    result = bot_cli("export", "audit", "--since", "2000-01-01", settings=settings_for(url))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "at,team_id,actor,source,entity,entity_id,action,version,before,after"
    withdrawn = [line for line in lines if ",visits," in line and ",withdraw," in line]
    assert withdrawn and ',slack,' in withdrawn[0]
    assert any(',customers,' in line and '"{""tier"": ""' in line for line in lines)
    assert bot_cli("export", "audit", "--since", "2999-01-01", settings=settings_for(url)).stdout.splitlines() == lines[:1]
