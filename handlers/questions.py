"""`/ask`: route a backend question to the right person (SPEC §4.3).

Asking goes: parse → topic (explicit, keywords, else the user picks) → similar answered
questions ("That answers it" / "Still ask") → route. Until it is routed nothing is
written: the draft travels in the buttons' values. The responder's and the asker's
buttons afterwards live in handlers/question_actions.py.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import replace
from typing import Any

from domain.args import take_page
from domain.refusal import Refusal
from domain.routing import KB_WORDS, parse_ask
from handlers import knowledge as knowledge_handlers
from handlers import question_actions
from handlers import question_delivery as delivery
from listening.layer import Listeners
from listening.request import Request
from rendering import question_blocks as qb
from rendering.blocks import option, sections
from rendering.pages import read_more_value
from services import knowledge
from services import question_lists as lists
from services import questions as service
from services.questions import Draft
from slackio import ids
from slackio.payloads import private_metadata

USAGE = "ask/usage"
HELP_WORDS = {"help", "帮助", "?", "？"}
MINE_WORDS = {"mine", "我的"}
SEARCH_WORDS = {"search", "搜索", "查找"}
# Refusals of the form, beside the field they are about (others beside the question).
FORM_FIELDS = {"bad_level": "level", "unknown_customer": "customer", "customer_hidden": "customer", "unknown_topic": "topic", "pick_topic": "topic"}


def register(on: Listeners) -> None:
    on.command(ids.ASK, handle_ask, usage=USAGE)
    on.view(ids.ASK_MODAL, handle_ask_submission, fields=FORM_FIELDS, default_field="question")
    on.action(re.compile(rf"^{ids.ASK_PICK_TOPIC}:"), handle_pick_topic)
    on.action(ids.ASK_STILL_ASK, handle_still_ask)
    on.action(ids.ASK_DEFLECTED, handle_deflected)
    on.action(ids.ASK_QUESTION_TYPED, handle_question_typed)
    on.options(ids.ASK_CUSTOMER, handle_customer_options)
    on.options(ids.ASK_TOPIC, handle_topic_options)
    on.action(ids.ASK_OPEN_FORM, handle_open_form)
    on.action(ids.ASK_SEARCH_MORE, handle_search_more)
    question_actions.register(on)
    knowledge_handlers.register(on)


# --- the draft in a button value ---------------------------------------------------------


def encode_draft(draft: Draft) -> str:
    """`topic|level|customer|question`: the topic key and numbers never contain `|`."""
    return f"{draft.topic_key or ''}|{draft.level or ''}|{draft.customer_id or ''}|{draft.question}"


def decode_draft(value: str) -> Draft:
    topic, level, customer, question = (value.split("|", 3) + ["", "", "", ""])[:4]
    return Draft(
        question=question,
        topic_key=topic or None,
        level=int(level) if level.isdigit() else None,
        customer_id=int(customer) if customer.isdigit() else None,
    )


# --- /ask ----------------------------------------------------------------------------------


def handle_ask(req: Request) -> None:
    text = req.text.replace("\u3000", " ").strip()
    first, _, rest = text.partition(" ")
    word = first.lower()
    if not text:
        _member, team = service.member_and_team(req.db, req.user_id)
        topics = service.topic_choices(req.db, team)
        if not topics:
            raise Refusal("ask.no_topics", usage=True)
        req.open_view(qb.ask_modal(req.texts, topics))
    elif word in HELP_WORDS and not rest.strip():
        req.say(req.texts.render(USAGE))
    elif word in MINE_WORDS and not rest.strip():
        shown = req.texts.render("ask/mine", mine=lists.mine(req.db, req.user_id))
        req.say(shown, sections(shown))
    elif word in SEARCH_WORDS:
        words, page = take_page(rest.strip())
        _search(req, words, page)
    elif word in KB_WORDS:
        knowledge_handlers.handle_kb_command(req, rest)
    else:
        ask_text(req, text, f"ask:{req.user_id}:{req.trigger_id}")


def _search(req: Request, words: str, page: int) -> None:
    hits = lists.search(req.db, req.user_id, words, req.now)
    more = req.body.get("type") == "block_actions"
    req.reply(qb.search_message(req.texts, words, hits, page=page), replace_original=False if more else None)


def handle_search_more(req: Request) -> None:
    page, words = read_more_value(req.value)
    _search(req, words, page)


def ask_text(req: Request, text: str, source_key: str) -> None:
    """`/ask <text>` from anywhere (the command, a question sent to ambot as a DM)."""
    request = parse_ask(text)
    draft = Draft(request.question, request.topic_key, request.level)
    _proceed(req, draft, source_key, with_similar=True)


def ask_pressed(req: Request) -> None:
    """A button carrying a question's text: asked once however often it is pressed."""
    ask_text(req, req.value, _click_key(req, req.value))


# --- from a draft to a routed question ---------------------------------------------------


def _show(req: Request, payload: dict[str, Any], *, title: str = "modal_sent_title") -> None:
    """Answer where the user is: the modal, the ephemeral message they clicked in, or a new reply."""
    if req.view:
        req.update_view(qb.result_view(req.texts, payload, title=req.texts.macro(qb.MSG, title)))
    elif req.body.get("type") == "block_actions":
        req.reply(payload, replace_original=True)
    else:
        req.reply(payload)


def _proceed(req: Request, draft: Draft, source_key: str, *, with_similar: bool) -> None:
    prepared = service.prepare(req.db, req.user_id, draft, req.now, with_similar=with_similar, pick_unknown_topic=True)
    if prepared.unknown_key:
        lead = req.texts.macro(qb.MSG, "error_unknown_topic", key=prepared.unknown_key, topics=prepared.topics)
        _show(req, _picker(req, prepared.draft, prepared.topics, lead=lead))
    elif prepared.needs_topic:
        _show(req, _picker(req, prepared.draft, prepared.topics))
    elif prepared.similar:
        _show(req, qb.deflection(req.texts, prepared.similar, encode_draft(prepared.draft)), title="modal_similar_title")
    else:
        _route(req, prepared.draft, source_key)


