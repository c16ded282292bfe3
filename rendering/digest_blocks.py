"""Block Kit for the weekly summary and the manager digest (SPEC §4.5, §4.6).

Text comes from templates/digest/. Every list is cut to a few lines with "…and N more",
so a team of any size fits one message (at most 50 blocks, 3,000 characters a section).
When the per-rep table is longer than the message shows, the full table follows as
replies in the message's thread: code blocks, split across as many replies as needed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from domain.metrics import METRICS
from rendering.blocks import (
    SECTION_LIMIT,
    Block,
    context,
    divider,
    header,
    message,
    section,
    sections,
)
from rendering.i18n import Texts
from services.manager_digest import ManagerDigest
from services.report_common import TOP_ITEMS, TOP_REPS
from services.weekly_summary import WeeklySummary

WEEKLY = "digest/weekly"
MANAGER = "digest/manager"
MESSAGES = "digest/messages"
TABLE = "digest/table"
SECTIONS_PER_REPLY = 10
_FENCE = "```"


@dataclass(frozen=True)
class Rendered:
    message: dict[str, Any]
    thread: list[dict[str, Any]] = field(default_factory=list)  # replies, in order


def weekly_message(texts: Texts, summary: WeeklySummary, *, preview: bool = False) -> Rendered:
    ranked = sum(1 for r in summary.pace.reps if r.rank is not None)
    threaded = not preview and max(len(summary.reps), ranked) > TOP_REPS
    blocks: list[Block] = [
        header(texts.macro(WEEKLY, "header", summary)),
        context(texts.macro(WEEKLY, "meeting", summary)),
        *sections(texts.macro(WEEKLY, "reps", summary, TOP_REPS, threaded)),
        divider(),
        *sections(texts.macro(WEEKLY, "themes", summary, TOP_ITEMS // 2 + 1)),
        *sections(texts.macro(WEEKLY, "handovers", summary, TOP_ITEMS)),
        *sections(texts.macro(WEEKLY, "plans", summary, TOP_ITEMS)),
        *sections(texts.macro(WEEKLY, "questions", summary)),
        *sections(texts.macro(MESSAGES, "pace_section", summary.pace, METRICS, TOP_REPS, threaded)),
        *sections(texts.macro(WEEKLY, "kudos", summary, METRICS, TOP_ITEMS)),
        divider(),
        *sections(texts.macro(WEEKLY, "agenda", summary, TOP_ITEMS)),
        _footer(texts, texts.macro(WEEKLY, "footer"), preview),
    ]
    payload = message(texts.macro(WEEKLY, "fallback", summary), blocks)
    if not threaded:
        return Rendered(payload)
    rows = [texts.macro(TABLE, "weekly_row", r) for r in summary.reps]
    return Rendered(payload, table_replies(texts, texts.macro(TABLE, "weekly_heading"), rows))


def manager_message(texts: Texts, digest: ManagerDigest, *, preview: bool = False) -> Rendered:
    threaded = not preview and (len(digest.pace.reps) > TOP_REPS or len(digest.overdue) > TOP_ITEMS)
    blocks: list[Block] = [
        header(texts.macro(MANAGER, "header", digest)),
        *sections(texts.macro(MANAGER, "actions", digest, TOP_ITEMS)),
        *_optional(texts.macro(MANAGER, "calendar_and_plans", digest, TOP_ITEMS)),
        divider(),
        *sections(texts.macro(MESSAGES, "pace_section", digest.pace, METRICS, TOP_REPS, threaded)),
        *sections(texts.macro(MANAGER, "overdue", digest, TOP_ITEMS, threaded)),
        *sections(texts.macro(MANAGER, "cadence", digest, TOP_ITEMS)),
        *sections(texts.macro(MANAGER, "problems", digest, TOP_ITEMS)),
        *sections(texts.macro(MANAGER, "questions", digest, TOP_ITEMS)),
        *sections(texts.macro(MANAGER, "metrics", digest, TOP_ITEMS)),
        _footer(texts, texts.macro(MANAGER, "footer"), preview),
    ]
    payload = message(texts.macro(MANAGER, "fallback", digest), blocks)
    if not threaded:
        return Rendered(payload)
    overdue = {o.slack_id: o.count for o in digest.overdue}
    problems = {p.slack_id: p for p in digest.problems}
    rows = []
    for rep in digest.pace.reps:
        problem = problems.get(rep.slack_id)
        lost, complaints = (problem.lost_customers, problem.complaints) if problem else (0, 0)
        rows.append(texts.macro(TABLE, "digest_row", rep, METRICS, overdue.get(rep.slack_id, 0), lost, complaints))
    return Rendered(payload, table_replies(texts, texts.macro(TABLE, "digest_heading"), rows))


def calendar_warning_message(texts: Texts, years: list[int]) -> dict[str, Any]:
    """To each manager, once a year: the make-up working days ahead are not known."""
    text = texts.macro("amteam/messages", "makeup_warning", years)
    return message(text, [section(text)])


def _optional(text: str) -> list[Block]:
    return sections(text) if text.strip() else []


def skipped_message(texts: Texts, day: date, time: str) -> dict[str, Any]:
    text = texts.macro(MESSAGES, "skipped", day, time)
    return message(text, [section(text)])


def table_replies(texts: Texts, heading: str, rows: list[str]) -> list[dict[str, Any]]:
    """Rows as code blocks (the heading repeated on each), grouped into thread replies."""
    room = SECTION_LIMIT - 2 * len(_FENCE) - 2
    chunks: list[list[str]] = []
    size = 0
    for row in rows:
        row = row[: room - len(heading) - 2]
        if not chunks or size + len(row) + 1 > room:
            chunks.append([heading])
            size = len(heading)
        chunks[-1].append(row)
        size += len(row) + 1
    codes = [section(f"{_FENCE}\n" + "\n".join(chunk) + f"\n{_FENCE}") for chunk in chunks]
    groups = [codes[i : i + SECTIONS_PER_REPLY] for i in range(0, len(codes), SECTIONS_PER_REPLY)]
    replies = []
    for number, group in enumerate(groups, 1):
        title = texts.macro(MESSAGES, "table_title", number, len(groups))
        replies.append(message(title, [context(title), *group]))
    return replies


def _footer(texts: Texts, footer: str, preview: bool) -> Block:
    return context(footer, texts.macro(MESSAGES, "preview_note")) if preview else context(footer)


def channel_problem_message(texts: Texts, channel: str, job: str) -> dict[str, Any]:
    """To a manager: ambot could not post to the team channel, and how to fix it."""
    text = texts.macro("amteam/messages", "channel_problem_dm", channel, job)
    return message(text, [section(text)])
