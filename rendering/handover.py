"""Block Kit for handover messages: the brief, the hand-back summary, the manager's
decision prompts. Text comes from templates/handover/; lists are cut to a few lines with
"…and N more", so a rep with 80 customers still fits Slack's limits."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rendering.blocks import (
    Block,
    actions,
    button,
    context,
    message,
    plain,
    section,
    sections,
    users_select,
)
from rendering.i18n import Texts
from services.handover import HandoverView
from services.handover_reports import Brief, Handback
from slackio import ids

MESSAGES = "handover/messages"
BRIEF = "handover/brief"
HANDBACK = "handover/handback"
LIST_LIMIT = 8  # lines per list; the rest is counted



def listing(texts: Texts, template: str, title: str, line: str, items: Sequence[Any], *, title_args: dict[str, Any] | None = None) -> str:
    lines = [texts.macro(template, title, **(title_args or {}))]
    lines += [texts.macro(template, line, item) for item in items[:LIST_LIMIT]]
    if len(items) > LIST_LIMIT:
        lines.append(texts.macro(template, "more", count=len(items) - LIST_LIMIT))
    return "\n".join(lines)


def brief_blocks(texts: Texts, brief: Brief, intro: str) -> list[Block]:
    """The intro, then A's customers, follow-ups, planned visits, questions and risks."""
    blocks: list[Block] = [section(intro)]
    reason = texts.macro(MESSAGES, "reason", brief.handover)
    blocks.append(context(*[t for t in (reason, texts.macro(BRIEF, "summary", brief)) if t]))
    parts: list[tuple[Sequence[Any], str, str, dict[str, Any] | None]] = [
        (brief.important, "important_title", "customer_line", None),
        (brief.followups, "followups_title", "followup_line", {"last_day": brief.handover.window.last_day}),
        (brief.planned, "planned_title", "planned_line", None),
        (brief.questions, "questions_title", "question_line", None),
        (brief.past_cadence, "past_cadence_title", "past_cadence_line", None),
    ]
    for items, title, line, args in parts:
        if items:
            blocks += sections(listing(texts, BRIEF, title, line, items, title_args=args))
    if not (brief.followups or brief.planned or brief.questions):
        blocks.append(context(texts.macro(BRIEF, "nothing_open")))
    return blocks


def decision_buttons(texts: Texts, handover: HandoverView) -> Block:
    value = str(handover.id)
    return actions(
        button(texts.macro(MESSAGES, "accept_button"), ids.HANDOVER_ACCEPT, value, "primary"),
        button(texts.macro(MESSAGES, "decline_button"), ids.HANDOVER_DECLINE, value, "danger"),
        block_id=f"handover:{handover.id}",
    )


def ask_cover_message(texts: Texts, brief: Brief) -> dict[str, Any]:
    intro = texts.macro(MESSAGES, "ask_cover", brief.handover)
    return message(intro, [*brief_blocks(texts, brief, intro), decision_buttons(texts, brief.handover)])


def brief_message(texts: Texts, brief: Brief, intro_macro: str) -> dict[str, Any]:
    """The brief without buttons: after Accept, on assignment, when the cover starts."""
    intro = texts.macro(MESSAGES, intro_macro, brief.handover)
    return message(intro, brief_blocks(texts, brief, intro))


def approval_message(texts: Texts, handover: HandoverView) -> dict[str, Any]:
    text = texts.macro(MESSAGES, "manager_approval", handover)
    reason = texts.macro(MESSAGES, "reason", handover)
    value = str(handover.id)
    blocks = [section(text)]
    if reason:
        blocks.append(context(reason))
    blocks.append(
        actions(
            button(texts.macro(MESSAGES, "approve_button"), ids.HANDOVER_APPROVE, value, "primary"),
            button(texts.macro(MESSAGES, "refuse_button"), ids.HANDOVER_REFUSE, value, "danger"),
            block_id=f"handover:{handover.id}",
        )
    )
    return message(text, blocks)


def assign_cover_message(texts: Texts, handover: HandoverView, macro: str) -> dict[str, Any]:
    """A notice to a manager with a people picker to assign the cover (decline, escalation)."""
    text = texts.macro(MESSAGES, macro, handover)
    picker = users_select(ids.HANDOVER_ASSIGN)
    picker["placeholder"] = plain(texts.macro(MESSAGES, "assign_placeholder"), 150)
    blocks = [section(text)]
    reason = texts.macro(MESSAGES, "reason", handover)
    if reason:
        blocks.append(context(reason))
    blocks.append(actions(picker, block_id=f"{ids.HANDOVER_ASSIGN}:{handover.id}"))
    return message(text, blocks)


def notice(texts: Texts, macro: str, handover: HandoverView, *, with_reason: bool = False) -> dict[str, Any]:
    text = texts.macro(MESSAGES, macro, handover)
    blocks = [section(text)]
    reason = texts.macro(MESSAGES, "reason", handover) if with_reason else ""
    if reason:
        blocks.append(context(reason))
    return message(text, blocks)


def handback_message(texts: Texts, summary: Handback) -> dict[str, Any]:
    intro = texts.macro(HANDBACK, "intro", summary)
    blocks: list[Block] = [section(intro)]
    parts: list[tuple[Sequence[Any], str, str]] = [
        (summary.visits, "visits_title", "visit_line"),
        (summary.followups_added, "added_title", "added_line"),
        (summary.followups_done, "done_title", "done_line"),
        (summary.questions_asked, "asked_title", "asked_line"),
        (summary.questions_answered, "answered_title", "answered_line"),
    ]
    for items, title, line in parts:
        if items:
            blocks += sections(listing(texts, HANDBACK, title, line, items, title_args={"count": len(items)}))
    if not (summary.visits or summary.followups_done or summary.questions_answered or summary.followups_added or summary.questions_asked):
        blocks.append(section(texts.macro(HANDBACK, "quiet")))
    if summary.followups_open:
        items = summary.followups_open
        blocks += sections(listing(texts, HANDBACK, "open_title", "open_line", items, title_args={"count": len(items)}))
    blocks.append(context(texts.macro(HANDBACK, "footer")))
    return message(intro, blocks)
