"""Telling people about a question after someone acted on it: DMs sent once the action is
saved, threaded under the question's DM so the story stays in one place.

Payloads are rendered inside the request (each reader in their own language); the posts
go out after the commit, and the threads they start are recorded in a short transaction
of their own. Scheduled notices (SLA escalations, reminders) go through the outbox
instead; see jobs/questions.py.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from handlers.request import Request
from rendering import question_blocks as qb
from services import questions as service

log = logging.getLogger("ambot.questions")


def post(client: WebClient, channel: str | None, payload: dict[str, Any] | None, *, thread_ts: str | None = None, broadcast: bool = False) -> tuple[str, str] | None:
    """Post to a user (their DM) or channel; (channel, ts), or None when Slack refused."""
    if not channel or payload is None:
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


def update(req: Request, channel: str | None, ts: str | None, payload: dict[str, Any]) -> None:
    """Redraw a message the bot sent (once the action is saved)."""
    if not channel or not ts:
        return
    client = req.client

    def redraw() -> None:
        try:
            client.chat_update(channel=channel, ts=ts, **payload)
        except (SlackApiError, OSError) as exc:
            log.warning("could not update %s/%s: %s", channel, ts, exc)

    req.after(redraw)


def to_asker(req: Request, card: Any, payload: dict[str, Any], *, broadcast: bool = False) -> None:
    """A message in the asker's thread about the question (a new DM if there is none)."""
    client, asker, thread = req.client, card.asker, card.asker_ts
    req.after(lambda: post(client, asker, payload, thread_ts=thread, broadcast=broadcast))


def to_responder_thread(req: Request, card: Any, payload: dict[str, Any]) -> None:
    client, assignee, thread = req.client, card.assignee, card.assignee_ts
    req.after(lambda: post(client, assignee, payload, thread_ts=thread))


def record_thread_later(req: Request, question_id: int, *, asker: tuple[str, str] | None = None, assignee: tuple[str, str] | None = None) -> None:
    database = req.runtime.db

    def record() -> None:
        with database.session_scope() as session:
            service.record_threads(session, question_id, asker=asker, assignee=assignee)

    req.after(record)


def deliver_routing(req: Request, routing: Any) -> None:
    """A new question: the responder gets it with buttons, the asker a thread to follow."""
    card = routing.card
    to_responder = to_asker_dm = None
    if card.assignee:
        texts = req.texts_for(card.assignee)
        note = texts.macro(qb.NOTICES, "routed_note", routing) or None
        to_responder = qb.responder_message(texts, card, note=note)
    if card.asker:
        to_asker_dm = qb.routed_message(req.texts_for(card.asker), routing, in_dm=True)
    client, database = req.client, req.runtime.db

    def send() -> None:
        responder = post(client, card.assignee, to_responder)
        asker = post(client, card.asker, to_asker_dm)
        with database.session_scope() as session:
            service.record_threads(session, card.id, asker=asker, assignee=responder)

    req.after(send)
    req.refresh_home(card.asker, card.assignee)


def deliver_move(req: Request, routing: Any, kind: str) -> None:
    """Reassigned or escalated by hand: new responder, previous responder, asker."""
    card = routing.card
    to_responder = None
    if card.assignee:
        texts = req.texts_for(card.assignee)
        to_responder = qb.responder_message(texts, card, note=texts.macro(qb.NOTICES, "moved_note", routing, kind))
    client, database = req.client, req.runtime.db

    def send() -> None:
        responder = post(client, card.assignee, to_responder)
        if responder:
            with database.session_scope() as session:
                service.record_threads(session, card.id, assignee=responder)

    req.after(send)
    if routing.previous_assignee and routing.previous_assignee != routing.actor:
        texts = req.texts_for(routing.previous_assignee)
        req.post(routing.previous_assignee, qb.notice(texts.macro(qb.NOTICES, "moved_for_previous", routing, kind)))
    if card.asker:
        texts = req.texts_for(card.asker)
        text = texts.macro(qb.NOTICES, "moved_for_asker", routing, kind)
        lead = texts.macro(qb.MSG, "lead_time", card, routing.lead_until)
        to_asker(req, card, qb.notice(f"{text}\n{lead}".strip()), broadcast=True)
