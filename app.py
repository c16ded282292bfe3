"""The app factory: ambot's Bolt app, every listener registered, on a runtime of its own.

    ambot = create_app(settings, database)   # Slack, tests, the console and the demo alike
    ambot.bolt                                # the Bolt App (HTTP front, Socket Mode)
    ambot.runtime                             # what jobs and the scheduler need too

Nothing here runs at import, and nothing is kept at module level: two apps in one process
share nothing but the wall clock.
"""

from __future__ import annotations

import logging
import sys
from dataclasses import dataclass
from typing import Any

from slack_bolt import App

import clock
import handlers
from handlers import home
from listening.home_refresh import HomeRefresher
from listening.layer import Listeners
from listening.request import texts_of
from rendering.blocks import ephemeral
from rendering.i18n import Texts
from runtime import Runtime, create_runtime
from services import people
from settings import Settings
from slackio.web import WSGIApplication, wsgi_app
from storage.db import Database


@dataclass
class Ambot:
    bolt: App
    runtime: Runtime

    def wsgi(self) -> WSGIApplication:
        """The HTTP front for this app (gunicorn, `serve`, tests, the console)."""
        assert self.runtime.settings.signing_secret
        return wsgi_app(self.bolt, self.runtime.settings.signing_secret, unreadable_reply=self.unreadable_reply)

    def unreadable_reply(self, slack_id: str) -> dict[str, Any]:
        """"ambot could not read that request", in the sender's language when it is known."""
        try:
            with self.runtime.db.session_scope() as session:
                texts = texts_of(people.find_person(session, slack_id, clock.now()))
        except Exception:  # the database may be the reason; English still tells them
            texts = Texts("en")
        return ephemeral(texts.macro("common", "unreadable_request"))

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
    return Ambot(bolt, runtime)


class SecretsFilter(logging.Filter):
    """Never let a token or the signing secret reach a log line."""

    def __init__(self, secrets: list[str]) -> None:
        super().__init__()
        self.secrets = [s for s in secrets if s and len(s) >= 6]

    def filter(self, record: logging.LogRecord) -> bool:
        if self.secrets:
            message = record.getMessage()
            if any(s in message for s in self.secrets):
                for secret in self.secrets:
                    message = message.replace(secret, "***")
                record.msg, record.args = message, None
        return True


def configure_logging(settings: Settings, *, quiet: bool = False) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(SecretsFilter([settings.bot_token or "", settings.signing_secret or "", settings.app_token or ""]))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    level = logging.getLevelName(settings.log_level)
    # The console and the demo print a conversation: only warnings belong in it.
    root.setLevel(max(logging.WARNING, level) if quiet else level)
    logging.getLogger("alembic").setLevel(max(logging.WARNING, root.level))
    logging.getLogger("apscheduler").setLevel(max(logging.WARNING, root.level))
