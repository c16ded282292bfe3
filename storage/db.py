"""The database: engine, sessions, and migrations run under a lock.

A `Database` is made by the composition root (bot.py, wsgi.py, a test fixture) and
handed down; there is no process-wide one. Listeners get one session per request from the
listener layer; scheduled jobs and command-line tools open short ones with
`session_scope()`.

Migrations never run at import. `migrate()` takes a lock first (a PostgreSQL advisory
lock; on SQLite the write lock of an immediate transaction), so several processes may
call it at once: one migrates, the others wait and then find the schema at head.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, create_engine, event, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

# Their Session hooks: every change recorded in the audit trail, withdrawn rows hidden.
from storage import audit, withdrawal  # noqa: F401

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
# An arbitrary, fixed 64-bit key: "ambot-migrate". Distinct from the scheduler's.
MIGRATION_LOCK_KEY = 0x616D626F74_4D47


class SchemaBehind(RuntimeError):
    """The database is not at the migration head this code expects."""

    def __init__(self, current: str | None, head: str) -> None:
        super().__init__(f"database schema at {current or 'nothing'}, code expects {head}")
        self.current = current
        self.head = head


class Database:
    def __init__(self, url: str, *, engine: Engine | None = None, bind: Connection | None = None) -> None:
        """`bind` (tests): run every session inside this connection's transaction, each
        commit becoming a savepoint release, so the test can roll everything back."""
        self.url = url
        self.engine = engine or make_engine(url)
        # One connection cannot serve several threads at once: work that fans out over
        # threads (the outbox's send lanes) runs in one when this is False.
        self.concurrent = bind is None
        if bind is not None:
            self.sessions = sessionmaker(bind=bind, expire_on_commit=False, join_transaction_mode="create_savepoint")
        else:
            self.sessions = sessionmaker(self.engine, expire_on_commit=False)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def session_scope(self) -> Iterator[Session]:
        """One transaction: committed when the block ends, rolled back if it raises."""
        session = self.sessions()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    # --- schema -------------------------------------------------------------------------

    def migrate(self) -> str:
        """Bring the schema to head under the migration lock; returns the head revision."""
        from alembic import command

        with self._locked() as connection:
            config = _alembic_config()
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
            connection.commit()
        return head_revision()

    def current_revision(self) -> str | None:
        from alembic.runtime.migration import MigrationContext

        with self.engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()

    def require_schema(self, *, wait: bool = True) -> None:
        """Raise SchemaBehind unless the schema is at head. With `wait`, a migration in
        progress elsewhere is waited for (its lock) before looking."""
        head = head_revision()
        if wait:
            with self._locked():
                pass
        current = self.current_revision()
        if current != head:
            raise SchemaBehind(current, head)

    @contextmanager
    def _locked(self) -> Iterator[Connection]:
        with self.engine.connect() as connection:
            if self.dialect == "postgresql":
                connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
                connection.commit()
                try:
                    yield connection
                finally:
                    connection.rollback()
                    connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": MIGRATION_LOCK_KEY})
                    connection.commit()
            else:
                # BEGIN IMMEDIATE (see _sqlite_begin) takes SQLite's write lock: a second
                # migrator waits on busy_timeout, then sees the first one's work.
                connection.begin()
                try:
                    yield connection
                finally:
                    if connection.in_transaction():
                        connection.rollback()

    def dispose(self) -> None:
        self.engine.dispose()


def _alembic_config() -> Any:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(_alembic_config()).get_current_head()
    assert head is not None
    return head


def open_database(url: str, *, migrate: bool = False) -> Database:
    database = Database(url)
    if migrate:
        database.migrate()
    return database


def make_engine(url: str, *, echo: bool = False) -> Engine:
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    if url.startswith("sqlite"):
        # isolation_level=None: pysqlite leaves transactions to SQLAlchemy (its own
        # handling starts them late and breaks SAVEPOINT); _sqlite_begin starts them.
        engine = create_engine(
            url, echo=echo, connect_args={"timeout": 30, "check_same_thread": False, "isolation_level": None}
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    return create_engine(url, echo=echo, pool_pre_ping=True, pool_size=10, max_overflow=10)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")  # durable at every checkpoint; safe with WAL
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _sqlite_begin(connection: Connection) -> None:
    # IMMEDIATE: take the write lock when the transaction starts, so a transaction that
    # reads and then writes never fails to upgrade (SQLITE_BUSY) under concurrency; it
    # waits its turn instead. A request is one short transaction.
    connection.exec_driver_sql("BEGIN IMMEDIATE")
