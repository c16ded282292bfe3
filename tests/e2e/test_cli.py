"""The command line as an operator uses it: `bot.main` with the settings the environment
would give, and real processes where the process is the point (a real port, the console)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from core.settings import Settings
from slackio.driver import SlackDriver
from slackio.fake_api import FakeSlack
from tests.conftest import BOT_TOKEN, FIXTURES, SIGNING_SECRET

ROOT = Path(__file__).parents[2]


@pytest.fixture
def cli_env(tmp_path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "AMBOT_", "DATABASE_URL"))}
    env.update(DATABASE_URL=f"sqlite:///{tmp_path / 'cli.db'}", AMBOT_LANG="en", LANG="C.UTF-8")
    return env


@pytest.fixture
def cli_settings(cli_env) -> Settings:
    """The settings `python bot.py` builds from `cli_env`."""
    return Settings.from_env(cli_env)


@pytest.fixture
def never_serves(monkeypatch):
    """A refusal must come before any port is opened (and a broken one fails, not hangs)."""
    def refuse(*args, **kwargs):
        raise AssertionError("serve got as far as opening a port")

    monkeypatch.setattr("slackio.web.make_http_server", refuse)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_serve_refuses_to_start_without_a_signing_secret(bot_cli, cli_settings, never_serves):
    result = bot_cli("serve", "--port", "0", settings=cli_settings.with_(bot_token=BOT_TOKEN))
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "SLACK_SIGNING_SECRET" in lines[0]


def test_serve_refuses_to_start_on_a_database_nobody_migrated(bot_cli, cli_settings, never_serves):
    result = bot_cli("serve", "--port", "0", settings=cli_settings.with_(bot_token=BOT_TOKEN, signing_secret=SIGNING_SECRET))
    assert result.returncode == 2
    assert "python bot.py migrate" in result.stderr and "refusing to start" in result.stderr


def test_serve_answers_signed_requests_within_3_seconds_and_unsigned_with_401(cli_env, cli_settings, bot_cli):
    port = free_port()
    assert bot_cli("migrate", settings=cli_settings).returncode == 0
    with FakeSlack(token=BOT_TOKEN) as fake:
        env = cli_env | {"SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": SIGNING_SECRET, "SLACK_API_URL": fake.api_url, "AMBOT_LOG_LEVEL": "DEBUG"}
        process = subprocess.Popen([sys.executable, "bot.py", "serve", "--port", str(port), "--host", "127.0.0.1"], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            _wait_healthy(port)
            driver = SlackDriver(f"http://127.0.0.1:{port}/slack/events", SIGNING_SECRET, fake)
            started = time.monotonic()
            result = driver.command("U0ANY", "/amteam", "help")
            elapsed = time.monotonic() - started
            assert result.status == 200 and elapsed < 3.0
            replies = fake.wait_for(lambda f: bool(f.responses()), timeout=10)
            assert any("/amteam setup" in (c.body.get("text") or "") for c in replies if c.method == "response_url")
            unsigned = urllib.request.Request(f"http://127.0.0.1:{port}/slack/events", data=b"command=%2Famteam&text=help", method="POST")
            with pytest.raises(urllib.error.HTTPError) as refused:
                urllib.request.urlopen(unsigned, timeout=5)
            assert refused.value.code == 401
        finally:
            process.terminate()
            _, log_text = process.communicate(timeout=10)
    # Even at DEBUG level, with the SDK logging every Web API call, no secret is written.
    assert "users.info" in log_text or "slack" in log_text.lower()
    assert BOT_TOKEN not in log_text and SIGNING_SECRET not in log_text


def _wait_healthy(port: int, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.05)  # not listening yet
    raise AssertionError("ambot serve did not come up")


def test_config_load_then_dump_round_trips(bot_cli, cli_settings, tmp_path):
    assert bot_cli("config", "load", str(FIXTURES / "team.yaml"), settings=cli_settings).returncode == 0
    first = bot_cli("config", "dump", settings=cli_settings)
    assert first.returncode == 0 and "政企客户一部" in first.stdout
    dumped = tmp_path / "dumped.yaml"
    dumped.write_text(first.stdout, "utf-8")
    other = cli_settings.with_(database_url=f"sqlite:///{tmp_path / 'other.db'}")
    assert bot_cli("config", "load", str(dumped), settings=other).returncode == 0
    assert bot_cli("config", "dump", settings=other).stdout == first.stdout


def test_broken_config_is_refused_with_its_line_and_nothing_is_written(bot_cli, cli_settings, tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text((FIXTURES / "team.yaml").read_text("utf-8").replace("tier: key", "tier: gold"), "utf-8")
    result = bot_cli("config", "load", str(broken), settings=cli_settings)
    assert result.returncode == 1
    assert f"{broken}:19:" in result.stderr and "gold" in result.stderr
    assert bot_cli("config", "dump", settings=cli_settings).returncode == 2  # still no team


def test_jobs_list_names_the_registered_jobs(bot_cli, cli_settings):
    result = bot_cli("jobs", "list", settings=cli_settings)
    assert result.returncode == 0 and "outbox" in result.stdout


def test_jobs_run_rejects_a_bad_time(bot_cli, cli_settings):
    result = bot_cli("jobs", "run", "outbox", "--at", "next tuesday", settings=cli_settings)
    assert result.returncode == 2 and "ISO" in result.stderr


def test_demo_runs_with_no_tokens_and_no_network(bot_cli, cli_settings):
    result = bot_cli("demo", "--at", "2026-12-07T09:45:00+08:00", settings=cli_settings)
    assert result.returncode == 0, result.stderr
    assert "/amteam show" in result.stdout and "政企客户一部" in result.stdout


def test_console_takes_scripted_input(cli_env):
    """The one console run as a real process: a terminal-less stdin script, end to end."""
    script = "/amteam help\n:as 王建国\n/amteam show\n:quit\n"
    result = subprocess.run([sys.executable, "bot.py", "console"], cwd=ROOT, env=cli_env, input=script, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "/amteam setup" in result.stdout and "张伟" in result.stdout


def test_import_kpi_is_all_or_nothing(bot_cli, cli_settings, tmp_path):
    assert bot_cli("config", "load", str(FIXTURES / "team.yaml"), settings=cli_settings).returncode == 0
    good = tmp_path / "good.csv"
    good.write_text("date,member,metric,value,customer,note\n2026-12-01,U0A1,revenue,12000,华东制造集团,new line\n", "utf-8")
    bad = tmp_path / "bad.csv"
    bad.write_text("date,member,metric,value\n2026-12-01,U0A1,revenue,5\n2026-12-02,U0NOBODY,revenue,7\n", "utf-8")
    refused = bot_cli("import", "kpi", str(bad), settings=cli_settings)
    assert refused.returncode == 1 and f"{bad}:3" in refused.stderr
    assert bot_cli("import", "kpi", str(good), settings=cli_settings).returncode == 0
    again = bot_cli("import", "kpi", str(good), settings=cli_settings)
    assert again.returncode == 0 and "0 KPI entries" in again.stdout
    exported = bot_cli("export", "kpi", settings=cli_settings).stdout.splitlines()
    assert exported[0] == "period,member,metric,target,actual,expected_to_date"


@pytest.mark.slow
def test_serve_hands_out_and_serves_calendar_feeds_at_the_public_address(cli_env, cli_settings, bot_cli):
    """`bot.py serve` with AMBOT_PUBLIC_URL: `/visit calendar` gives an address under it,
    and the same process serves the feed at that path."""
    port = free_port()
    assert bot_cli("config", "load", str(FIXTURES / "team.yaml"), settings=cli_settings).returncode == 0
    public = f"http://127.0.0.1:{port}"
    with FakeSlack(token=BOT_TOKEN) as fake:
        fake.users["U0A1"] = {"locale": "en-US", "tz": "Asia/Shanghai"}
        env = cli_env | {"SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": SIGNING_SECRET, "SLACK_API_URL": fake.api_url, "AMBOT_PUBLIC_URL": public + "/"}
        process = subprocess.Popen([sys.executable, "bot.py", "serve", "--port", str(port), "--host", "127.0.0.1", "--no-scheduler"], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            _wait_healthy(port)
            SlackDriver(f"{public}/slack/events", SIGNING_SECRET, fake).command("U0A1", "/visit", "calendar")
            [reply] = [c for c in fake.wait_for(lambda f: bool(f.responses()), timeout=10) if c.method == "response_url"]
            address = next(word.strip("`") for word in reply.body["text"].split() if word.strip("`").startswith(public + "/calendar/"))
            with urllib.request.urlopen(address, timeout=5) as feed:
                assert feed.status == 200 and feed.headers["Content-Type"] == "text/calendar; charset=utf-8"
                assert feed.read().startswith(b"BEGIN:VCALENDAR")
        finally:
            process.terminate()
            process.communicate(timeout=10)
