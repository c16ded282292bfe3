"""Exactly one active scheduler per database.

PostgreSQL: a session-level advisory lock held on a dedicated connection. If the leader
dies, its connection closes and the server releases the lock; a standby polling every
few seconds takes over. SQLite (one host by nature): an exclusive `flock` on a file beside
the database does the same between processes.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
from pathlib import Path
from typing import Protocol

from sqlalchemy import create_engine, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.pool import NullPool

log = logging.getLogger("ambot.leadership")
# An arbitrary, fixed 64-bit key: "ambot-scheduler".
ADVISORY_KEY = 0x616D626F74_5343


class Leadership(Protocol):
    def acquire(self) -> bool:
        """Try once to become leader; True when this process now leads."""

    def still_leader(self) -> bool:
        """False once the lock is gone (connection lost): stop scheduling at once."""

    def release(self) -> None:
        """Give the lock up (shutting down)."""


class PostgresLeadership:
    def __init__(self, url: str) -> None:
        if url.startswith("postgresql://"):
            url = "postgresql+psycopg://" + url[len("postgresql://") :]
        # Its own engine without pooling: the lock lives and dies with this one connection.
        self.engine: Engine = create_engine(url, poolclass=NullPool, connect_args={"connect_timeout": 5})
        self.connection: Connection | None = None

    def acquire(self) -> bool:
        try:
            if self.connection is None:
                self.connection = self.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
            got = self.connection.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": ADVISORY_KEY}).scalar()
        except Exception as exc:  # database away: stay a standby and try again later
            log.warning("leadership: cannot reach the database: %s", exc)
            self._drop()
            return False
        return bool(got)

    def still_leader(self) -> bool:
        if self.connection is None:
            return False
        try:
            held = self.connection.execute(
                text("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid() AND granted"
                     " AND ((classid::bigint << 32) | objid::bigint) = :key"),
                {"key": ADVISORY_KEY},
            ).scalar()
        except Exception as exc:
            log.warning("leadership: lost the connection holding the lock: %s", exc)
            self._drop()
            return False
        return bool(held)

    def release(self) -> None:
        if self.connection is not None:
            with contextlib.suppress(Exception):  # closing the connection releases it anyway
                self.connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": ADVISORY_KEY})
        self._drop()

    def _drop(self) -> None:
        if self.connection is not None:
            with contextlib.suppress(Exception):
                self.connection.close()
            self.connection = None


class FileLeadership:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.handle: int | None = None

    def acquire(self) -> bool:
        if self.handle is not None:
            return True
        handle = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(handle)
            return False
        os.ftruncate(handle, 0)
        os.write(handle, str(os.getpid()).encode())
        self.handle = handle
        return True

    def still_leader(self) -> bool:
        return self.handle is not None

    def release(self) -> None:
        if self.handle is not None:
            fcntl.flock(self.handle, fcntl.LOCK_UN)
            os.close(self.handle)
            self.handle = None


def leadership_for(database_url: str) -> Leadership:
    if database_url.startswith("postgresql"):
        return PostgresLeadership(database_url)
    path = database_url.split("///", 1)[-1] if ":///" in database_url else "ambot"
    return FileLeadership(Path((path or "ambot") + ".scheduler.lock"))
