"""The buttons on a routed question: the responder's Claim / Answer / Reassign / Escalate,
and the asker's Resolved / Ask a follow-up, with their modals (SPEC §4.3).

Each button's value is the question id. Refusals (not yours, already answered, someone
else claimed it first) come back as an ephemeral message, or as a modal field error.
"""

from __future__ import annotations

import json
from typing import Any

from slack_bolt import App
from slack_sdk import WebClient

from handlers import ids
from handlers import question_delivery as delivery
from handlers.context import Actor, resolve_actor
from handlers.home import refresh_home
from handlers.replies import ephemeral, guarded
from rendering import question_blocks as qb
from services import question_escalation as moves
from services import questions as service
from services.questions import QuestionError
from storage import db


def register(app: App) -> None:
    app.action(ids.QUESTION_CLAIM)(handle_claim)
    app.action(ids.QUESTION_ANSWER)(handle_answer_button)
    app.action(ids.QUESTION_REASSIGN)(handle_reassign_button)
    app.action(ids.QUESTION_ESCALATE)(handle_escalate)
    app.action(ids.QUESTION_RESOLVE)(handle_resolve)
    app.action(ids.QUESTION_FOLLOWUP)(handle_followup_button)
    app.view(ids.QUESTION_ANSWER_MODAL)(handle_answer_submission)
    app.view(ids.QUESTION_REASSIGN_MODAL)(handle_reassign_submission)
    app.view(ids.QUESTION_FOLLOWUP_MODAL)(handle_followup_submission)


def _question_id(action: dict[str, Any]) -> int:
    value = str(action.get("value") or "")
    if not (value.isascii() and value.isdigit()):
        raise QuestionError("not_found", id=value)
    return int(value)


def _view_question_id(view: dict[str, Any]) -> int:
    """The question a modal is about; 0 (no such question) when the metadata is not ours."""
    try:
        value = json.loads(view.get("private_metadata") or "{}").get("q")
    except (ValueError, AttributeError):
        return 0
    return int(value) if str(value).isascii() and str(value).isdigit() else 0


def _pressed(body: dict[str, Any]) -> tuple[str | None, str | None]:
    """The message holding the button: (channel, ts)."""
    container = body.get("container") or {}
    channel = (body.get("channel") or {}).get("id") or container.get("channel_id")
    return channel, container.get("message_ts")


def _refuse(actor: Actor, respond, error: QuestionError) -> None:
    text = actor.texts.macro(qb.MSG, "error_" + error.code, **error.params)
    respond(replace_original=False, **ephemeral(text))


def _value(view: dict[str, Any], block: str, key: str = "value") -> Any:
    return ((view["state"]["values"].get(block) or {}).get(block) or {}).get(key)


# --- the responder ---------------------------------------------------------------------


@guarded
def handle_claim(ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, respond) -> None:
    ack()
    actor = resolve_actor(client, body["user"]["id"])
    try:
        with db.session_scope() as session:
            card = service.claim(session, _question_id(action), actor.slack_id, actor.now)
    except QuestionError as error:
        _refuse(actor, respond, error)
        return
    channel, ts = _pressed(body)
    delivery.update(client, channel, ts, qb.responder_message(actor.texts, card))
    if channel and ts:
        with db.session_scope() as session:
            service.record_threads(session, card.id, assignee=(channel, ts))
    if card.asker:
        texts = delivery.reader_texts(client, card.asker)
        delivery.to_asker(client, card, qb.notice(texts.macro(qb.MSG, "claimed_for_asker", card)))
    refresh_home(client, actor.slack_id, card.asker)


@guarded
def handle_answer_button(ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, respond) -> None:
    ack()
    actor = resolve_actor(client, body["user"]["id"])
    try:
        with db.session_scope() as session:
            card = service.check_can_answer(session, _question_id(action), actor.slack_id)
    except QuestionError as error:
        _refuse(actor, respond, error)
        return
    channel, ts = _pressed(body)
    if channel and ts and card.assignee_ts is None:
        with db.session_scope() as session:
            service.record_threads(session, card.id, assignee=(channel, ts))
    client.views_open(trigger_id=body["trigger_id"], view=qb.answer_modal(actor.texts, card))


@guarded
def handle_answer_submission(ack, body: dict[str, Any], view: dict[str, Any], client: WebClient) -> None:
    actor = resolve_actor(client, body["user"]["id"])
    try:
        with db.session_scope() as session:
            card = service.answer(session, _view_question_id(view), actor.slack_id, _value(view, "answer"), actor.now)
    except QuestionError as error:
        ack(response_action="errors", errors={"answer": actor.texts.macro(qb.MSG, "error_" + error.code, **error.params)})
        return
    ack()
    outcome = actor.texts.macro(qb.MSG, "answered_for_responder", card)
    delivery.update(client, card.assignee_channel, card.assignee_ts, qb.responder_closed(actor.texts, card, outcome))
    if card.asker:
        delivery.to_asker(client, card, qb.answer_message(delivery.reader_texts(client, card.asker), card), broadcast=True)
    refresh_home(client, actor.slack_id, card.asker)