def _picker(req: Request, draft: Draft, topics: Any, *, lead: str | None = None) -> dict[str, Any]:
    drafts = {t.key: encode_draft(replace(draft, topic_key=t.key)) for t in topics} if len(topics) <= qb.STATIC_CHOICES else {}
    return qb.topic_picker(req.texts, topics, drafts, draft.question, lead=lead, form_value=encode_draft(draft))


def _route(req: Request, draft: Draft, source_key: str) -> None:
    routing = service.ask(req.db, req.user_id, draft, req.now, source_key=source_key)
    _show(req, qb.routed_message(req.texts, routing, in_dm=False))
    if routing.created:
        delivery.deliver_routing(req, routing)


def _click_key(req: Request, value: str, kind: str = "ask") -> str:
    """One question per (user, message or modal, draft): a double click asks once."""
    container = req.body.get("container") or {}
    where = container.get("message_ts") or container.get("view_id") or req.view.get("id") or ""
    return f"{kind}:{req.user_id}:{where}:{zlib.crc32(value.encode('utf-8')):08x}"


def handle_pick_topic(req: Request) -> None:
    _proceed(req, decode_draft(req.value), _click_key(req, req.value), with_similar=True)


def handle_still_ask(req: Request) -> None:
    _route(req, decode_draft(req.value), _click_key(req, req.value))


def handle_deflected(req: Request) -> None:
    """"This answers it" on an entry: counted on it; nothing goes to support."""
    value = req.value
    # The message (or modal) holds one draft's suggestions: a second click on it, or
    # Slack's retry, is the same deflection and counts once. A vanished entry changes
    # nothing for the asker: the thanks is all they need.
    if value.isascii() and value.isdigit():
        knowledge.deflected(req.db, int(value), req.user_id, req.now, click_key=_click_key(req, value, "deflected"))
    _show(req, qb.notice(req.texts.macro(qb.MSG, "deflected")))


def _shown(view: dict[str, Any]) -> list[int]:
    """The entries the form has offered so far (its private metadata)."""
    return [int(x) for x in private_metadata(view).get("shown") or [] if str(x).isdigit()]


def handle_question_typed(req: Request) -> None:
    """A character typed in the form's question: redraw its matches. The update names the
    view's hash, so an older keystroke's answer never overwrites a newer one."""
    values = (req.view.get("state") or {}).get("values") or {}
    hits = knowledge.matches_while_typing(req.db, req.user_id, str(req.action.get("value") or ""), _selected(values, "topic", "topic"), req.now)
    req.update_view(qb.with_matches(req.texts, req.view, hits, _shown(req.view)), hash=req.view.get("hash"), newer_wins=True)


# --- the form --------------------------------------------------------------------------------


def _selected(values: dict[str, Any], block: str, action: str) -> str | None:
    chosen = ((values.get(block) or {}).get(action) or {}).get("selected_option")
    return chosen.get("value") if chosen else None


def handle_ask_submission(req: Request) -> None:
    values = req.view["state"]["values"]
    level = _selected(values, "level", "level")
    customer = _selected(values, "customer", ids.ASK_CUSTOMER)
    draft = Draft(
        question=((values.get("question") or {}).get(ids.ASK_QUESTION_TYPED) or {}).get("value") or "",
        topic_key=_selected(values, "topic", "topic") or _selected(values, "topic", ids.ASK_TOPIC),
        level=int(level) if level and level.isdigit() else None,
        customer_id=int(customer) if customer and customer.isdigit() else None,
    )
    prepared = service.prepare(req.db, req.user_id, draft, req.now)
    if prepared.needs_topic:
        raise Refusal("ask.pick_topic", usage=True)
    texts = req.texts
    # Matches the form already showed while the question was typed were seen: asking
    # anyway is "Still ask". New ones are shown first.
    if prepared.similar and not {h.card.id for h in prepared.similar} <= set(_shown(req.view)):
        payload = qb.deflection(texts, prepared.similar, encode_draft(prepared.draft))
        req.answer_form(response_action="update", view=qb.result_view(texts, payload, title=texts.macro(qb.MSG, "modal_similar_title")))
        return
    routing = service.ask(req.db, req.user_id, prepared.draft, req.now, source_key=f"ask:{req.user_id}:{req.view['id']}")
    payload = qb.routed_message(texts, routing, in_dm=False)
    req.answer_form(response_action="update", view=qb.result_view(texts, payload, title=texts.macro(qb.MSG, "modal_sent_title")))
    if routing.created:
        delivery.deliver_routing(req, routing)


def handle_open_form(req: Request) -> None:
    """Too many topics for buttons: the form, with the question as typed, to pick one."""
    draft = decode_draft(req.value)
    _member, team = service.member_and_team(req.db, req.user_id)
    req.open_view(qb.ask_modal(req.texts, service.topic_choices(req.db, team), question=draft.question, level=draft.level))


def handle_topic_options(req: Request) -> None:
    found = service.search_topics(req.db, req.user_id, str(req.body.get("value") or ""), limit=qb.STATIC_CHOICES)
    req.options = [qb.topic_option(t) for t in found]


def handle_customer_options(req: Request) -> None:
    found = lists.customer_options(req.db, req.user_id, str(req.body.get("value") or ""), req.now)
    req.options = [option(name, str(customer_id)) for customer_id, name in found]
