"""WSGI entry point for production web workers:

    gunicorn -w 4 -b 0.0.0.0:3000 'wsgi:create_application()'

gunicorn reads `gunicorn.conf.py` beside this file, whose `on_starting` hook migrates the
database once, in the master, before any worker starts. Each worker then builds its app
from the environment; one that finds the schema behind (nobody migrated) refuses to start
with the reason. Workers never run the scheduler: run `python bot.py scheduler` as its own
process. Importing this module does nothing.
"""

from __future__ import annotations

import logging
import os

from app import configure_logging, create_app
from core.settings import Settings
from rendering.i18n import Texts, negotiate_locale
from slackio.web import WSGIApplication
from storage.db import SchemaBehind, open_database

log = logging.getLogger("ambot.wsgi")


def create_application(settings: Settings | None = None) -> WSGIApplication:
    settings = settings or Settings.from_env()
    texts = Texts(negotiate_locale(settings.cli_language, None))
    if not settings.signing_secret:
        raise SystemExit(texts.macro("cli/messages", "serve_needs_secret"))
    configure_logging(settings)
    database = open_database(settings.database_url)
    try:
        database.require_schema()  # a migration in progress is waited for, then checked
    except SchemaBehind as behind:
        database.dispose()
        raise SystemExit(texts.macro("cli/messages", "schema_behind", current=behind.current or "—", head=behind.head)) from None
    application = create_app(settings, database).wsgi()
    log.info("worker %s ready", os.getpid())
    return application
