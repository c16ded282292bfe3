"""Block Kit shapes for `/ask`: messages and modals built from templates/ask/*.j2 text.

Button values carry a question id, or (before routing) the draft question itself, so
nothing is written until the question is really asked.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from rendering.blocks import (
    Block,
    actions,
    button,
    context,
    external_select,
    input_block,
    message,
    modal,
    option,
    section,
    sections,
    static_select,
    text_input,
    users_select,
)
from rendering.i18n import Texts
from rendering.pages import Entry, More, list_message
from services.knowledge import EntryFields, KnowledgeHit, Listing
from services.questions import Routing, TopicChoice
from slackio import ids
from storage.knowledge import EntryCard
from storage.questions import QuestionCard

MSG = "ask/messages"
NOTICES = "ask/notices"
PICKER_ROW = 5
STATIC_CHOICES = 100  # Slack's most for a menu (and a wall of buttons): past it, type to search
PICKER_ROWS = 40
MATCH_BLOCK = "kb_match"  # the form's live matches: block ids `kb_match:<entry id>`


def _say(texts: Texts, name: str, *args: Any, **kwargs: Any) -> str:
    return texts.macro(MSG, name, *args, **kwargs)


def responder_buttons(texts: Texts, question_id: int, *, claimed: bool) -> dict[str, Any]:
    value = str(question_id)
    elements = [] if claimed else [button(_say(texts, "button_claim"), ids.QUESTION_CLAIM, value, style="primary")]
    elements += [
        button(_say(texts, "button_answer"), ids.QUESTION_ANSWER, value, style="primary" if claimed else None),
        button(_say(texts, "button_reassign"), ids.QUESTION_REASSIGN, value),
        button(_say(texts, "button_escalate"), ids.QUESTION_ESCALATE, value, style="danger"),
    ]
    return actions(*elements, block_id=f"question:{question_id}")


def responder_message(texts: Texts, card: QuestionCard, *, note: str | None = None) -> dict[str, Any]:
    """The responder's DM: the question, a note on how it came to them, the buttons."""
    text = texts.render("ask/question", c=card)
    blocks = sections(text)
    if note:
        blocks.append(context(note))
    if card.status in ("open", "claimed"):
        if card.status == "claimed":
            blocks.append(context(_say(texts, "claimed_for_responder", card)))
        blocks.append(responder_buttons(texts, card.id, claimed=card.status == "claimed"))
    return message(text, blocks)


def responder_closed(texts: Texts, card: QuestionCard, outcome: str, *, add_to_kb: bool = False) -> dict[str, Any]:
    """The responder's DM once it is no longer theirs to act on (answered, moved); an
    answer's comes with "Add to the knowledge base"."""
    text = texts.render("ask/question", c=card)
    blocks = [*sections(text), context(outcome)]
    if add_to_kb:
        blocks.append(actions(button(_say(texts, "button_kb_add"), ids.KB_ADD, str(card.id), style="primary"), block_id=f"kb_add:{card.id}"))
    return message(f"{outcome}\n{text}", blocks)


def routed_message(texts: Texts, routing: Routing, *, in_dm: bool) -> dict[str, Any]:
    text = texts.render("ask/routed", r=routing, in_dm=in_dm)
    return message(text, sections(text))


def answer_message(texts: Texts, card: QuestionCard, *, with_buttons: bool = True) -> dict[str, Any]:
    text = texts.render("ask/answer", c=card)
    blocks = sections(text)
    if with_buttons:
        value = str(card.id)
        blocks.append(
            actions(
                button(_say(texts, "button_resolve"), ids.QUESTION_RESOLVE, value, style="primary"),
                button(_say(texts, "button_followup"), ids.QUESTION_FOLLOWUP, value),
                block_id=f"answer:{card.id}",
            )
        )
    return message(text, blocks)


def notice(text: str) -> dict[str, Any]:
    return message(text, [section(text)])


def notice_with_buttons(texts: Texts, text: str, question_id: int) -> dict[str, Any]:
    return message(text, [*sections(text), responder_buttons(texts, question_id, claimed=True)])


def topic_option(topic: TopicChoice) -> dict[str, Any]:
    return option(f"#{topic.key} · {topic.name}" if topic.name and topic.name != topic.key else f"#{topic.key}", topic.key)


def topic_picker(texts: Texts, topics: Sequence[TopicChoice], drafts: dict[str, str], question: str, *, lead: str | None = None, form_value: str = "") -> dict[str, Any]:
    """Buttons, one per topic, each carrying the draft with that topic filled in; past
    `STATIC_CHOICES` topics, one button opening the form, where the topic is typed to search."""
    intro = _say(texts, "picker_intro", question)
    text = f"{lead}\n{intro}" if lead else intro
    blocks = [section(f":warning: {lead}")] if lead else []
    blocks.append(section(intro))
    if len(topics) > STATIC_CHOICES:
        blocks.append(section(_say(texts, "picker_many", len(topics)), accessory=button(_say(texts, "button_pick_in_form"), ids.ASK_OPEN_FORM, form_value, style="primary")))
    else:
        for start in range(0, len(topics), PICKER_ROW):
            row = [button(topic_option(t)["text"]["text"], f"{ids.ASK_PICK_TOPIC}:{t.key}"[:255], drafts[t.key]) for t in topics[start : start + PICKER_ROW]]
            blocks.append(actions(*row))
    blocks.append(context(_say(texts, "picker_tip")))
    return message(text, blocks)


