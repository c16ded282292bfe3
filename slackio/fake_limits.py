"""How the fake Slack misbehaves on request, and the clock it does it on: faults (429 with
Retry-After, 5xx, an error code, an outage window), Slack's posting limits, and a virtual
clock that lets tests pass a Retry-After or an outage in no real time."""

from __future__ import annotations

import threading
from dataclasses import dataclass


@dataclass
class Fault:
    method: str
    status: int = 429
    retry_after: int = 1
    error: str | None = None
    times: int = 1
    until: float | None = None  # deadline on the fake's clock: fail every call until then

    def active(self, method: str, now: float) -> bool:
        if self.method not in (method, "*"):
            return False
        if self.until is not None:
            return now < self.until
        return self.times > 0


class VirtualClock:
    """Monotonic time that moves only when someone sleeps, and then at once.

    Give the same one to the fake (`FakeSlack(clock=…)` or `use_clock`) and to the code
    under test (`OutboxSender(…, clock=…)`): a Retry-After or an outage of a few seconds
    then passes in no real time, while every timestamp and window still adds up.
    """

    def __init__(self, start: float = 1000.0) -> None:
        self._now = start
        self._lock = threading.Lock()
        self.slept: list[float] = []  # every sleep, in order: what the code under test waited

    def monotonic(self) -> float:
        with self._lock:
            return self._now

    def sleep(self, seconds: float) -> None:
        if seconds < 0:
            raise ValueError("sleep length must be non-negative")
        with self._lock:
            self._now += seconds
            self.slept.append(seconds)


@dataclass
class RateLimit:
    """Slack's posting limits, roughly: one message per second per channel, and a
    workspace-wide budget of `workspace_budget` chat.postMessage calls per `window_seconds`."""

    per_channel_seconds: float = 1.0
    workspace_budget: int | None = None
    window_seconds: float = 60.0

    def floor_seconds(self, messages: int) -> float:
        """The least time `messages` DMs to distinct people can take under these limits."""
        if not self.workspace_budget:
            return 0.0
        windows = -(-messages // self.workspace_budget)  # ceiling
        return max(0, windows - 1) * self.window_seconds
