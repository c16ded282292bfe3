"""Deploys that come up: migrations never run at import, several `migrate` at once are
safe, gunicorn with several workers serves from every worker on an empty database, and a
worker on a schema nobody migrated refuses to start with the reason."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from slackio.driver import SlackDriver
from slackio.fake_api import FakeSlack
from storage.db import Database, head_revision
from tests.conftest import BOT_TOKEN, SIGNING_SECRET, throwaway_database

ROOT = Path(__file__).parents[2]
GUNICORN = Path(sys.executable).with_name("gunicorn")


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database nobody has migrated yet."""
    with throwaway_database(request.param, tmp_path) as url:
        yield url


def _env(database_url: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "AMBOT_", "DATABASE_URL"))}
    env.update(DATABASE_URL=database_url, AMBOT_LANG="en", LANG="C.UTF-8", **extra)
    return env


def test_importing_the_entry_points_touches_no_database(empty_database):
    code = "import wsgi, bot, app; print('ok')"
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=_env(empty_database), capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() == "ok", done.stderr
    assert Database(empty_database).current_revision() is None  # nothing migrated, nothing created


def test_two_migrate_runs_at_once_both_succeed(empty_database):
    runs = [
        subprocess.Popen([sys.executable, "bot.py", "migrate"], cwd=ROOT, env=_env(empty_database), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    outcomes = [run.communicate(timeout=120) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outcomes
    database = Database(empty_database)
    try:
        assert database.current_revision() == head_revision()
    finally:
        database.dispose()


def test_a_worker_on_a_schema_nobody_migrated_refuses_with_the_reason(empty_database):
    from core.settings import Settings
    from wsgi import create_application

    settings = Settings(database_url=empty_database, signing_secret=SIGNING_SECRET, bot_token=BOT_TOKEN)
    with pytest.raises(SystemExit) as refused:
        create_application(settings)
    assert "python bot.py migrate" in str(refused.value.code) and "refusing to start" in str(refused.value.code)


@pytest.mark.slow
def test_gunicorn_with_four_workers_on_an_empty_database_serves_from_every_worker(empty_database):
    if not GUNICORN.exists():
        pytest.skip("gunicorn is not installed beside this interpreter")
    port = _free_port()
    with FakeSlack(token=BOT_TOKEN) as fake:
        env = _env(empty_database, SLACK_SIGNING_SECRET=SIGNING_SECRET, SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_API_URL=fake.api_url)
        server = subprocess.Popen(
            [str(GUNICORN), "-w", "4", "-b", f"127.0.0.1:{port}", "--log-level", "info"],
            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )
        log_lines: list[str] = []
        try:
            ready = _read_until(server, log_lines, lambda: len(_ready_workers(log_lines)) == 4, timeout=90)
            assert ready, "not every worker came up:\n" + "".join(log_lines)
            assert server.poll() is None, "the master exited"
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as health:
                assert health.status == 200
            driver = SlackDriver(f"http://127.0.0.1:{port}/slack/events", SIGNING_SECRET, fake)
            answers = [driver.command("U0ANY", "/amteam", "help").status for _ in range(8)]
            assert answers == [200] * 8
        finally:
            server.terminate()
            rest, _ = server.communicate(timeout=30)
            log_lines.append(rest or "")
    text = "".join(log_lines)
    assert "Traceback" not in text and "Worker failed to boot" not in text
    assert Database(empty_database).current_revision() == head_revision()


def _ready_workers(lines: list[str]) -> set[str]:
    return {m.group(1) for line in lines if (m := re.search(r"worker (\d+) ready", line))}


def _read_until(process: subprocess.Popen, lines: list[str], done, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    assert process.stdout is not None
    while time.monotonic() < deadline:
        if done():
            return True
        line = process.stdout.readline()
        if not line:
            return done()
        lines.append(line)
    return done()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