def deflection(texts: Texts, hits: Sequence[KnowledgeHit], draft_value: str) -> dict[str, Any]:
    """Before routing: the matching entries, each with "This answers it", and "Still ask"."""
    intro = texts.macro("ask/similar", "intro")
    blocks = [section(intro)]
    for hit in hits:
        item = texts.macro("ask/similar", "item", hit.card)
        blocks.append(section(item, accessory=button(_say(texts, "button_deflected"), ids.ASK_DEFLECTED, str(hit.card.id))))
    blocks.append(actions(button(_say(texts, "button_still_ask"), ids.ASK_STILL_ASK, draft_value, style="primary")))
    return message(intro, blocks)


# --- modals ----------------------------------------------------------------------------


def match_blocks(texts: Texts, hits: Sequence[KnowledgeHit], *, typed: bool) -> list[Block]:
    """The form's live matches, below the question: block ids start with MATCH_BLOCK."""
    if not hits:
        hint = context(_say(texts, "typing_none" if typed else "typing_hint"))
        return [dict(hint, block_id=f"{MATCH_BLOCK}:hint")]
    blocks = [dict(context(_say(texts, "typing_intro")), block_id=f"{MATCH_BLOCK}:intro")]
    for hit in hits:
        text = texts.macro("ask/similar", "match", hit.card)
        blocks.append(section(text, accessory=button(_say(texts, "button_deflected"), ids.ASK_DEFLECTED, str(hit.card.id)), block_id=f"{MATCH_BLOCK}:{hit.card.id}"))
    return blocks


def with_matches(texts: Texts, view: dict[str, Any], hits: Sequence[KnowledgeHit], shown: Sequence[int]) -> dict[str, Any]:
    """The `/ask` form as it is, with the matches for what is typed now. The inputs keep
    their block and action ids, so Slack keeps what the user typed and chose; `shown`
    (every entry offered in this form) rides in the private metadata."""
    kept = [b for b in view.get("blocks") or [] if not str(b.get("block_id") or "").startswith(MATCH_BLOCK)]
    offered = sorted({*shown, *(h.card.id for h in hits)})
    updated: dict[str, Any] = {key: view[key] for key in ("type", "callback_id", "title", "submit", "close") if key in view}
    updated["blocks"] = [*kept, *match_blocks(texts, hits, typed=True)]
    if offered:
        updated["private_metadata"] = json.dumps({"shown": offered})
    return updated


def ask_modal(texts: Texts, topics: Sequence[TopicChoice], *, question: str | None = None, topic_key: str | None = None, level: int | None = None) -> dict[str, Any]:
    """The question form. Up to `STATIC_CHOICES` topics are a menu; more, a type-ahead."""
    level_options = [option(_say(texts, "level_option", n), str(n)) for n in (1, 2, 3)]
    blocks = []
    if len(topics) > STATIC_CHOICES:
        chosen = next((topic_option(t) for t in topics if t.key == topic_key), None)
        picker = external_select(ids.ASK_TOPIC, initial=chosen, placeholder=_say(texts, "placeholder_topic"), min_query_length=0)
        blocks.append(input_block("topic", _say(texts, "label_topic"), picker, optional=True, hint=_say(texts, "hint_topic")))
    elif topics:
        menu = static_select("topic", [topic_option(t) for t in topics], initial_value=topic_key)
        blocks.append(input_block("topic", _say(texts, "label_topic"), menu, optional=True, hint=_say(texts, "hint_topic")))
    blocks += [
        input_block("level", _say(texts, "label_level"), static_select("level", level_options, initial_value=str(level or 1))),
        input_block("customer", _say(texts, "label_customer"), external_select(ids.ASK_CUSTOMER, min_query_length=0), optional=True),
        input_block(
            "question",
            _say(texts, "label_question"),
            text_input(
                ids.ASK_QUESTION_TYPED, multiline=True, initial=question, placeholder=_say(texts, "placeholder_question"),
                max_length=1800, dispatch_on=("on_character_entered",),
            ),
            dispatch_action=True,
        ),
        *match_blocks(texts, [], typed=False),
    ]
    return modal(ids.ASK_MODAL, _say(texts, "modal_ask_title"), blocks, submit=_say(texts, "submit_ask"), close=_say(texts, "close_cancel"))


def result_view(texts: Texts, payload: dict[str, Any], *, title: str) -> dict[str, Any]:
    """A modal showing a message (routing, deflection) in place of the form."""
    return modal(ids.ASK_MODAL + "_done", title, payload.get("blocks") or [section(payload["text"])], close=_say(texts, "close_done"))


# --- the knowledge base ------------------------------------------------------------------


