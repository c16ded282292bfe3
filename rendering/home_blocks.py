"""Block Kit for the App Home (SPEC §4.7). Text comes from `templates/home/` (and the
`/kpi`, `/handover` and `/ask` phrases it reuses); these functions give it shape.

Every list is cut (services.home) and ends with "…and N more" naming the command that
shows everything, so the Home stays far inside Slack's 100 blocks for any team: at
most about 45 blocks for a manager who is also a rep and a responder.
"""

from __future__ import annotations

from typing import Any

from domain.metrics import METRICS
from rendering import blocks as bk
from rendering.i18n import Texts
from services.home import Cut, HomeData, TeamSnapshot
from services.visits import FollowupView
from slackio import ids
from storage.questions import QuestionCard

MSG = "home/messages"
Block = dict[str, Any]



def home_view(texts: Texts, data: HomeData, *, pace_text: str | None, notice: str | None = None) -> dict[str, Any]:
    """One member's Home; `pace_text` is their `/kpi` pace (None: not shown)."""
    blocks: list[Block] = [
        bk.header(texts.macro(MSG, "title", data.name)),
        bk.context(texts.macro(MSG, "subtitle", data.roles, data.team_name, data.now)),
    ]
    if notice:
        blocks.append(bk.section(notice))
    if data.snapshot is not None:
        blocks += snapshot_blocks(texts, data.snapshot, data)
    if data.queue is not None:
        blocks += queue_blocks(texts, data.queue)
    blocks += followup_blocks(texts, data.followups, data.slack_id)
    if data.plans:
        blocks += [bk.divider(), *bk.sections(texts.render("visit/plans", plans=data.plans, today=data.today, owners={}, show_owner=False, more=0))]
    if pace_text is not None:
        blocks += [bk.divider(), *bk.sections(pace_text), bk.context(texts.macro("kpi/messages", "footer"))]
    blocks += handover_blocks(texts, data)
    blocks += question_blocks(texts, data.questions)
    return bk.home(blocks)


def welcome_view(texts: Texts, *, team_exists: bool, notice: str | None = None) -> dict[str, Any]:
    """The Home of someone on no team: what ambot is and how to get added."""
    blocks: list[Block] = [bk.section(notice)] if notice else []
    blocks += bk.sections(texts.render("home/welcome", team_exists=team_exists))
    return bk.home(blocks)


# --- sections ---------------------------------------------------------------------------


def followup_blocks(texts: Texts, cut: Cut[FollowupView], reader: str) -> list[Block]:
    """My open follow-ups, oldest due first, each with a Done button."""
    out: list[Block] = [bk.divider(), bk.section(texts.macro(MSG, "followups_title", cut.total))]
    done = texts.macro("visit/messages", "button_done")
    for item in cut.items:
        button = bk.button(done, ids.HOME_FOLLOWUP_DONE, value=str(item.id), style="primary")
        out.append(bk.section(texts.macro(MSG, "followup_line", item, reader), accessory=button, block_id=f"home_fu:{item.id}"))
    if cut.more:
        out.append(bk.context(texts.macro(MSG, "followups_more", cut.more)))
    return out


def handover_blocks(texts: Texts, data: HomeData) -> list[Block]:
    """Away, covering, or asked to cover: the `/handover status` text without the team list."""
    out = [bk.divider(), *bk.sections(texts.render("handover/status", s=data.handover))]
    if data.handover.asked:
        out.append(bk.context(texts.macro(MSG, "handover_hint")))
    return out


def question_blocks(texts: Texts, cut: Cut[QuestionCard]) -> list[Block]:
    """Questions I asked that still need an answer, or my OK once answered."""
    lines = [texts.macro(MSG, "questions_title", cut.total)]
    lines += [texts.macro(MSG, "question_line", card) for card in cut.items]
    out = [bk.divider(), *bk.sections("\n".join(lines))]
    notes = []
    if any(card.status == "answered" for card in cut.items):
        notes.append(texts.macro(MSG, "questions_hint"))
    if cut.more:
        notes.append(texts.macro(MSG, "questions_more", cut.more))
    if notes:
        out.append(bk.context(*notes))
    return out


def queue_blocks(texts: Texts, cut: Cut[QuestionCard]) -> list[Block]:
    """A responder's queue; the work itself happens on the buttons of each question's DM."""
    lines = [texts.macro(MSG, "queue_title", cut.total)]
    lines += [texts.macro(MSG, "queue_line", card) for card in cut.items]
    out = [bk.divider(), *bk.sections("\n".join(lines))]
    notes = [texts.macro(MSG, "queue_hint")] if cut.total else []
    if cut.more:
        notes.append(texts.macro(MSG, "queue_more", cut.more))
    if notes:
        out.append(bk.context(*notes))
    return out


def snapshot_blocks(texts: Texts, snapshot: TeamSnapshot, data: HomeData) -> list[Block]:
    text = texts.render("home/snapshot", s=snapshot, today=data.today, metrics=METRICS)
    return [bk.divider(), *bk.sections(text), bk.context(texts.macro(MSG, "snapshot_pointers"))]
