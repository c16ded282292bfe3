"""The knowledge base: "Add to the knowledge base" under an answer, the entry form, and
`/ask kb` with its Edit / Retire / Restore buttons (SPEC §4.3; services/knowledge.py).

The form carries what it is about in its private metadata: `{"q": question id}` for a new
entry (plus the DM it was opened from, to thread the confirmation), `{"e": entry id,
"v": version}` for an edit — a stale version is refused beside the answer.
"""

from __future__ import annotations

from typing import Any

from domain.refusal import Refusal
from domain.routing import KbCommand, parse_kb_command
from listening.layer import Listeners
from listening.request import Request
from rendering import question_blocks as qb
from services import knowledge
from services import questions as service
from services.knowledge import EntryFields, split_tags
from slackio import ids
from slackio.payloads import private_metadata


def register(on: Listeners) -> None:
    on.action(ids.KB_ADD, handle_add_button)
    on.action(ids.KB_EDIT, handle_edit_button)
    on.action(ids.KB_RETIRE, handle_retire_button)
    on.action(ids.KB_RESTORE, handle_restore_button)
    on.view(ids.KB_ENTRY_MODAL, handle_entry_submission, default_field="kb_answer")


def _id_value(req: Request) -> int:
    value = req.value
    if not (value.isascii() and value.isdigit()):
        raise Refusal("ask.kb_not_found", id=value)
    return int(value)


def _topics(req: Request) -> Any:
    _member, team = service.member_and_team(req.db, req.user_id)
    return service.topic_choices(req.db, team)


def _open_edit(req: Request, entry_id: int) -> None:
    entry, can_curate = knowledge.show(req.db, req.user_id, entry_id)
    if not can_curate:
        raise Refusal("ask.kb_not_allowed", id=entry.id)
    if not entry.live and entry.status == "merged":
        raise Refusal("ask.kb_not_live", id=entry.id, status=entry.status, into=entry.merged_into)
    fields = EntryFields(entry.question, entry.answer, entry.topic_key, entry.tags)
    req.open_view(qb.kb_entry_modal(req.texts, fields, _topics(req), entry=entry))


# --- buttons -----------------------------------------------------------------------------


def handle_add_button(req: Request) -> None:
    """Under an answer: the entry form, pre-filled from the question's thread."""
    question_id = int(req.value) if req.value.isascii() and req.value.isdigit() else 0
    prefill = knowledge.prefill_from_question(req.db, question_id, req.user_id)
    view = qb.kb_entry_modal(req.texts, prefill.fields, _topics(req), question_id=prefill.question_id, entry=prefill.entry)
    container = req.body.get("container") or {}
    metadata = {**private_metadata(view), "c": container.get("channel_id"), "ts": container.get("message_ts")}
    req.open_view(qb.with_metadata(view, metadata))


def handle_edit_button(req: Request) -> None:
    _open_edit(req, _id_value(req))


def handle_retire_button(req: Request) -> None:
    entry = knowledge.retire(req.db, _id_value(req), req.user_id, req.now)
    req.reply(qb.kb_entry_message(req.texts, entry, can_curate=True), replace_original=True)


def handle_restore_button(req: Request) -> None:
    entry = knowledge.restore(req.db, _id_value(req), req.user_id, req.now)
    req.reply(qb.kb_entry_message(req.texts, entry, can_curate=True), replace_original=True)


# --- the form ----------------------------------------------------------------------------


def _typed(values: dict[str, Any], block: str) -> str:
    return str(((values.get(block) or {}).get(block) or {}).get("value") or "")


def handle_entry_submission(req: Request) -> None:
    values = req.view["state"]["values"]
    chosen = ((values.get("kb_topic") or {}).get("kb_topic") or {}).get("selected_option")
    fields = EntryFields(_typed(values, "kb_question"), _typed(values, "kb_answer"), chosen.get("value") if chosen else None, split_tags(_typed(values, "kb_tags")))
    metadata = private_metadata(req.view)
    entry_id, version, question_id = (str(metadata.get(k) or "") for k in ("e", "v", "q"))
    if entry_id.isdigit() and version.isdigit():
        entry = knowledge.edit(req.db, int(entry_id), req.user_id, fields, int(version), req.now)
        req.post(req.user_id, qb.notice(req.texts.macro(qb.MSG, "kb_saved", entry)))
        return
    if not question_id.isdigit():
        raise Refusal("ask.not_found", id=question_id)
    entry, created = knowledge.add_from_question(req.db, int(question_id), req.user_id, fields, req.now)
    thread = {"thread_ts": metadata["ts"]} if metadata.get("ts") else {}
    req.post(req.user_id, qb.notice(req.texts.macro(qb.MSG, "kb_added", entry, created)), **thread)


# --- /ask kb --------------------------------------------------------------------------------


def handle_kb_command(req: Request, rest: str) -> None:
    command: KbCommand = parse_kb_command(rest)
    texts = req.texts
    if command.action == "help":
        req.say(texts.macro(qb.MSG, "kb_help"))
        return
    if command.action in ("list", "retired"):
        payload = qb.kb_list_message(texts, knowledge.listing(req.db, req.user_id, retired=command.action == "retired"))
        req.say(payload["text"], payload.get("blocks"))
        return
    assert command.entry_id is not None  # the parser gives one for every other action
    if command.action == "show":
        entry, can_curate = knowledge.show(req.db, req.user_id, command.entry_id)
        payload = qb.kb_entry_message(texts, entry, can_curate=can_curate)
    elif command.action == "edit":
        _open_edit(req, command.entry_id)
        return
    elif command.action == "retire":
        payload = qb.notice(texts.macro(qb.MSG, "kb_retired", knowledge.retire(req.db, command.entry_id, req.user_id, req.now)))
    elif command.action == "restore":
        payload = qb.notice(texts.macro(qb.MSG, "kb_restored", knowledge.restore(req.db, command.entry_id, req.user_id, req.now)))
    else:
        assert command.target_id is not None
        source, target = knowledge.merge(req.db, command.entry_id, command.target_id, req.user_id, req.now)
        payload = qb.notice(texts.macro(qb.MSG, "kb_merged", source, target))
    req.say(payload["text"], payload.get("blocks"))
