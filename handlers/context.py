"""Per-request context for listeners: who is asking, in which language, and replies.

Resolution happens after `ack()`: it may call Slack's users.info (cached for a week in
the members table, in memory for non-members), which must never delay the ack.
"""

from __future__ import annotations

import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import datetime

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.orm import Session

import clock
from rendering.i18n import Texts, negotiate_locale
from services import people
from storage import db

log = logging.getLogger(__name__)

_GUEST_PROFILES: dict[str, tuple[float, str | None, str | None]] = {}
_GUEST_LOCK = threading.Lock()
GUEST_TTL_SECONDS = 3600.0


@dataclass(frozen=True)
class Actor:
    person: people.Person
    texts: Texts
    now: datetime

    @property
    def slack_id(self) -> str:
        return self.person.slack_id

    @property
    def locale(self) -> str:
        return self.texts.locale


def utcnow() -> datetime:
    return clock.now()


def resolve_actor(client: WebClient, slack_id: str, now: datetime | None = None, *, session: Session | None = None) -> Actor:
    """Who is asking. Give the request's `session` to read them in its transaction (one
    round trip: the member with their team) instead of a transaction of their own."""
    now = now or utcnow()
    if session is not None:
        person = people.find_person(session, slack_id, now)
    else:
        with db.session_scope() as own:
            person = people.find_person(own, slack_id, now)
    if person.is_member and person.profile_stale:
        if person.profile_known and _refresher is not None:
            # What we know is a week old but good enough for this answer: refresh it
            # later, so no request (a form submission above all) waits on Slack for it.
            _refresher.submit(_refresh_profile, client, slack_id, now)
        else:
            locale, tz = _refresh_profile(client, slack_id, now)
            if locale or tz:
                person = replace(person, slack_locale=locale, tz=tz or person.tz, profile_stale=False)
    elif not person.is_member:
        locale, tz = _guest_profile(client, slack_id)
        person = replace(person, slack_locale=locale, tz=tz)
    texts = Texts(negotiate_locale(person.slack_locale, person.team_language), person.reader_tz)
    return Actor(person=person, texts=texts, now=now)


def _refresh_profile(client: WebClient, slack_id: str, now: datetime) -> tuple[str | None, str | None]:
    locale, tz = _fetch_profile(client, slack_id)
    if locale or tz:
        with db.session_scope() as session:
            people.remember_profile(session, slack_id, locale, tz, now)
    return locale, tz


_refresher: ThreadPoolExecutor | None = None


def use_background_profile_refresh(enabled: bool) -> None:
    """Composition root: refresh stale profiles after the answer (serving) or inline."""
    global _refresher
    _refresher = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ambot-profile") if enabled else None


def texts_for(person: people.Person) -> Texts:
    return Texts(negotiate_locale(person.slack_locale, person.team_language), person.reader_tz)


def _fetch_profile(client: WebClient, slack_id: str) -> tuple[str | None, str | None]:
    try:
        user = client.users_info(user=slack_id, include_locale=True)["user"]
    except (SlackApiError, OSError, KeyError) as exc:
        log.info("users.info failed for %s: %s", slack_id, exc)
        return None, None
    return user.get("locale"), user.get("tz")


def _guest_profile(client: WebClient, slack_id: str) -> tuple[str | None, str | None]:
    with _GUEST_LOCK:
        cached = _GUEST_PROFILES.get(slack_id)
        if cached and time.monotonic() - cached[0] < GUEST_TTL_SECONDS:
            return cached[1], cached[2]
    locale, tz = _fetch_profile(client, slack_id)
    with _GUEST_LOCK:
        _GUEST_PROFILES[slack_id] = (time.monotonic(), locale, tz)
    return locale, tz


def clear_profile_cache() -> None:
    with _GUEST_LOCK:
        _GUEST_PROFILES.clear()


