"""`GET /calendar/<token>.ics`: a member's feed, read in a session of its own.

No Slack request comes with it: the token alone says whose feed it is. The feed is in
its owner's language (their Slack locale when ambot speaks it, else the team's).
"""

from __future__ import annotations

from core import clock
from listening.runtime import Runtime
from rendering.calendar_feed import feed_ics
from rendering.i18n import Texts, negotiate_locale
from services import calendar_feeds


def serve_feed(runtime: Runtime, token: str) -> bytes | None:
    """The feed's iCalendar bytes, or None when the token opens nothing."""
    with runtime.db.session_scope() as session:
        who = calendar_feeds.owner(session, token)
        if who is None:
            return None
        texts = Texts(negotiate_locale(who.slack_locale, who.team_language), who.timezone)
        events = calendar_feeds.events(session, who, texts.locale, clock.now())
        return feed_ics(texts, who, events)