@guarded
def handle_reassign_button(ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, respond) -> None:
    ack()
    actor = resolve_actor(client, body["user"]["id"])
    try:
        with db.session_scope() as session:
            card = moves.check_can_move(session, _question_id(action), actor.slack_id)
    except QuestionError as error:
        _refuse(actor, respond, error)
        return
    client.views_open(trigger_id=body["trigger_id"], view=qb.reassign_modal(actor.texts, card))


@guarded
def handle_reassign_submission(ack, body: dict[str, Any], view: dict[str, Any], client: WebClient) -> None:
    actor = resolve_actor(client, body["user"]["id"])
    target = _value(view, "assignee", "selected_user")
    try:
        with db.session_scope() as session:
            routing = moves.reassign(session, _view_question_id(view), actor.slack_id, target, actor.now)
    except QuestionError as error:
        ack(response_action="errors", errors={"assignee": actor.texts.macro(qb.MSG, "error_" + error.code, **error.params)})
        return
    ack()
    _after_move(client, routing, "reassigned")


@guarded
def handle_escalate(ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, respond) -> None:
    ack()
    actor = resolve_actor(client, body["user"]["id"])
    try:
        with db.session_scope() as session:
            routing = moves.escalate(session, _question_id(action), actor.slack_id, actor.now)
    except QuestionError as error:
        _refuse(actor, respond, error)
        return
    channel, ts = _pressed(body)
    if routing.previous_thread != (channel, ts):
        outcome = actor.texts.macro(qb.MSG, "moved_for_responder", routing)
        delivery.update(client, channel, ts, qb.responder_closed(actor.texts, routing.card, outcome))
    _after_move(client, routing, "escalated")


def _after_move(client: WebClient, routing, kind: str) -> None:
    """The previous responder's DM loses its buttons; everyone concerned is told."""
    channel, ts = routing.previous_thread
    if routing.previous_assignee and channel and ts:
        texts = delivery.reader_texts(client, routing.previous_assignee)
        outcome = texts.macro(qb.MSG, "moved_for_responder", routing)
        delivery.update(client, channel, ts, qb.responder_closed(texts, routing.card, outcome))
    delivery.deliver_move(client, routing, kind)
    refresh_home(client, routing.previous_assignee, routing.card.assignee, routing.card.asker)


# --- the asker -------------------------------------------------------------------------


@guarded
def handle_resolve(ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, respond) -> None:
    ack()
    actor = resolve_actor(client, body["user"]["id"])
    try:
        with db.session_scope() as session:
            card = service.resolve(session, _question_id(action), actor.slack_id, actor.now)
    except QuestionError as error:
        _refuse(actor, respond, error)
        return
    channel, ts = _pressed(body)
    done = actor.texts.macro(qb.MSG, "resolved_for_asker", card)
    answered = qb.answer_message(actor.texts, card, with_buttons=False)
    delivery.update(client, channel, ts, {"text": answered["text"], "blocks": [*answered["blocks"], *qb.notice(done)["blocks"]]})
    if card.answered_by:
        texts = delivery.reader_texts(client, card.answered_by)
        delivery.post(client, card.answered_by, qb.notice(texts.macro(qb.MSG, "resolved_for_responder", card)), thread_ts=card.assignee_ts)
    refresh_home(client, actor.slack_id)


@guarded
def handle_followup_button(ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, respond) -> None:
    ack()
    actor = resolve_actor(client, body["user"]["id"])
    try:
        with db.session_scope() as session:
            card = service.follow_up_card(session, _question_id(action), actor.slack_id)
    except QuestionError as error:
        _refuse(actor, respond, error)
        return
    client.views_open(trigger_id=body["trigger_id"], view=qb.followup_modal(actor.texts, card))


@guarded
def handle_followup_submission(ack, body: dict[str, Any], view: dict[str, Any], client: WebClient) -> None:
    actor = resolve_actor(client, body["user"]["id"])
    text = _value(view, "followup")
    try:
        with db.session_scope() as session:
            card = service.follow_up(session, _view_question_id(view), actor.slack_id, text, actor.now)
    except QuestionError as error:
        ack(response_action="errors", errors={"followup": actor.texts.macro(qb.MSG, "error_" + error.code, **error.params)})
        return
    ack()
    body_text = (text or "").strip()
    delivery.to_asker(client, card, qb.notice(actor.texts.macro(qb.MSG, "followup_for_asker", card, body_text)))
    texts = delivery.reader_texts(client, card.assignee)
    payload = qb.notice_with_buttons(texts, texts.macro(qb.MSG, "followup_for_responder", card, body_text), card.id)
    delivery.to_responder_thread(client, card, payload)
    refresh_home(client, actor.slack_id, card.assignee)
