"""What a running ambot holds for the life of the process, made once by the composition
root and handed down: settings, the database, the Slack clients, and the pools that do
work after a request has been answered. Nothing here is module-level state: a test (or a
second app in one process) builds its own Runtime.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Executor, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from slack_sdk import WebClient

from core.settings import Settings
from slackio.client import make_web_client
from slackio.profiles import ProfileCache
from storage.db import Database

AFTER_ACK_THREADS = 64
log = logging.getLogger("ambot.runtime")


class InlineExecutor(Executor):
    """Runs work at once in the caller's thread (tests, console, command line): what a
    request changes is visible as soon as it has been answered."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Any:
        from concurrent.futures import Future

        future: Future[Any] = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except Exception as exc:  # like a pool's worker: logged, and handed to whoever waits
            log.error("work after the answer failed", exc_info=exc)
            future.set_exception(exc)
        return future


@dataclass
class Runtime:
    settings: Settings
    db: Database
    client: WebClient  # listeners: retries transient errors and 429s itself
    sender: WebClient  # the outbox: reschedules on 429 instead of blocking
    background: Executor  # work after the ack (listeners' bodies, Home redraws)
    profiles: ProfileCache = field(default_factory=ProfileCache)
    # Set by the app factory: publish the App Home of these people again (never raises;
    # what it returns is not used).
    refresh_home: Callable[..., object] = lambda *slack_ids: None

    @property
    def inline(self) -> bool:
        return isinstance(self.background, InlineExecutor)

    def close(self) -> None:
        self.background.shutdown(wait=True)
        self.db.dispose()


def create_runtime(settings: Settings, db: Database) -> Runtime:
    background: Executor = (
        InlineExecutor()
        if settings.process_before_response
        else ThreadPoolExecutor(max_workers=AFTER_ACK_THREADS, thread_name_prefix="ambot-work")
    )
    return Runtime(
        settings=settings,
        db=db,
        client=make_web_client(settings),
        sender=make_web_client(settings, rate_limit_retries=0),
        background=background,
    )
