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

from slack_bolt import App
from slack_sdk import WebClient

from domain.routing import AskParseError, parse_ask
from handlers import ids, question_actions
from handlers import question_delivery as delivery
from handlers.context import Actor, resolve_actor, utcnow
from handlers.replies import ephemeral, error_with_usage, guarded
from rendering import question_blocks as qb
from rendering.blocks import option, sections
from services import question_lists as lists
from services import questions as service
from services.questions import Draft, QuestionError
from storage import db

USAGE = "ask/usage"
HELP_WORDS = {"help", "帮助", "?", "？"}
MINE_WORDS = {"mine", "我的"}
SEARCH_WORDS = {"search", "搜索", "查找"}
_LEVEL_GIVEN = re.compile(r"^\s*(?:[#＃]\S+\s+)?[!！]([+-]?\d+)")


def register(app: App) -> None:
    app.command(ids.ASK)(handle_ask)
    app.view(ids.ASK_MODAL)(handle_ask_submission)
    app.action(re.compile(rf"^{ids.ASK_PICK_TOPIC}:"))(handle_pick_topic)
    app.action(ids.ASK_STILL_ASK)(handle_still_ask)
    app.action(ids.ASK_DEFLECTED)(handle_deflected)
    app.options(ids.ASK_CUSTOMER)(handle_customer_options)
    question_actions.register(app)


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


def error_text(actor: Actor, error: QuestionError) -> str:
    return actor.texts.macro(qb.MSG, "error_" + error.code, **error.params)


# --- /ask ----------------------------------------------------------------------------------


@guarded
def handle_ask(ack, command: dict[str, Any], client: WebClient, respond) -> None:
    ack()
    actor = resolve_actor(client, command["user_id"])
    text = (command.get("text") or "").replace("\u3000", " ").strip()
    first, _, rest = text.partition(" ")
    word = first.lower()
    if not text:
        _open_form(actor, client, command["trigger_id"], respond)
    elif word in HELP_WORDS and not rest.strip():
        respond(**ephemeral(actor.texts.render(USAGE)))
    elif word in MINE_WORDS and not rest.strip():
        _mine(actor, respond)
    elif word in SEARCH_WORDS:
        _search(actor, rest.strip(), respond)
    else:
        try:
            request = parse_ask(text)
        except AskParseError as error:
            given = _LEVEL_GIVEN.match(text)
            params = {"value": given.group(1)} if error.code == "bad_level" and given else {}
            respond(**error_with_usage(actor.texts, error_text(actor, QuestionError(error.code, **params)), USAGE))
            return
        draft = Draft(request.question, request.topic_key, request.level)
        _proceed(actor, client, respond, None, draft, f"ask:{actor.slack_id}:{command['trigger_id']}", with_similar=True)


def _open_form(actor: Actor, client: WebClient, trigger_id: str, respond) -> None:
    try:
        with db.session_scope() as session:
            _member, team = service.member_and_team(session, actor.slack_id)
            topics = service.topic_choices(session, team)
            if not topics:
                raise QuestionError("no_topics")
    except QuestionError as error:
        respond(**error_with_usage(actor.texts, error_text(actor, error), USAGE))
        return
    client.views_open(trigger_id=trigger_id, view=qb.ask_modal(actor.texts, topics))


def _mine(actor: Actor, respond) -> None:
    try:
        with db.session_scope() as session:
            mine = lists.mine(session, actor.slack_id)
    except QuestionError as error:
        respond(**error_with_usage(actor.texts, error_text(actor, error), USAGE))
        return
    text = actor.texts.render("ask/mine", mine=mine)
    respond(**ephemeral(text, sections(text)))


def _search(actor: Actor, words: str, respond) -> None:
    try:
        with db.session_scope() as session:
            hits = lists.search(session, actor.slack_id, words)
    except QuestionError as error:
        respond(**error_with_usage(actor.texts, error_text(actor, error), USAGE))
        return
    text = actor.texts.render("ask/search", words=words, hits=hits)
    respond(**ephemeral(text, sections(text)))


# --- from a draft to a routed question ---------------------------------------------------


def _show(actor: Actor, client: WebClient, respond, body: dict | None, payload: dict[str, Any], *, title: str = "modal_sent_title") -> None:
    """Answer where the user is: the ephemeral message they clicked in, the modal, or a new reply."""
    view = (body or {}).get("view")
    if view:
        client.views_update(view_id=view["id"], view=qb.result_view(actor.texts, payload, title=actor.texts.macro(qb.MSG, title)))
    elif body is not None:
        respond(replace_original=True, **payload)
    else:
        respond(**ephemeral(payload["text"], payload.get("blocks")))


def _proceed(actor: Actor, client: WebClient, respond, body: dict | None, draft: Draft, source_key: str, *, with_similar: bool) -> None:
    try:
        with db.session_scope() as session:
            prepared = service.prepare(session, actor.slack_id, draft, actor.now, with_similar=with_similar)
    except QuestionError as error:
        if error.code == "unknown_topic":
            picker = _picker(actor, draft, error.params["topics"], lead=error_text(actor, error))
            _show(actor, client, respond, body, picker)
        else:
            message = error_text(actor, error)
            _show(actor, client, respond, body, error_with_usage(actor.texts, message, USAGE))
        return
    if prepared.needs_topic:
        _show(actor, client, respond, body, _picker(actor, prepared.draft, prepared.topics))
    elif prepared.similar:
        payload = qb.deflection(actor.texts, prepared.similar, encode_draft(prepared.draft))
        _show(actor, client, respond, body, payload, title="modal_similar_title")
    else:
        _route(actor, client, respond, body, prepared.draft, source_key)


