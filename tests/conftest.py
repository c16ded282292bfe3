"""The test bed: SQLite always, PostgreSQL whenever reachable (required in CI), a fake
Slack Web API, and the real Bolt app behind a real HTTP server on an OS-chosen port.

Tests that take the `database` fixture (directly or through `driver`) run once per
backend. Settings are built here explicitly; the developer's environment is not read,
except AMBOT_TEST_POSTGRES_URL to point at another PostgreSQL server.
"""

from __future__ import annotations

import logging
import os
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from app import Ambot, create_app
from core import clock
from core.clock import REAL_TIME
from core.settings import Settings
from listening.runtime import Runtime
from services import kb_index
from slackio.driver import SlackDriver
from slackio.fake_api import FakeSlack
from slackio.fake_limits import VirtualClock
from slackio.requests import Shapes
from slackio.web import BackgroundServer
from storage.db import Database
from storage.models import Base
from tests import helpers, snapshots

SIGNING_SECRET = "test-signing-secret-0123456789"
BOT_TOKEN = "xoxb-test-token-0123456789"
FIXTURES = Path(__file__).parent / "fixtures"
# Every request the test bed sends is built from Slack's documented payloads.
SHAPES = Shapes.from_directory(FIXTURES / "slack")
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


@contextmanager
def throwaway_database(backend: str, folder: Path) -> Iterator[str]:
    """The URL of a new, empty database of this backend, gone afterwards (PostgreSQL: a
    database of its own on the server; SQLite: a file in `folder`)."""
    if backend == "sqlite":
        yield f"sqlite:///{folder / 'ambot.db'}"
        return
    created = _create_postgres_database()
    if created is None:
        pytest.skip("PostgreSQL not reachable (set AMBOT_TEST_POSTGRES_URL); it is required in CI")
    url, name = created
    try:
        yield url
    finally:
        _drop_postgres_database(name)


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with throwaway_database(request.param, tmp_path_factory.mktemp("db")) as url:
        yield url


@pytest.fixture(scope="session")
def migrated(database_url: str) -> Iterator[Database]:
    """The backend's database, migrated once for the whole run."""
    database = Database(database_url)
    database.migrate()
    yield database
    database.dispose()


@pytest.fixture
def database(request: pytest.FixtureRequest, migrated: Database) -> Iterator[Database]:
    """The migrated database for this backend, as the test found it empty.

    Each test runs inside one transaction that is rolled back at its end: every commit
    the code under test makes is a savepoint of it. A test marked `real_commits`
    (several connections, threads racing, other processes) commits for real instead,
    and the tables are emptied after it.
    """
    from services import customer_index

    clock.freeze(None)
    # Copied scenarios repeat their teams' customer stamps: no test sees another's cache.
    customer_index.clear()
    if request.node.get_closest_marker("real_commits"):
        database = Database(migrated.url, engine=migrated.engine)
        _empty(database)
        helpers.use_database(database)
        try:
            yield database
        finally:
            helpers.use_database(None)
            _empty(database)
            clock.freeze(None)
        return
    connection = migrated.engine.connect()
    outer = connection.begin()
    _restart_ids(connection)
    database = Database(migrated.url, engine=migrated.engine, bind=connection)
    helpers.use_database(database)
    try:
        yield database
    finally:
        helpers.use_database(None)
        outer.rollback()
        connection.close()
        clock.freeze(None)


def _empty(database: Database) -> None:
    """Delete every row (inside the test's transaction unless it commits for real)."""
    with database.session_scope() as session:
        for table in reversed(Base.metadata.sorted_tables):
            session.execute(table.delete())
        _restart_ids(session.connection())


def _restart_ids(connection) -> None:
    """Ids start at 1 in every test (PostgreSQL's sequences ignore rollbacks; SQLite
    reuses rowids by itself)."""
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT setval(c.oid, 1, false) FROM pg_class c WHERE c.relkind = 'S'"))


@pytest.fixture(scope="session")
def fake_slack() -> Iterator[FakeSlack]:
    with FakeSlack(token=BOT_TOKEN) as fake:
        yield fake


def make_settings(fake: FakeSlack, database_url: str, **overrides: object) -> Settings:
    values: dict[str, object] = dict(
        database_url=database_url,
        bot_token=BOT_TOKEN,
        signing_secret=SIGNING_SECRET,
        slack_api_url=fake.api_url,
        process_before_response=True,
    )
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def ambot(fake_slack: FakeSlack, migrated: Database) -> Iterator[Ambot]:
    """The real app, made by the app factory, on the session's database. Each test's
    `runtime` fixture points it at that test's transaction."""
    app = create_app(make_settings(fake_slack, migrated.url), migrated)
    kb_index.segmenter()  # jieba's dictionary, once per test process, before any request times out on it
    yield app
    app.runtime.background.shutdown(wait=True)


