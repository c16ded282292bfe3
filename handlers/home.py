"""The App Home tab (SPEC §4.7): published when someone opens it, and redrawn after the
actions that change what it shows.

Listeners ask for a redraw with `req.refresh_home(slack_id, …)`; once the request is
committed the runtime's `HomeRefresher` publishes those Homes — only for people who
opened theirs recently (the rest get a fresh one when they next open it), at most one
waiting publish per person, and never raising: the action it follows has succeeded.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Executor, ThreadPoolExecutor
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

import clock
from domain.refusal import Refusal
from handlers.layer import Listeners
from handlers.request import Request, texts_of
from handlers.visit_common import visit_access
from rendering import home_blocks
from rendering.i18n import Texts
from rendering.kpi_text import pace_text
from runtime import InlineExecutor, Runtime
from services import followups, home, people
from slackio import ids

log = logging.getLogger("ambot.handlers.home")
MSG = home_blocks.MSG


def register(on: Listeners) -> None:
    on.event("app_home_opened", handle_home_opened)
    on.action(ids.HOME_FOLLOWUP_DONE, handle_done, refused=_show_on_home)


def handle_home_opened(req: Request) -> None:
    # Slack sends the same event when the Messages tab is opened: nothing to publish then.
    if req.event.get("tab", "home") != "home" or not req.event.get("user"):
        return
    home.mark_seen(req.db, req.user_id, req.now)
    _publish(req, build_view(req.db, req.texts, req.user_id, req.now))


def handle_done(req: Request) -> None:
    """Done on the Home: mark the follow-up done, then publish the Home again with a note."""
    if not req.value.isdigit():
        raise Refusal("visit.followup_gone")
    access = visit_access(req)
    outcome = followups.complete(req.db, access, int(req.value), req.now)
    if outcome.changed:
        notice = req.texts.macro(MSG, "done_notice", outcome.followup)
    else:
        notice = req.texts.macro("visit/messages", "followup_was_done")
    _publish(req, build_view(req.db, req.texts, req.user_id, req.now, notice=notice))
    owner = outcome.followup.owner_slack_id
    if owner != req.user_id:  # done by their cover or a manager
        req.refresh_home(owner)


def _show_on_home(req: Request, text: str) -> None:
    """A refused Done shows on the Home it was pressed on (a Home has no reply thread)."""
    _publish(req, build_view(req.db, req.texts, req.user_id, req.now, notice=":warning: " + text))


def _publish(req: Request, view: dict[str, Any]) -> None:
    user = req.user_id
    req.after(lambda: req.client.views_publish(user_id=user, view=view))


def build_view(session: Session, texts: Texts, slack_id: str, now: datetime, notice: str | None = None) -> dict[str, Any]:
    data = home.home_for(session, slack_id, now)
    if data is None:
        return home_blocks.welcome_view(texts, team_exists=home.any_team(session), notice=notice)
    pace = pace_text(texts, data.pace, data.today) if data.pace is not None else None
    return home_blocks.home_view(texts, data, pace_text=pace, notice=notice)


def publish_quietly(runtime: Runtime, slack_id: str) -> None:
    """Publish one person's Home again if they opened it recently. Never raises."""
    try:
        now = clock.now()
        with runtime.db.session_scope() as session:
            if not home.seen_recently(session, slack_id, now):
                return  # their Home is rebuilt when they next open it
            view = build_view(session, texts_of(people.find_person(session, slack_id, now)), slack_id, now)
        runtime.client.views_publish(user_id=slack_id, view=view)
    except Exception:  # the action this follows has already succeeded
        log.warning("could not refresh the App Home of %s", slack_id, exc_info=True)


class HomeRefresher:
    """Publishes Homes on a small pool of its own, at most one waiting publish per person.

    A person's id leaves `waiting` when their publish starts, so a change made while it
    runs schedules one more: the last publish always reads the latest state.
    """

    def __init__(self, publish: Callable[[str], None], pool: Executor) -> None:
        self.publish = publish
        self.pool = pool
        self.waiting: set[str] = set()
        self.lock = threading.Lock()

    @classmethod
    def for_runtime(cls, runtime: Runtime) -> HomeRefresher:
        pool: Executor = InlineExecutor() if runtime.inline else ThreadPoolExecutor(2, thread_name_prefix="ambot-home")
        return cls(lambda slack_id: publish_quietly(runtime, slack_id), pool)

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
