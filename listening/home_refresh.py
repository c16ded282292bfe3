"""Redrawing App Homes after the actions that change them, off the request path.

`req.refresh_home(…)` asks for it once a request is committed. At most one publish waits
per person: a burst of changes for one person ends in one or two publishes, and a change
made while a publish runs schedules one more, so the last publish reads the latest state.
Never raises: the action it follows has already succeeded.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Executor, ThreadPoolExecutor
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from core import clock
from listening.runtime import InlineExecutor, Runtime

log = logging.getLogger("ambot.home")

# (session, slack_id, now) → the Home to publish, or None when it need not be redrawn.
HomeView = Callable[[Session, str, datetime], dict[str, Any] | None]


class HomeRefresher:
    def __init__(self, publish: Callable[[str], None], pool: Executor) -> None:
        self.publish = publish
        self.pool = pool
        self.waiting: set[str] = set()
        self.lock = threading.Lock()

    @classmethod
    def for_runtime(cls, runtime: Runtime, view_for: HomeView) -> HomeRefresher:
        pool: Executor = InlineExecutor() if runtime.inline else ThreadPoolExecutor(2, thread_name_prefix="ambot-home")
        return cls(lambda slack_id: publish_quietly(runtime, view_for, slack_id), pool)

    def request(self, *slack_ids: str) -> list[bool]:
        """Schedule publishes; False for each person with one already waiting."""
        return [self._request(s) for s in slack_ids]

    def _request(self, slack_id: str) -> bool:
        with self.lock:
            if slack_id in self.waiting:
                return False
            self.waiting.add(slack_id)
        self.pool.submit(self._run, slack_id)
        return True

    def _run(self, slack_id: str) -> None:
        with self.lock:
            self.waiting.discard(slack_id)
        self.publish(slack_id)

    def drain(self) -> None:
        """Wait for every scheduled publish (tests, shutdown)."""
        self.pool.shutdown(wait=True)


def publish_quietly(runtime: Runtime, view_for: HomeView, slack_id: str) -> None:
    try:
        with runtime.db.session_scope() as session:
            view = view_for(session, slack_id, clock.now())
        if view is not None:
            runtime.client.views_publish(user_id=slack_id, view=view)
    except Exception:  # the action this follows has already succeeded
        log.warning("could not refresh the App Home of %s", slack_id, exc_info=True)
