"""Block Kit for answers in ambot's Messages tab (templates/dm/)."""

from __future__ import annotations

from typing import Any

from rendering import blocks as bk
from rendering.i18n import Texts
from slackio import ids

MSG = "dm/messages"


def help_message(texts: Texts) -> dict[str, Any]:
    text = texts.render("dm/help")
    return bk.message(text, bk.sections(text))


def preview_message(texts: Texts, visit: Any, value: str) -> dict[str, Any]:
    """What a DM would store, with Save / Edit / Cancel; `value` brings the line back."""
    text = texts.macro(MSG, "preview", visit)
    return bk.message(
        text,
        [
            *bk.sections(text),
            bk.context(texts.macro(MSG, "preview_footer")),
            bk.actions(
                bk.button(texts.macro(MSG, "button_save"), ids.DM_SAVE, value, style="primary"),
                bk.button(texts.macro(MSG, "button_edit"), ids.DM_EDIT, value),
                bk.button(texts.macro(MSG, "button_cancel"), ids.DM_CANCEL, "cancel"),
                block_id="dm_visit",
            ),
        ],
    )


def question_offer(texts: Texts, question: str) -> dict[str, Any]:
    text = texts.macro(MSG, "question_offer", question)
    return bk.message(
        text,
        [
            bk.section(text),
            bk.actions(
                bk.button(texts.macro(MSG, "button_ask"), ids.DM_ASK, question, style="primary"),
                bk.button(texts.macro(MSG, "button_not_now"), ids.DM_NOT_NOW, "no"),
                block_id="dm_question",
            ),
        ],
    )


def note(text: str) -> dict[str, Any]:
    return bk.message(text, [bk.section(text)])