@pytest.fixture(scope="session")
def server(ambot: Ambot) -> Iterator[BackgroundServer]:
    """The real Bolt app behind the real HTTP front. Work after the ack runs inline
    (process_before_response) so assertions need no waiting; the ack-first mode has
    its own tests."""
    with BackgroundServer(ambot.wsgi()) as running:
        yield running


@pytest.fixture
def runtime(ambot: Ambot, database: Database) -> Iterator[Runtime]:
    ambot.runtime.db = database
    ambot.runtime.profiles.clear()
    helpers.use_runtime(ambot.runtime)
    try:
        yield ambot.runtime
    finally:
        helpers.use_runtime(None)
        ambot.runtime.db = None  # type: ignore[assignment]


@pytest.fixture
def driver(server: BackgroundServer, runtime: Runtime, fake_slack: FakeSlack) -> SlackDriver:
    fake_slack.reset()
    fake_slack.users.clear()
    return SlackDriver(server.url, SIGNING_SECRET, fake_slack, shapes=SHAPES)


@pytest.fixture
def virtual_time(fake_slack: FakeSlack, runtime: Runtime) -> Iterator[VirtualClock]:
    """A monotonic clock that a sleep moves on at once, shared by the fake Slack (call
    times, outages, the rate limiter), the outbox sender (`helpers.sender()`) and the
    runtime's Slack clients' retry back-offs: a Retry-After or an outage of a few seconds
    takes no real time, and every interval a test measures still adds up."""
    virtual = VirtualClock()
    fake_slack.use_clock(virtual)
    helpers.use_clock(virtual)
    try:
        with helpers.backoff_on(virtual, runtime.client, runtime.sender):
            yield virtual
    finally:
        helpers.use_clock(None)
        fake_slack.use_clock(REAL_TIME)


@dataclass
class CliRun:
    """What `python bot.py …` would have left: its exit status and its two streams."""

    returncode: int
    stdout: str
    stderr: str


@pytest.fixture
def bot_cli(capsys: pytest.CaptureFixture[str]) -> Callable[..., CliRun]:
    """`bot.main(argv, settings)` in this process, as `python bot.py ARGS` runs it with the
    environment those settings stand for: exit status and captured stdout/stderr. The
    logging set-up main() makes, and a clock a command froze, are put back afterwards.
    Real processes are kept for what needs one (a port, a kill, the console's terminal)."""
    import bot

    def run(*args: str, settings: Settings) -> CliRun:
        capsys.readouterr()  # what the test printed before is not the command's
        root = logging.getLogger()
        saved_handlers, saved_level = root.handlers[:], root.level
        saved = {name: logging.getLogger(name).level for name in ("alembic", "apscheduler")}
        try:
            returncode = bot.main(list(args), settings=settings)
        except SystemExit as exit_:  # argparse refusing the command line
            returncode = exit_.code if isinstance(exit_.code, int) else 1
        finally:
            root.handlers[:] = saved_handlers
            root.setLevel(saved_level)
            for name, level in saved.items():
                logging.getLogger(name).setLevel(level)
            clock.freeze(None)
        out, err = capsys.readouterr()
        return CliRun(returncode, out, err)

    return run


@pytest.fixture
def team_yaml() -> str:
    return (FIXTURES / "team.yaml").read_text("utf-8")


@pytest.fixture
def team(database: Database, team_yaml: str) -> int:
    """The SPEC §7 example team, loaded through the config service (once per backend:
    later tests get a copy of the rows it wrote, see tests/snapshots.py)."""
    with database.session_scope() as session:
        return snapshots.load(session, f"team:{hash(team_yaml)}", lambda s: load_team(s, team_yaml))


def load_team(session, team_yaml: str) -> int:
    from services import team_config

    return team_config.load(session, team_yaml, datetime(2026, 11, 2, tzinfo=UTC)).id


@pytest.fixture(autouse=True)
def _no_invalid_slack_payloads(request: pytest.FixtureRequest) -> Iterator[None]:
    """Any test that talked to the fake Slack fails if a payload broke Slack's rules."""
    yield
    if "fake_slack" in request.fixturenames:
        fake: FakeSlack = request.getfixturevalue("fake_slack")
        invalid = list(fake.invalid)
        fake.invalid.clear()
        assert not invalid, f"invalid Slack payloads: {invalid}"
