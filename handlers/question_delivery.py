"""Telling people about a question after someone acted on it: DMs sent once the action is
saved, threaded under the question's DM so the story stays in one place.

Payloads are rendered inside the request (each reader in their own language); the posts
go out after the commit, and the threads they start are recorded in a short transaction
of their own. Scheduled notices (SLA escalations, reminders) go through the outbox
instead; see jobs/questions.py.
"""

from __future__ import annotations

from typing import Any

from listening.request import Request
from rendering import question_blocks as qb
from services import questions as service
from slackio.posting import post_message, update_message


def update(req: Request, channel: str | None, ts: str | None, payload: dict[str, Any]) -> None:
    """Redraw a message the bot sent (once the action is saved)."""
    client, payload = req.client, req.named(payload)
    req.after(lambda: update_message(client, channel, ts, payload))


def to_asker(req: Request, card: Any, payload: dict[str, Any], *, broadcast: bool = False) -> None:
    """A message in the asker's thread about the question (a new DM if there is none)."""
    client, asker, thread, payload = req.client, card.asker, card.asker_ts, req.named(payload)
    req.after(lambda: post_message(client, asker, payload, thread_ts=thread, broadcast=broadcast))


def to_responder_thread(req: Request, card: Any, payload: dict[str, Any]) -> None:
    client, assignee, thread, payload = req.client, card.assignee, card.assignee_ts, req.named(payload)
    req.after(lambda: post_message(client, assignee, payload, thread_ts=thread))


def deliver_routing(req: Request, routing: Any) -> None:
    """A new question: the responder gets it with buttons, the asker a thread to follow."""
    card = routing.card
    to_responder = to_asker_dm = None
    if card.assignee:
        texts = req.texts_for(card.assignee)
        note = texts.macro(qb.NOTICES, "routed_note", routing) or None
        to_responder = req.named(qb.responder_message(texts, card, note=note))
    if card.asker:
        to_asker_dm = req.named(qb.routed_message(req.texts_for(card.asker), routing, in_dm=True))
    client, database = req.client, req.runtime.db

    def send() -> None:
        responder = post_message(client, card.assignee, to_responder)
        asker = post_message(client, card.asker, to_asker_dm)
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
        to_responder = req.named(qb.responder_message(texts, card, note=texts.macro(qb.NOTICES, "moved_note", routing, kind)))
    client, database = req.client, req.runtime.db

    def send() -> None:
        responder = post_message(client, card.assignee, to_responder)
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
