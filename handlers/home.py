"""The App Home tab (SPEC §4.7): published when someone opens it, and refreshed after
the actions that change what it shows.

Other listeners call `refresh_home(client, slack_id, …)` after their own reply. It never
raises: a Home that cannot be published is logged and the action it follows stands.
Managers' team snapshots are refreshed when they open the tab, not on every change a
rep makes.
"""

from __future__ import annotations

import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from slack_bolt import App
from slack_sdk import WebClient

import clock
from handlers import ids
from handlers.context import Actor, resolve_actor
from handlers.replies import guarded
from handlers.visit_common import refusal
from rendering import home_blocks
from services import followups, home
from services.visit_access import VisitError, require_access
from storage import db

log = logging.getLogger("ambot.handlers.home")
MSG = home_blocks.MSG


def register(app: App) -> None:
    app.event("app_home_opened")(handle_home_opened)
    app.action(ids.HOME_FOLLOWUP_DONE)(handle_done)


@guarded
def handle_home_opened(event: dict[str, Any], client: WebClient) -> None:
    # Slack sends the same event when the Messages tab is opened: nothing to publish then.
    if event.get("tab", "home") != "home" or not event.get("user"):
        return
    actor = resolve_actor(client, event["user"])
    with db.session_scope() as session:
        home.mark_seen(session, actor.slack_id, actor.now)
    publish(client, actor)


@guarded
def handle_done(ack, body: dict[str, Any], client: WebClient) -> None:
    """Done on the Home: mark the follow-up done, then publish the Home again with a note."""
    ack()
    actor = resolve_actor(client, body["user"]["id"])
    value = str((body.get("actions") or [{}])[0].get("value", ""))
    owner = None
    try:
        if not value.isdigit():
            raise VisitError("followup_gone")
        with db.session_scope() as session:
            access = require_access(session, actor.slack_id, actor.now)
            outcome = followups.complete(session, access, int(value), actor.now)
        owner = outcome.followup.owner_slack_id
        if outcome.changed:
            notice = actor.texts.macro(MSG, "done_notice", outcome.followup)
        else:
            notice = actor.texts.macro("visit/messages", "followup_was_done")
    except VisitError as error:
        notice = ":warning: " + refusal(actor.texts, error)
    publish(client, actor, notice=notice)
    if owner and owner != actor.slack_id:  # done by their cover or a manager
        refresh_home(client, owner)


def build_view(actor: Actor, notice: str | None = None) -> dict[str, Any]:
    with db.session_scope() as session:
        data = home.home_for(session, actor.slack_id, actor.now)
        team_exists = data is not None or home.any_team(session)
    if data is None:
        return home_blocks.welcome_view(actor.texts, team_exists=team_exists, notice=notice)
    # Imported here: handlers.kpi imports this module to refresh the Home after `/kpi log`.
    from handlers.kpi import pace_text

    pace = pace_text(actor.texts, data.pace, data.today) if data.pace is not None else None
    return home_blocks.home_view(actor.texts, data, pace_text=pace, notice=notice)


def publish(client: WebClient, actor: Actor, *, notice: str | None = None) -> None:
    client.views_publish(user_id=actor.slack_id, view=build_view(actor, notice))


def visit_readers(visit: Any) -> list[str | None]:
    """Whose Home a logged or edited visit changes besides the logger's: the rep's (the
    visits metric) and each follow-up owner's."""
    return [visit.rep_slack_id, *(f.owner_slack_id for f in visit.followups)]


def refresh_home(client: WebClient, *slack_ids: str | None) -> None:
    """Publish these people's Homes again (each once; None is skipped). Never raises.

    With a background refresher configured (HTTP and Socket Mode), this only schedules
    the work: the action's own answer is not held up, and a burst of changes for one
    person ends in one or two publishes instead of one each.
    """
    for slack_id in dict.fromkeys(s for s in slack_ids if s):
        if _refresher is not None:
            _refresher.request(client, slack_id)
        else:
            _publish_quietly(client, slack_id)


def _publish_quietly(client: WebClient, slack_id: str) -> None:
    try:
        with db.session_scope() as session:
            if not home.seen_recently(session, slack_id, clock.now()):
                return  # their Home is rebuilt when they next open it
        publish(client, resolve_actor(client, slack_id))
    except Exception:  # the action this follows has already succeeded
        log.warning("could not refresh the App Home of %s", slack_id, exc_info=True)


class HomeRefresher:
    """Publishes Homes on a small pool of its own, at most one waiting publish per person.

    A person's id leaves `waiting` when their publish starts, so a change made while it
    runs schedules one more: the last publish always reads the latest state.
    """

    def __init__(self, workers: int = 2) -> None:
        self.pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="ambot-home")
        self.waiting: set[str] = set()
        self.lock = threading.Lock()

    def request(self, client: WebClient, slack_id: str) -> bool:
        """Schedule a publish; False when one is already waiting for this person."""
        with self.lock:
            if slack_id in self.waiting:
                return False
            self.waiting.add(slack_id)
        self.pool.submit(self._run, client, slack_id)
        return True

    def _run(self, client: WebClient, slack_id: str) -> None:
        with self.lock:
            self.waiting.discard(slack_id)
        _publish_quietly(client, slack_id)

    def drain(self) -> None:
        """Wait for every scheduled publish (tests, shutdown)."""
        self.pool.shutdown(wait=True)
        self.pool = ThreadPoolExecutor(max_workers=self.pool._max_workers, thread_name_prefix="ambot-home")


_refresher: HomeRefresher | None = None


def use_background_refresh(enabled: bool) -> None:
    """Composition root: refresh Homes in the background (serving) or inline (tests, console)."""
    global _refresher
    _refresher = HomeRefresher() if enabled else None
