"""One Settings object, built in `main()` and passed down. Tests build it explicitly."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

DEFAULT_DATABASE_URL = f"sqlite:///{Path(__file__).resolve().parent.parent / 'ambot.db'}"
DEFAULT_SLACK_API_URL = "https://slack.com/api/"


@dataclass(frozen=True)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL
    bot_token: str | None = None
    signing_secret: str | None = None
    app_token: str | None = None
    slack_api_url: str = DEFAULT_SLACK_API_URL
    log_level: str = "INFO"
    log_level_given: bool = False  # AMBOT_LOG_LEVEL was set: command-line tools log at it too
    cli_language: str | None = None  # the command line's language: AMBOT_LANG, else LANG
    # Finish a request's work before answering it (tests, console, demo). Real HTTP
    # traffic keeps this off: every request is acked first and worked on after.
    process_before_response: bool = False
    scheduler_poll_seconds: float = 5.0  # AMBOT_SCHEDULER_POLL_SECONDS: how often a standby scheduler tries to take over
    # AMBOT_PUBLIC_URL: the address people reach this server at (the one Slack's request
    # URL starts with, without /slack/events); calendar feed addresses start with it.
    public_url: str | None = None

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        api_url = env.get("SLACK_API_URL") or DEFAULT_SLACK_API_URL
        if not api_url.endswith("/"):
            api_url += "/"
        return cls(
            database_url=env.get("DATABASE_URL") or DEFAULT_DATABASE_URL,
            bot_token=env.get("SLACK_BOT_TOKEN") or None,
            signing_secret=env.get("SLACK_SIGNING_SECRET") or None,
            app_token=env.get("SLACK_APP_TOKEN") or None,
            slack_api_url=api_url,
            log_level=(env.get("AMBOT_LOG_LEVEL") or "INFO").upper(),
            log_level_given=bool(env.get("AMBOT_LOG_LEVEL")),
            cli_language=env.get("AMBOT_LANG") or env.get("LANG") or None,
            scheduler_poll_seconds=float(env.get("AMBOT_SCHEDULER_POLL_SECONDS") or 5.0),
            public_url=(env.get("AMBOT_PUBLIC_URL") or "").strip().rstrip("/") or None,
        )

    def with_(self, **changes: object) -> Settings:
        return replace(self, **changes)  # type: ignore[arg-type]

    def __repr__(self) -> str:  # secrets never reach logs through repr()
        hidden = {"bot_token", "signing_secret", "app_token"}
        parts = [
            f"{k}={'***' if k in hidden and v else v!r}" for k, v in self.__dict__.items()
        ]
        return f"Settings({', '.join(parts)})"
