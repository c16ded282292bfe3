"""Done / Snooze on a follow-up, from `/visit followups` or from the morning reminder.

The pressed message is updated in place: that follow-up's buttons give way to a note
saying what happened, the rest stay pressable.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from slack_bolt import App
from slack_sdk import WebClient

from handlers import ids
from handlers.context import resolve_actor
from handlers.home import refresh_home
from handlers.replies import ephemeral, guarded
from handlers.visit_common import refusal_reply
from rendering import blocks as bk
from rendering import visit_blocks
from services import followups
from services.visit_access import VisitError, require_access
from storage import db


def register(app: App) -> None:
    app.action(ids.FOLLOWUP_DONE)(handle_done)
    app.action(ids.FOLLOWUP_SNOOZE_DAY)(handle_snooze_day)
    app.action(ids.FOLLOWUP_SNOOZE_WEEK)(handle_snooze_week)


@guarded
def handle_done(ack, body: dict[str, Any], client: WebClient, respond) -> None:
    ack()
    _act(body, client, respond, "done")


@guarded
def handle_snooze_day(ack, body: dict[str, Any], client: WebClient, respond) -> None:
    ack()
    _act(body, client, respond, "day")


@guarded
def handle_snooze_week(ack, body: dict[str, Any], client: WebClient, respond) -> None:
    ack()
    _act(body, client, respond, "week")


def _button_value(value: str) -> tuple[int, date | None | object]:
    """`"<id>"` (Done, and Snooze buttons drawn before due dates were added) or
    `"<id>:<due shown, ISO, or empty>"` (Snooze) → (id, due shown or ANY_DUE)."""
    raw_id, colon, raw_due = value.partition(":")
    if not (raw_id.isascii() and raw_id.isdigit()):
        raise VisitError("followup_gone")
    if not colon:
        return int(raw_id), followups.ANY_DUE
    try:
        return int(raw_id), date.fromisoformat(raw_due) if raw_due else None
    except ValueError:
        raise VisitError("followup_gone") from None


def _act(body: dict[str, Any], client: WebClient, respond, what: str) -> None:
    actor = resolve_actor(client, body["user"]["id"])
    value = str((body.get("actions") or [{}])[0].get("value", ""))
    messages = "visit/messages"
    try:
        followup_id, shown_due = _button_value(value)
        with db.session_scope() as session:
            access = require_access(session, actor.slack_id, actor.now)
            if what == "done":
                outcome = followups.complete(session, access, followup_id, actor.now)
            else:
                outcome = followups.snooze(session, access, followup_id, what, actor.now, shown_due=shown_due)
    except VisitError as error:
        respond(replace_original=False, **refusal_reply(actor.texts, error))
        return
    if what != "done" and not outcome.changed:  # pressed on a due date that has moved since
        note = actor.texts.macro(messages, "followup_snooze_stale", outcome.followup.due)
        respond(replace_original=False, **ephemeral(note))
        return
    if what != "done":
        note = actor.texts.macro(messages, "followup_snoozed", outcome.followup.due)
    elif outcome.changed:
        note = actor.texts.macro(messages, "followup_done", actor.slack_id)
    else:
        note = actor.texts.macro(messages, "followup_was_done")
    pressed = body.get("message") or {}
    patched = visit_blocks.replace_followup_actions(pressed.get("blocks") or [], outcome.followup.id, note)
    if patched is not None:
        respond(replace_original=True, text=pressed.get("text") or note, blocks=patched)
        refresh_home(client, actor.slack_id, outcome.followup.owner_slack_id)
        return
    # Slack does not send the content of an ephemeral message back: show the list afresh.
    with db.session_scope() as session:
        items = followups.my_open_followups(session, access, access.today(actor.now))
    payload = visit_blocks.followups_message(actor.texts, items, actor.slack_id)
    payload["blocks"].insert(0, bk.context(note))
    respond(replace_original=True, **payload)
    refresh_home(client, actor.slack_id, outcome.followup.owner_slack_id)