def _picker(actor: Actor, draft: Draft, topics, *, lead: str | None = None) -> dict[str, Any]:
    drafts = {t.key: encode_draft(replace(draft, topic_key=t.key)) for t in topics}
    return qb.topic_picker(actor.texts, topics, drafts, draft.question, lead=lead)


def _route(actor: Actor, client: WebClient, respond, body: dict | None, draft: Draft, source_key: str) -> None:
    try:
        with db.session_scope() as session:
            routing = service.ask(session, actor.slack_id, draft, actor.now, source_key=source_key)
    except QuestionError as error:
        _show(actor, client, respond, body, error_with_usage(actor.texts, error_text(actor, error), USAGE))
        return
    _show(actor, client, respond, body, qb.routed_message(actor.texts, routing, in_dm=False))
    if routing.created:
        delivery.deliver_routing(client, routing)


def _click_key(body: dict[str, Any], value: str, kind: str = "ask") -> str:
    """One question per (user, message or modal, draft): a double click asks once."""
    container = body.get("container") or {}
    where = container.get("message_ts") or container.get("view_id") or (body.get("view") or {}).get("id") or ""
    return f"{kind}:{body['user']['id']}:{where}:{zlib.crc32(value.encode('utf-8')):08x}"


@guarded
def handle_pick_topic(ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, respond) -> None:
    ack()
    actor = resolve_actor(client, body["user"]["id"])
    _proceed(actor, client, respond, body, decode_draft(action["value"]), _click_key(body, action["value"]), with_similar=True)


@guarded
def handle_still_ask(ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, respond) -> None:
    ack()
    actor = resolve_actor(client, body["user"]["id"])
    _route(actor, client, respond, body, decode_draft(action["value"]), _click_key(body, action["value"]))


@guarded
def handle_deflected(ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, respond) -> None:
    ack()
    actor = resolve_actor(client, body["user"]["id"])
    value = str(action.get("value") or "")
    try:
        if not (value.isascii() and value.isdigit()):
            raise QuestionError("not_found", id=value)
        with db.session_scope() as session:
            # The message (or modal) holds one draft's suggestions: a second click on it,
            # or Slack's retry, is the same deflection and counts once.
            service.deflected(session, int(value), actor.slack_id, actor.now, click_key=_click_key(body, value, "deflected"))
    except QuestionError:
        pass  # the thanks is all the asker needs; a vanished answer changes nothing for them
    text = actor.texts.macro(qb.MSG, "deflected")
    _show(actor, client, respond, body, qb.notice(text))


# --- the form --------------------------------------------------------------------------------


def _selected(values: dict[str, Any], block: str, action: str) -> str | None:
    chosen = ((values.get(block) or {}).get(action) or {}).get("selected_option")
    return chosen.get("value") if chosen else None


_ERROR_BLOCK = {"bad_level": "level", "unknown_customer": "customer", "customer_hidden": "customer", "unknown_topic": "topic", "pick_topic": "topic", "no_topics": "question"}


@guarded
def handle_ask_submission(ack, body: dict[str, Any], view: dict[str, Any], client: WebClient) -> None:
    actor = resolve_actor(client, body["user"]["id"])
    values = view["state"]["values"]
    level = _selected(values, "level", "level")
    customer = _selected(values, "customer", ids.ASK_CUSTOMER)
    draft = Draft(
        question=((values.get("question") or {}).get("question") or {}).get("value") or "",
        topic_key=_selected(values, "topic", "topic"),
        level=int(level) if level and level.isdigit() else None,
        customer_id=int(customer) if customer and customer.isdigit() else None,
    )
    has_topic_block = "topic" in values

    def refuse(error: QuestionError) -> None:
        block = _ERROR_BLOCK.get(error.code, "question")
        ack(response_action="errors", errors={block if block != "topic" or has_topic_block else "question": error_text(actor, error)})

    try:
        with db.session_scope() as session:
            prepared = service.prepare(session, actor.slack_id, draft, actor.now)
        if prepared.needs_topic:
            raise QuestionError("pick_topic")
        if prepared.similar:
            payload = qb.deflection(actor.texts, prepared.similar, encode_draft(prepared.draft))
            ack(response_action="update", view=qb.result_view(actor.texts, payload, title=actor.texts.macro(qb.MSG, "modal_similar_title")))
            return
        with db.session_scope() as session:
            routing = service.ask(session, actor.slack_id, prepared.draft, actor.now, source_key=f"ask:{actor.slack_id}:{view['id']}")
    except QuestionError as error:
        refuse(error)
        return
    payload = qb.routed_message(actor.texts, routing, in_dm=False)
    ack(response_action="update", view=qb.result_view(actor.texts, payload, title=actor.texts.macro(qb.MSG, "modal_sent_title")))
    if routing.created:
        delivery.deliver_routing(client, routing)


@guarded
def handle_customer_options(ack, body: dict[str, Any]) -> None:
    with db.session_scope() as session:
        found = lists.customer_options(session, body["user"]["id"], body.get("value") or "", utcnow())
    ack(options=[option(name, str(customer_id)) for customer_id, name in found])
