"""gunicorn's settings for ambot (read from the working directory by default).

`on_starting` runs once in the master before any worker is forked: it brings the
database schema to head under the migration lock, so N workers never race the same
migration and each one starts against a ready schema.
"""

from __future__ import annotations

from typing import Any

wsgi_app = "wsgi:create_application()"


def on_starting(server: Any) -> None:
    from core.settings import Settings
    from storage.db import open_database

    database = open_database(Settings.from_env().database_url)
    try:
        head = database.migrate()
    finally:
        database.dispose()
    server.log.info("ambot: database schema at %s", head)
