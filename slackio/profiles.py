"""What Slack's `users.info` says about a person's language and time zone.

Members' answers are remembered in the members table (refreshed weekly by the listener
layer); people who are not members yet are remembered here, in memory, for an hour.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

log = logging.getLogger("ambot.profiles")
GUEST_TTL_SECONDS = 3600.0


@dataclass(frozen=True)
class Profile:
    locale: str | None = None
    tz: str | None = None
    real_name: str | None = None

    @property
    def known(self) -> bool:
        return bool(self.locale or self.tz)


def fetch_profile(client: WebClient, slack_id: str) -> Profile:
    """users.info for one person; an empty Profile when Slack cannot say."""
    try:
        user = client.users_info(user=slack_id, include_locale=True)["user"]
    except (SlackApiError, OSError, KeyError, TypeError) as exc:
        log.info("users.info failed for %s: %s", slack_id, exc)
        return Profile()
    profile = user.get("profile") or {}
    return Profile(user.get("locale"), user.get("tz"), profile.get("real_name") or user.get("real_name") or user.get("name"))


class ProfileCache:
    """Profiles of people who are not members, for `ttl` seconds (one per person)."""

    def __init__(self, ttl: float = GUEST_TTL_SECONDS) -> None:
        self.ttl = ttl
        self._seen: dict[str, tuple[float, Profile]] = {}
        self._lock = threading.Lock()

    def get(self, client: WebClient, slack_id: str) -> Profile:
        with self._lock:
            cached = self._seen.get(slack_id)
            if cached and time.monotonic() - cached[0] < self.ttl:
                return cached[1]
        profile = fetch_profile(client, slack_id)
        with self._lock:
            self._seen[slack_id] = (time.monotonic(), profile)
        return profile

    def clear(self) -> None:
        with self._lock:
            self._seen.clear()