def kb_entry_modal(texts: Texts, fields: EntryFields, topics: Sequence[TopicChoice], *, question_id: int | None = None, entry: EntryCard | None = None) -> dict[str, Any]:
    """The entry form: new from an answered question (`question_id`), or editing `entry`
    from the version shown (its id and version ride in the private metadata)."""
    topic_options = [option(f"#{t.key} · {t.name}" if t.name != t.key else f"#{t.key}", t.key) for t in topics]
    blocks: list[Block] = []
    if entry is not None and question_id is not None:
        blocks.append(context(_say(texts, "kb_editing_existing", entry.id)))
    blocks += [
        input_block("kb_question", _say(texts, "label_kb_question"), text_input("kb_question", multiline=True, initial=fields.question, max_length=1800), hint=_say(texts, "hint_kb_question")),
        input_block("kb_answer", _say(texts, "label_kb_answer"), text_input("kb_answer", multiline=True, initial=fields.answer, max_length=3000)),
    ]
    if topic_options:
        blocks.append(input_block("kb_topic", _say(texts, "label_topic"), static_select("kb_topic", topic_options, initial_value=fields.topic_key), optional=True))
    blocks.append(input_block("kb_tags", _say(texts, "label_kb_tags"), text_input("kb_tags", initial=", ".join(fields.tags), max_length=400), optional=True, hint=_say(texts, "hint_kb_tags")))
    metadata: dict[str, Any] = {"e": entry.id, "v": entry.version} if entry is not None else {"q": question_id}
    title = _say(texts, "modal_kb_edit_title", entry.id) if entry is not None else _say(texts, "modal_kb_new_title")
    return modal(ids.KB_ENTRY_MODAL, title, blocks, submit=_say(texts, "submit_save"), close=_say(texts, "close_cancel"), private_metadata=metadata)


def with_metadata(view: dict[str, Any], metadata: dict[str, Any]) -> dict[str, Any]:
    return dict(view, private_metadata=json.dumps({k: v for k, v in metadata.items() if v is not None}, ensure_ascii=False)[:3000])


def kb_entry_message(texts: Texts, entry: EntryCard, *, can_curate: bool) -> dict[str, Any]:
    text = texts.render("ask/entry", e=entry)
    blocks = sections(text)
    if can_curate:
        value = str(entry.id)
        buttons = [button(_say(texts, "button_kb_edit"), ids.KB_EDIT, value)] if entry.status != "merged" else []
        if entry.status == "live":
            buttons.append(button(_say(texts, "button_kb_retire"), ids.KB_RETIRE, value, style="danger"))
        else:
            buttons.append(button(_say(texts, "button_kb_restore"), ids.KB_RESTORE, value, style="primary"))
        blocks.append(actions(*buttons, block_id=f"kb:{entry.id}"))
    return message(text, blocks)


def kb_list_message(texts: Texts, listing: Listing) -> dict[str, Any]:
    text = texts.render("ask/entries", l=listing)
    return message(text, sections(text))


def answer_modal(texts: Texts, card: QuestionCard) -> dict[str, Any]:
    blocks = [
        *sections(texts.render("ask/question", c=card)),
        input_block("answer", _say(texts, "label_answer"), text_input("answer", multiline=True, max_length=3000), hint=_say(texts, "hint_answer")),
    ]
    return modal(
        ids.QUESTION_ANSWER_MODAL, _say(texts, "modal_answer_title", card.id), blocks,
        submit=_say(texts, "submit_send"), close=_say(texts, "close_cancel"), private_metadata={"q": card.id},
    )


def reassign_modal(texts: Texts, card: QuestionCard) -> dict[str, Any]:
    blocks = [
        *sections(texts.render("ask/question", c=card)),
        input_block("assignee", _say(texts, "label_reassign"), users_select("assignee")),
    ]
    return modal(
        ids.QUESTION_REASSIGN_MODAL, _say(texts, "modal_reassign_title", card.id), blocks,
        submit=_say(texts, "submit_reassign"), close=_say(texts, "close_cancel"), private_metadata={"q": card.id},
    )


def followup_modal(texts: Texts, card: QuestionCard) -> dict[str, Any]:
    blocks = [
        *sections(texts.render("ask/answer", c=card)),
        input_block("followup", _say(texts, "label_followup"), text_input("followup", multiline=True, max_length=1800)),
    ]
    return modal(
        ids.QUESTION_FOLLOWUP_MODAL, _say(texts, "modal_followup_title", card.id), blocks,
        submit=_say(texts, "submit_send"), close=_say(texts, "close_cancel"), private_metadata={"q": card.id},
    )


def search_message(texts: Texts, words: str, hits: Sequence[KnowledgeHit], *, page: int = 1) -> dict[str, Any]:
    """`/ask search <words>`, page `page`: each live knowledge-base entry with its answer."""
    m = texts.macros("ask/search")
    if not hits:
        text = str(m.nothing(words)).strip()
        return message(text, [section(text)])
    head = str(m.heading(words, len(hits))).strip()
    entries = [Entry(str(m.hit(h)).strip(), spaced=True) for h in hits]
    entries.append(Entry(str(m.footer()).strip()))
    more = More(ids.ASK_SEARCH_MORE, f"{ids.ASK} search {words}", words)
    return list_message(texts, [section(head)], entries, page=page, more=more, fallback=head)
