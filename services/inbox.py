"""Events Slack may deliver more than once (a retry after a slow answer, X-Slack-Retry-Num):
each is acted on once, keyed by its event id."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from storage import processed


def first_delivery(session: Session, event_id: str, now: datetime) -> bool:
    """True the first time `event_id` is seen; the mark commits with what it caused."""
    return processed.remember(session, f"event:{event_id}", now)
