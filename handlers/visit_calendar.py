"""`/visit calendar [reset]`: a member's private calendar feed address.

    /visit calendar         the address (once: ambot keeps only its fingerprint), or when it was made
    /visit calendar reset   a new address; the old one stops working
"""

from __future__ import annotations

from domain.refusal import Refusal
from listening.request import Request
from rendering import visit_blocks
from services import calendar_feeds

CALENDAR_WORDS = {"calendar", "cal", "ical", "ics", "日历", "日程"}
RESET_WORDS = {"reset", "new", "renew", "重置", "重设", "换新"}


def calendar_command(req: Request, words: list[str]) -> None:
    """`words`: what follows `calendar`."""
    if len(words) > 1 or (words and words[0].lower() not in RESET_WORDS):
        raise Refusal("visit.calendar_usage", usage=True)
    person = req.person
    if person.member_id is None:
        raise Refusal("visit.not_member", usage=True)
    base = req.settings.public_url
    if not base:
        raise Refusal("visit.calendar_no_public_url")
    issued = calendar_feeds.issue(req.db, person.member_id, req.now, reset=bool(words))
    url = f"{base}/calendar/{issued.token}.ics" if issued.token else None
    req.reply(visit_blocks.calendar_message(req.texts, issued, url))
