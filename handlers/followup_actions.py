"""Done / Snooze on a follow-up, from `/visit followups` or from the morning reminder.

The pressed message is updated in place: that follow-up's buttons give way to a note
saying what happened, the rest stay pressable.
"""

from __future__ import annotations

from functools import partial

from handlers.visit_common import visit_access
from listening.layer import Listeners
from listening.request import Request
from rendering import blocks as bk
from rendering import visit_blocks
from services import followups
from slackio import ids

MESSAGES = "visit/messages"


def register(on: Listeners) -> None:
    on.action(ids.FOLLOWUP_DONE, partial(act_on_followup, what="done"))
    on.action(ids.FOLLOWUP_SNOOZE_DAY, partial(act_on_followup, what="day"))
    on.action(ids.FOLLOWUP_SNOOZE_WEEK, partial(act_on_followup, what="week"))


def act_on_followup(req: Request, what: str) -> None:
    followup_id, shown_due = followups.button_value(req.value)
    access = visit_access(req)
    if what == "done":
        outcome = followups.complete(req.db, access, followup_id, req.now)
    else:
        outcome = followups.snooze(req.db, access, followup_id, what, req.now, shown_due=shown_due)
    texts = req.texts
    if what != "done" and not outcome.changed:  # pressed on a due date that has moved since
        req.reply(bk.ephemeral(texts.macro(MESSAGES, "followup_snooze_stale", outcome.followup.due)), replace_original=False)
        return
    if what != "done":
        note = texts.macro(MESSAGES, "followup_snoozed", outcome.followup.due)
    elif outcome.changed:
        note = texts.macro(MESSAGES, "followup_done", req.user_id)
    else:
        note = texts.macro(MESSAGES, "followup_was_done")
    pressed = req.body.get("message") or {}
    patched = visit_blocks.replace_followup_actions(pressed.get("blocks") or [], outcome.followup.id, note)
    if patched is not None:
        req.reply({"text": pressed.get("text") or note, "blocks": patched}, replace_original=True)
    else:
        # Slack does not send the content of an ephemeral message back: show the list afresh.
        shown = followups.my_open_followups_page(req.db, access, access.today(req.now), page=1, per_page=visit_blocks.FOLLOWUPS_PAGE)
        payload = visit_blocks.followups_message(texts, shown.items, req.user_id, total=shown.total)
        payload["blocks"].insert(0, bk.context(note))
        req.reply(payload, replace_original=True)
    req.refresh_home(req.user_id, outcome.followup.owner_slack_id)
