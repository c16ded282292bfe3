"""The app factory: ambot's Bolt app, every listener registered, on a runtime of its own.

    ambot = create_app(settings, database)   # Slack, tests, the console and the demo alike
    ambot.bolt                                # the Bolt App (HTTP front, Socket Mode)
    ambot.runtime                             # what jobs and the scheduler need too

Nothing here runs at import, and nothing is kept at module level: two apps in one process
share nothing but the wall clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from slack_bolt import App

import handlers
from core import clock
from core.settings import Settings
from handlers import home
from listening.calendar_feed import serve_feed
from listening.home_refresh import HomeRefresher
from listening.layer import Listeners
from listening.request import texts_of, with_slack_profile
from listening.runtime import Runtime, create_runtime
from rendering.blocks import ephemeral
from services import kb_index, people
from slackio.web import WSGIApplication, wsgi_app
from storage.db import Database


@dataclass
class Ambot:
    bolt: App
    runtime: Runtime

    def wsgi(self) -> WSGIApplication:
        """The HTTP front for this app (gunicorn, `serve`, tests, the console)."""
        assert self.runtime.settings.signing_secret
        return wsgi_app(self.bolt, self.runtime.settings.signing_secret, unreadable_reply=self.unreadable_reply, calendar_feed=self.calendar_feed)

    def calendar_feed(self, token: str) -> bytes | None:
        """A member's private calendar feed (`/visit calendar`), or None for a token that
        opens nothing."""
        return serve_feed(self.runtime, token)

    def unreadable_reply(self, slack_id: str) -> dict[str, Any]:
        """"ambot could not read that request", in the sender's language: a member's, else
        their Slack locale (a newcomer reads their own language, not the team's)."""
        try:
            with self.runtime.db.session_scope() as session:
                person = people.find_person(session, slack_id, clock.now())
        except Exception:  # the database may be the reason; Slack still knows their language
            person = people.Person(slack_id)
        # users.info (cached); when Slack cannot say either: the team's language, else English.
        return ephemeral(texts_of(with_slack_profile(self.runtime, person)).macro("common", "unreadable_request"))

    def close(self) -> None:
        self.runtime.close()


def create_app(settings: Settings, database: Database) -> Ambot:
    runtime = create_runtime(settings, database)
    bolt = App(
        signing_secret=settings.signing_secret,
        client=runtime.client,
        token_verification_enabled=False,
        # Bolt runs each listener in the request's own thread; the listener layer acks
        # first and hands the work to the runtime's pool, so no ack waits on a poll.
        process_before_response=True,
    )
    runtime.refresh_home = HomeRefresher.for_runtime(runtime, home.view_for).request
    handlers.register(Listeners(bolt, runtime))
    if not runtime.inline:
        # jieba's dictionary takes about a second to load: load it now, beside the first
        # requests, so that no form submission waits for it within Slack's 3 seconds.
        runtime.background.submit(kb_index.segmenter)
    return Ambot(bolt, runtime)
