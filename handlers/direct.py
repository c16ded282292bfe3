"""Talking to ambot in its Messages tab (the `message.im` event).

    东海银行 需求：专线扩容 跟进：发报价 截止 周五     a visit: a preview card with Save / Edit / Cancel
    跨域专线资源核查要多久？                          a question: offered to `/ask`
    help                                             what ambot takes here

Nothing is written until Save: the card's buttons carry the line itself, with the day it
was sent and its ts (the visit's source key: a double click or a Slack retry stores one
visit). Each event is acted on once (Slack retries a slow delivery, X-Slack-Retry-Num);
messages from bots, ambot's own included, and edits or deletions are ignored.
"""

from __future__ import annotations

import json
from datetime import date

from domain.direct_message import classify
from domain.quicklog import QuickLog, QuickLogError, message_line, parse_quick_log
from domain.refusal import Refusal
from domain.visit_form import VisitDraft, draft_from_quicklog, is_empty
from handlers import questions, visit_modal
from handlers.visit_common import announce_assigned, visit_access, visit_readers
from listening.layer import Listeners
from listening.request import Request
from rendering import dm_blocks, visit_blocks
from services import inbox, visits
from services.visit_access import VisitAccess, require_customer_work, with_named_owners
from slackio import ids

MSG = dm_blocks.MSG
VALUE_LIMIT = 2000  # a button's value


def register(on: Listeners) -> None:
    on.event("message", handle_message)
    on.action(ids.DM_SAVE, handle_save)
    on.action(ids.DM_EDIT, handle_edit)
    on.action(ids.DM_CANCEL, handle_cancel)
    on.action(ids.DM_ASK, questions.ask_pressed)
    on.action(ids.DM_NOT_NOW, handle_not_now)


def from_a_person(event: dict) -> bool:
    """A message someone typed in their DM with ambot (not a bot's, not an edit)."""
    return (
        event.get("channel_type") == "im"
        and not event.get("subtype")
        and not event.get("bot_id")
        and bool(event.get("user"))
    )


def handle_message(req: Request) -> None:
    if not from_a_person(req.event):
        return
    event_id = str(req.body.get("event_id") or f"{req.event.get('channel')}:{req.event.get('ts')}")
    if not inbox.first_delivery(req.db, event_id, req.now):
        return  # a retry of a message already answered
    text = req.text.strip()
    kind = classify(text)
    if kind == "help":
        req.post(req.user_id, dm_blocks.help_message(req.texts))
    elif kind == "quick_log":
        _preview(req, text)
    elif kind == "question":
        if len(text.encode("utf-8")) > VALUE_LIMIT:
            raise Refusal("dm.too_long")
        req.post(req.user_id, dm_blocks.question_offer(req.texts, text))
    else:
        req.post(req.user_id, dm_blocks.note(req.texts.macro(MSG, "not_understood")))


# --- a visit in one message --------------------------------------------------------------


def _access(req: Request) -> VisitAccess:
    if not req.person.is_member:
        raise Refusal("dm.not_member")
    access = visit_access(req)
    require_customer_work(access)
    return access


def _parsed(req: Request, access: VisitAccess, line: str, day: date) -> tuple[QuickLog, VisitDraft]:
    parsed = with_named_owners(req.db, access, parse_quick_log(line, day, require_due=access.require_followup_due))
    draft = draft_from_quicklog(parsed)
    if is_empty(draft):
        raise QuickLogError("empty_visit", parsed.customer)
    return parsed, draft


def _preview(req: Request, text: str) -> None:
    access = _access(req)
    line = message_line(text)
    day = access.today(req.now)
    parsed, draft = _parsed(req, access, line, day)
    value = json.dumps({"d": day.isoformat(), "ts": req.event.get("ts"), "t": line}, ensure_ascii=False)
    if len(value.encode("utf-8")) > VALUE_LIMIT:
        raise Refusal("dm.too_long")
    preview = visits.preview_quick_log(req.db, access, parsed.customer, draft, now=req.now)
    req.post(req.user_id, dm_blocks.preview_message(req.texts, preview, value))


def _card(req: Request) -> tuple[date, str, str]:
    """(day sent, message ts, line) from a card's button."""
    try:
        data = json.loads(req.value)
        return date.fromisoformat(data["d"]), str(data["ts"]), str(data["t"])
    except (ValueError, KeyError, TypeError):
        raise Refusal("dm.card_gone") from None


def handle_save(req: Request) -> None:
    day, ts, line = _card(req)
    access = _access(req)
    parsed, draft = _parsed(req, access, line, day)
    source_key = f"dm:{req.user_id}:{ts}"
    outcome = visits.store_once(
        req.db,
        lambda s: visits.quick_log(s, access, parsed.customer, draft, text=line, source_key=source_key, now=req.now),
        lambda s: visits.find_quick_log(s, access, parsed.customer, text=line, source_key=source_key, now=req.now),
    )
    req.reply(visit_blocks.stored_message(req.texts, outcome.visit, "logged" if outcome.created else "already"), replace_original=True)
    if outcome.created:
        announce_assigned(req, outcome.visit)
    req.refresh_home(req.user_id, *visit_readers(outcome.visit))


def handle_edit(req: Request) -> None:
    """The draft in the visit form, customer chosen, to finish there."""
    day, _ts, line = _card(req)
    access = _access(req)
    parsed, draft = _parsed(req, access, line, day)
    customer = visits.resolve_customer(req.db, access, parsed.customer)
    option = visit_blocks.customer_option(customer.id, customer.name, customer.aliases)
    req.open_view(visit_modal.form_for_draft(req, access, draft, option))


def handle_cancel(req: Request) -> None:
    req.reply(dm_blocks.note(req.texts.macro(MSG, "cancelled")), replace_original=True)


def handle_not_now(req: Request) -> None:
    req.reply(dm_blocks.note(req.texts.macro(MSG, "not_now")), replace_original=True)

