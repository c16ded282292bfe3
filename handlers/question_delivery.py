"""Telling people about a question after someone acted on it: DMs sent right away (they
answer a click), threaded under the question's DM so the story stays in one place.

Scheduled notices (SLA escalations, reminders) go through the outbox instead; see
jobs/questions.py.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from handlers.context import resolve_actor
from handlers.home import refresh_home
from rendering import question_blocks as qb
from rendering.i18n import Texts
from services import questions as service
from storage import db

log = logging.getLogger("ambot.questions")


def reader_texts(client: WebClient, slack_id: str) -> Texts:
    """The recipient's language and zone (their Slack profile, refreshed weekly)."""
    return resolve_actor(client, slack_id).texts


def post(client: WebClient, channel: str | None, payload: dict[str, Any], *, thread_ts: str | None = None, broadcast: bool = False) -> tuple[str, str] | None:
    """Post to a user (their DM) or channel; (channel, ts), or None when Slack refused."""
    if not channel:
        return None
    extra: dict[str, Any] = {}
    if thread_ts:
        extra["thread_ts"] = thread_ts
        if broadcast:
            extra["reply_broadcast"] = True
    try:
        response = client.chat_postMessage(channel=channel, **payload, **extra)
    except (SlackApiError, OSError) as exc:
        log.warning("could not post to %s: %s", channel, exc)
        return None
    return response.get("channel"), response.get("ts")


def update(client: WebClient, channel: str | None, ts: str | None, payload: dict[str, Any]) -> None:
    if not channel or not ts:
        return
    try:
        client.chat_update(channel=channel, ts=ts, **payload)
    except (SlackApiError, OSError) as exc:
        log.warning("could not update %s/%s: %s", channel, ts, exc)


def to_asker(client: WebClient, card, payload: dict[str, Any], *, broadcast: bool = False) -> None:
    """A message in the asker's thread about the question (a new DM if there is none)."""
    post(client, card.asker, payload, thread_ts=card.asker_ts, broadcast=broadcast)


def to_responder_thread(client: WebClient, card, payload: dict[str, Any]) -> tuple[str, str] | None:
    return post(client, card.assignee, payload, thread_ts=card.assignee_ts)


def deliver_routing(client: WebClient, routing) -> None:
    """A new question: the responder gets it with buttons, the asker a thread to follow."""
    card = routing.card
    responder = None
    if card.assignee:
        texts = reader_texts(client, card.assignee)
        note = texts.macro(qb.NOTICES, "routed_note", routing) or None
        responder = post(client, card.assignee, qb.responder_message(texts, card, note=note))
    asker = post(client, card.asker, qb.routed_message(reader_texts(client, card.asker), routing, in_dm=True)) if card.asker else None
    with db.session_scope() as session:
        service.record_threads(session, card.id, asker=asker, assignee=responder)
    refresh_home(client, card.asker, card.assignee)


def deliver_move(client: WebClient, routing, kind: str) -> None:
    """Reassigned or escalated by hand: new responder, previous responder, asker."""
    card = routing.card
    new_texts = reader_texts(client, card.assignee) if card.assignee else None
    responder = None
    if new_texts is not None:
        note = new_texts.macro(qb.NOTICES, "moved_note", routing, kind)
        responder = post(client, card.assignee, qb.responder_message(new_texts, card, note=note))
    if routing.previous_assignee and routing.previous_assignee != routing.actor:
        texts = reader_texts(client, routing.previous_assignee)
        post(client, routing.previous_assignee, qb.notice(texts.macro(qb.NOTICES, "moved_for_previous", routing, kind)))
    if card.asker:
        texts = reader_texts(client, card.asker)
        text = texts.macro(qb.NOTICES, "moved_for_asker", routing, kind)
        lead = texts.macro(qb.MSG, "lead_time", card, routing.lead_until)
        to_asker(client, card, qb.notice(f"{text}\n{lead}".strip()), broadcast=True)
    if responder:
        with db.session_scope() as session:
            service.record_threads(session, card.id, assignee=responder)
