"""The test bed: SQLite always, PostgreSQL whenever reachable (required in CI), a fake
Slack Web API, and the real Bolt app behind a real HTTP server on an OS-chosen port.

Tests that take the `database` fixture (directly or through `driver`) run once per
backend. Settings are built here explicitly; the developer's environment is not read,
except AMBOT_TEST_POSTGRES_URL to point at another PostgreSQL server.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

import clock
from settings import Settings
from slackio.driver import SlackDriver
from slackio.fake_api import FakeSlack
from slackio.web import BackgroundServer
from storage import db as storage_db
from storage.models import Base

SIGNING_SECRET = "test-signing-secret-0123456789"
BOT_TOKEN = "xoxb-test-token-0123456789"
FIXTURES = Path(__file__).parent / "fixtures"
DEFAULT_PG = "postgresql://postgres@127.0.0.1:5432/postgres"
IN_CI = os.environ.get("CI", "").lower() == "true"


def _postgres_admin_url() -> str:
    return os.environ.get("AMBOT_TEST_POSTGRES_URL", DEFAULT_PG)


def _create_postgres_database() -> tuple[str, str] | None:
    admin_url = _postgres_admin_url().replace("postgresql://", "postgresql+psycopg://", 1)
    try:
        engine = create_engine(admin_url, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3})
        name = f"ambot_test_{uuid.uuid4().hex[:10]}"
        with engine.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        engine.dispose()
    except Exception as exc:  # unreachable, no rights: decided by the caller
        if IN_CI:
            pytest.fail(f"PostgreSQL is required in CI but unreachable at {admin_url}: {exc}")
        return None
    base = _postgres_admin_url().rsplit("/", 1)[0]
    return f"{base}/{name}", name


def _drop_postgres_database(name: str) -> None:
    admin_url = _postgres_admin_url().replace("postgresql://", "postgresql+psycopg://", 1)
    engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'ambot.db'}"
        return
    created = _create_postgres_database()
    if created is None:
        pytest.skip("PostgreSQL not reachable (set AMBOT_TEST_POSTGRES_URL); it is required in CI")
    url, name = created
    yield url
    storage_db.current().dispose() if storage_db._current and storage_db._current.url == url else None
    _drop_postgres_database(name)


@pytest.fixture
def database(database_url: str) -> Iterator[storage_db.Database]:
    """The migrated database for this backend, emptied before each test."""
    current = storage_db._current
    database = current if current is not None and current.url == database_url else storage_db.init(database_url)
    _empty(database)
    clock.freeze(None)
    yield database
    clock.freeze(None)


def _empty(database: storage_db.Database) -> None:
    tables = [t.name for t in reversed(Base.metadata.sorted_tables)]
    with database.engine.begin() as connection:
        if database.dialect == "postgresql":
            connection.execute(text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                connection.execute(text(f'DELETE FROM "{table}"'))


@pytest.fixture(scope="session")
def fake_slack() -> Iterator[FakeSlack]:
    with FakeSlack(token=BOT_TOKEN) as fake:
        yield fake


def make_settings(fake: FakeSlack, database_url: str, **overrides) -> Settings:
    values = dict(
        database_url=database_url,
        bot_token=BOT_TOKEN,
        signing_secret=SIGNING_SECRET,
        slack_api_url=fake.api_url,
        process_before_response=True,
    )
    values.update(overrides)
    return Settings(**values)


@pytest.fixture(scope="session")
def server(fake_slack: FakeSlack, database_url: str) -> Iterator[BackgroundServer]:
    """The real Bolt app behind the real HTTP front. Listeners finish before the
    response (process_before_response) so assertions need no waiting; the ack-first
    mode has its own tests."""
    import bot

    settings = make_settings(fake_slack, database_url)
    bot.init_runtime(settings)
    with BackgroundServer(bot.build_app(settings)) as running:
        yield running


@pytest.fixture
def driver(server: BackgroundServer, database: storage_db.Database, fake_slack: FakeSlack) -> SlackDriver:
    from handlers.context import clear_profile_cache

    fake_slack.reset()
    fake_slack.users.clear()
    clear_profile_cache()
    return SlackDriver(server.url, SIGNING_SECRET, fake_slack)


@pytest.fixture
def team_yaml() -> str:
    return (FIXTURES / "team.yaml").read_text("utf-8")


@pytest.fixture
def team(database: storage_db.Database, team_yaml: str):
    """The SPEC §7 example team, loaded through the config service."""
    from services import team_config

    with database.session_scope() as session:
        loaded = team_config.load(session, team_yaml, datetime(2026, 11, 2, tzinfo=UTC))
        return loaded.id


@pytest.fixture(autouse=True)
def _no_invalid_slack_payloads(request: pytest.FixtureRequest) -> Iterator[None]:
    """Any test that talked to the fake Slack fails if a payload broke Slack's rules."""
    yield
    if "fake_slack" in request.fixturenames:
        fake: FakeSlack = request.getfixturevalue("fake_slack")
        invalid = list(fake.invalid)
        fake.invalid.clear()
        assert not invalid, f"invalid Slack payloads: {invalid}"
