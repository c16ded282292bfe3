"""Logging for every ambot process: one line per record on standard error, and never a
token or the signing secret in it."""

from __future__ import annotations

import logging
import sys

from core.settings import Settings


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
