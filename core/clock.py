"""The one place the bot reads the wall clock. Tests and `--at` runs freeze it."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Protocol

_frozen: datetime | None = None


def now() -> datetime:
    return _frozen if _frozen is not None else datetime.now(UTC)


def freeze(at: datetime | None) -> None:
    """Make `now()` return `at` (aware) until `freeze(None)`."""
    global _frozen
    if at is not None and at.tzinfo is None:
        raise ValueError("freeze() needs an aware datetime")
    _frozen = at


class MonotonicClock(Protocol):
    """Elapsed time and waiting, for code that paces itself (the outbox sleeping through a
    Retry-After). Production passes REAL_TIME; tests pass a virtual clock that a sleep moves
    on at once, shared with the fake Slack."""

    def monotonic(self) -> float: ...

    def sleep(self, seconds: float) -> None: ...


class _RealTime:
    monotonic = staticmethod(time.monotonic)
    sleep = staticmethod(time.sleep)


REAL_TIME: MonotonicClock = _RealTime()
