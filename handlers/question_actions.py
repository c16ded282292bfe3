"""The buttons on a routed question: the responder's Claim / Answer / Reassign / Escalate,
and the asker's Resolved / Ask a follow-up, with their modals (SPEC §4.3).

Each button's value is the question id. Refusals (not yours, already answered, someone
else claimed it first) come back as an ephemeral message, or as a modal field error.
"""

from __future__ import annotations

from typing import Any

from domain.refusal import Refusal
from handlers import question_delivery as delivery
from listening.layer import Listeners
from listening.request import Request
from rendering import question_blocks as qb
from services import question_escalation as moves
from services import questions as service
from slackio import ids
from slackio.payloads import private_metadata


def register(on: Listeners) -> None:
    on.action(ids.QUESTION_CLAIM, handle_claim)
    on.action(ids.QUESTION_ANSWER, handle_answer_button)
    on.action(ids.QUESTION_REASSIGN, handle_reassign_button)
    on.action(ids.QUESTION_ESCALATE, handle_escalate)
    on.action(ids.QUESTION_RESOLVE, handle_resolve)
    on.action(ids.QUESTION_FOLLOWUP, handle_followup_button)
    on.view(ids.QUESTION_ANSWER_MODAL, handle_answer_submission, default_field="answer")
    on.view(ids.QUESTION_REASSIGN_MODAL, handle_reassign_submission, default_field="assignee")
    on.view(ids.QUESTION_FOLLOWUP_MODAL, handle_followup_submission, default_field="followup")


def _question_id(req: Request) -> int:
    value = req.value
    if not (value.isascii() and value.isdigit()):
        raise Refusal("ask.not_found", id=value)
    return int(value)


def _view_question_id(req: Request) -> int:
    """The question a modal is about; 0 (no such question) when the metadata is not ours."""
    value = str(private_metadata(req.view).get("q"))
    return int(value) if value.isascii() and value.isdigit() else 0


def _pressed(req: Request) -> tuple[str | None, str | None]:
    """The message holding the button: (channel, ts)."""
    container = req.body.get("container") or {}
    channel = (req.body.get("channel") or {}).get("id") or container.get("channel_id")
    return channel, container.get("message_ts")


def _value(req: Request, block: str, key: str = "value") -> Any:
    return ((req.view["state"]["values"].get(block) or {}).get(block) or {}).get(key)


# --- the responder ---------------------------------------------------------------------


def handle_claim(req: Request) -> None:
    card = service.claim(req.db, _question_id(req), req.user_id, req.now)
    channel, ts = _pressed(req)
    delivery.update(req, channel, ts, qb.responder_message(req.texts, card))
    if channel and ts:
        service.record_threads(req.db, card.id, assignee=(channel, ts))
    if card.asker:
        texts = req.texts_for(card.asker)
        delivery.to_asker(req, card, qb.notice(texts.macro(qb.MSG, "claimed_for_asker", card)))
    req.refresh_home(req.user_id, card.asker)


def handle_answer_button(req: Request) -> None:
    card = service.check_can_answer(req.db, _question_id(req), req.user_id)
    channel, ts = _pressed(req)
    if channel and ts and card.assignee_ts is None:
        service.record_threads(req.db, card.id, assignee=(channel, ts))
    req.open_view(qb.answer_modal(req.texts, card))


def handle_answer_submission(req: Request) -> None:
    card = service.answer(req.db, _view_question_id(req), req.user_id, _value(req, "answer"), req.now)
    outcome = req.texts.macro(qb.MSG, "answered_for_responder", card)
    delivery.update(req, card.assignee_channel, card.assignee_ts, qb.responder_closed(req.texts, card, outcome, add_to_kb=True))
    if card.asker:
        delivery.to_asker(req, card, qb.answer_message(req.texts_for(card.asker), card), broadcast=True)
    req.refresh_home(req.user_id, card.asker)


def handle_reassign_button(req: Request) -> None:
    card = moves.check_can_move(req.db, _question_id(req), req.user_id)
    req.open_view(qb.reassign_modal(req.texts, card))


def handle_reassign_submission(req: Request) -> None:
    routing = moves.reassign(req.db, _view_question_id(req), req.user_id, _value(req, "assignee", "selected_user"), req.now)
    _after_move(req, routing, "reassigned")


def handle_escalate(req: Request) -> None:
    routing = moves.escalate(req.db, _question_id(req), req.user_id, req.now)
    channel, ts = _pressed(req)
    if routing.previous_thread != (channel, ts):
        outcome = req.texts.macro(qb.MSG, "moved_for_responder", routing)
        delivery.update(req, channel, ts, qb.responder_closed(req.texts, routing.card, outcome))
    _after_move(req, routing, "escalated")


def _after_move(req: Request, routing: Any, kind: str) -> None:
    """The previous responder's DM loses its buttons; everyone concerned is told."""
    channel, ts = routing.previous_thread
    if routing.previous_assignee and channel and ts:
        texts = req.texts_for(routing.previous_assignee)
        outcome = texts.macro(qb.MSG, "moved_for_responder", routing)
        delivery.update(req, channel, ts, qb.responder_closed(texts, routing.card, outcome))
    delivery.deliver_move(req, routing, kind)
    req.refresh_home(routing.previous_assignee, routing.card.assignee, routing.card.asker)


# --- the asker -------------------------------------------------------------------------


def handle_resolve(req: Request) -> None:
    card = service.resolve(req.db, _question_id(req), req.user_id, req.now)
    channel, ts = _pressed(req)
    done = req.texts.macro(qb.MSG, "resolved_for_asker", card)
    answered = qb.answer_message(req.texts, card, with_buttons=False)
    delivery.update(req, channel, ts, {"text": answered["text"], "blocks": [*answered["blocks"], *qb.notice(done)["blocks"]]})
    if card.answered_by:
        texts = req.texts_for(card.answered_by)
        req.post(card.answered_by, qb.notice(texts.macro(qb.MSG, "resolved_for_responder", card)), **({"thread_ts": card.assignee_ts} if card.assignee_ts else {}))
    req.refresh_home(req.user_id)


def handle_followup_button(req: Request) -> None:
    card = service.follow_up_card(req.db, _question_id(req), req.user_id)
    req.open_view(qb.followup_modal(req.texts, card))


def handle_followup_submission(req: Request) -> None:
    text = _value(req, "followup")
    card = service.follow_up(req.db, _view_question_id(req), req.user_id, text, req.now)
    body_text = (text or "").strip()
    delivery.to_asker(req, card, qb.notice(req.texts.macro(qb.MSG, "followup_for_asker", card, body_text)))
    assert card.assignee is not None  # a follow-up goes back to whoever answered
    texts = req.texts_for(card.assignee)
    payload = qb.notice_with_buttons(texts, texts.macro(qb.MSG, "followup_for_responder", card, body_text), card.id)
    delivery.to_responder_thread(req, card, payload)
    req.refresh_home(req.user_id, card.assignee)
