"""A member's calendar feed as iCalendar (RFC 5545) text, with the `icalendar` package.

The same data gives the same bytes (each event's DTSTAMP is when what it shows last
changed, never the time of the fetch), so the feed's ETag only changes with its content.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from icalendar import Calendar, Event

from rendering.i18n import Texts
from services.calendar_feeds import FeedEvent, FeedOwner

PRODUCT = "-//ambot//calendar feed//EN"
REFRESH = timedelta(hours=1)  # what the feed suggests to calendar apps (many poll less often)


def feed_ics(texts: Texts, who: FeedOwner, events: list[FeedEvent]) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODUCT)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", texts.macro("visit/calendar", "calendar_name", who.name))
    calendar.add("x-wr-timezone", who.timezone)
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", REFRESH)
    for item in events:
        calendar.add_component(_event(texts, item))
    return calendar.to_ical()


def _event(texts: Texts, item: FeedEvent) -> Event:
    event = Event()
    event.add("uid", f"{item.uid}@ambot")
    event.add("dtstamp", item.stamp)
    event.add("dtstart", item.start)
    event.add("dtend", item.end)
    event.add("summary", summary(texts, item))
    if item.kind == "followup" and item.text:
        event.add("description", item.text)
    if item.tentative:
        event.add("status", "TENTATIVE")
    # Busy only while someone is away or covering; a due date or a holiday blocks no time.
    event.add("transp", "OPAQUE" if isinstance(item.start, datetime) and item.kind in ("leave", "cover") else "TRANSPARENT")
    event.add("categories", [item.kind])
    return event


def summary(texts: Texts, item: FeedEvent) -> str:
    m = "visit/calendar"
    if item.kind == "followup":
        return texts.macro(m, "followup", item.title or "", item.text or "")
    if item.kind == "plan":
        return texts.macro(m, "plan", item.title or "")
    if item.kind in ("leave", "cover", "team_leave"):
        name = item.person or ""
        return texts.macro(m, item.kind, name, item.tentative)
    return texts.macro(m, item.kind, item.title or "")
