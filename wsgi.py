"""WSGI entry point for production web workers: `gunicorn -w 4 wsgi:application`.

Each worker builds the app from the environment. Workers never run the scheduler: run
`python bot.py scheduler` as its own process.
"""

from __future__ import annotations

import bot
from settings import Settings
from slackio.web import wsgi_app


def create_application(settings: Settings | None = None):
    settings = settings or Settings.from_env()
    if not settings.signing_secret:
        raise SystemExit(bot.cli_texts().macro("cli/messages", "serve_needs_secret"))
    bot.configure_logging(settings)
    bot.init_runtime(settings)
    return wsgi_app(bot.build_app(settings))


application = create_application()
