"""Drill: the process delivering the manager digests is killed with SIGKILL mid-run —
in the worst window, after Slack accepted a digest but before the process recorded it —
and the job is run again. Every manager gets their digest exactly once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from core.settings import Settings
from storage.models import Member, OutboxMessage
from tests import reports_scenario
from tests.conftest import BOT_TOKEN
from tests.helpers import db

ROOT = Path(__file__).parents[2]
MANAGERS = [f"U0MGR{n}" for n in range(1, 6)]


@pytest.mark.real_commits  # another process shares the database
def test_digest_run_killed_mid_delivery_then_rerun_delivers_each_digest_once(database, fake_slack, bot_cli):
    with database.session_scope() as session:
        team_id = reports_scenario.load(session)
        for slack_id in MANAGERS:  # five more managers: five more digests to deliver
            session.add(Member(team_id=team_id, slack_id=slack_id, name=slack_id, roles=["manager"], active=True))
    fake_slack.reset()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "AMBOT_"))}
    env.update(DATABASE_URL=database.url, SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_API_URL=fake_slack.api_url, AMBOT_LOG_LEVEL="WARNING")
    at = reports_scenario.MONDAY.isoformat()

    # Slack takes each digest in but holds its answer: the kill lands in that window.
    with fake_slack.holding("chat.postMessage"):
        run = subprocess.Popen([sys.executable, "bot.py", "jobs", "run", "manager_digest", "--at", at], cwd=ROOT, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            fake_slack.wait_for("chat.postMessage", count=3, timeout=60)
        finally:
            run.send_signal(signal.SIGKILL)
            run.wait(timeout=10)
    delivered_before_restart = len(fake_slack.calls_to("chat.postMessage"))
    with db.session_scope() as session:
        statuses = Counter(session.scalars(select(OutboxMessage.status).where(OutboxMessage.job == "manager_digest")))
    assert statuses["sending"] >= 1, f"the kill did not land mid-send: {statuses}"  # the worst window, for real
    assert delivered_before_restart < 6

    # Restarted after the crashed sender's lease ran out; the job itself runs again too
    # (a fresh runtime on the same database: the dead process left only its rows behind).
    later = (reports_scenario.MONDAY + timedelta(minutes=5)).isoformat()
    again = bot_cli("jobs", "run", "manager_digest", "--at", later, settings=Settings.from_env(env))
    assert again.returncode == 0, again.stderr
    per_manager = Counter(c.body["channel"] for c in fake_slack.calls_to("chat.postMessage") if not c.body.get("thread_ts"))
    assert per_manager == Counter({m: 1 for m in ["U0MGR", *MANAGERS]})
    with db.session_scope() as session:
        assert set(session.scalars(select(OutboxMessage.status).where(OutboxMessage.job == "manager_digest"))) == {"sent"}
