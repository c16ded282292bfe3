"""Withdraw a visit, and put back a withdrawn visit or follow-up (SPEC §4.1, data safety).

    [Withdraw] on a stored visit     → withdrawn (kept, hidden), with an Undo button
    [Undo]                           → restored
    /visit restore #12               → restore visit 12 (`/visit history <customer>` lists them)
    /visit restore followup 34       → restore follow-up 34
"""

from __future__ import annotations

from domain.refusal import Refusal
from handlers.visit_common import visit_access, visit_readers
from listening.layer import Listeners
from listening.request import Request
from rendering import blocks as bk
from rendering import visit_blocks
from services import visits
from services.visit_access import VisitAccess
from slackio import ids

MESSAGES = "visit/messages"


def register(on: Listeners) -> None:
    on.action(ids.VISIT_WITHDRAW, handle_withdraw)
    on.action(ids.VISIT_RESTORE, handle_restore_visit)
    on.action(ids.FOLLOWUP_RESTORE, handle_restore_followup)


def _ids(value: str, gone: str) -> tuple[int, int | None]:
    """"<id>" or "<id>:<version>" → (id, version or None)."""
    raw_id, _, raw_version = value.partition(":")
    if not (raw_id.isascii() and raw_id.isdigit()) or (raw_version and not (raw_version.isascii() and raw_version.isdigit())):
        raise Refusal(gone)
    return int(raw_id), int(raw_version) if raw_version else None


def handle_withdraw(req: Request) -> None:
    """The Withdraw button: only if the visit is still as the message showed it."""
    visit_id, version = _ids(req.value, "visit.visit_gone")
    access = visit_access(req)
    outcome = visits.withdraw_visit(req.db, access, visit_id, req.now, seen_version=version)
    assert outcome.visit is not None
    texts = req.texts
    if not outcome.changed:
        req.reply(bk.ephemeral(texts.macro(MESSAGES, "visit_was_withdrawn", outcome.visit)), replace_original=False)
        return
    req.reply(visit_blocks.withdrawn_message(texts, outcome.visit), replace_original=True)
    req.refresh_home(req.user_id, *visit_readers(outcome.visit))


def handle_restore_visit(req: Request) -> None:
    visit_id, _ = _ids(req.value, "visit.visit_gone")
    access = visit_access(req)
    _restore_visit(req, access, visit_id, button=True)


def restore_visit_command(req: Request, access: VisitAccess, visit_id: int) -> None:
    _restore_visit(req, access, visit_id, button=False)


def _restore_visit(req: Request, access: VisitAccess, visit_id: int, *, button: bool) -> None:
    outcome = visits.restore_visit(req.db, access, visit_id, req.now)
    assert outcome.visit is not None
    texts = req.texts
    if not outcome.changed:
        req.reply(bk.ephemeral(texts.macro(MESSAGES, "visit_was_restored", outcome.visit)), replace_original=False if button else None)
        return
    req.reply(visit_blocks.stored_message(texts, outcome.visit, "restored"), replace_original=True if button else None)
    req.refresh_home(req.user_id, *visit_readers(outcome.visit))


def handle_restore_followup(req: Request) -> None:
    followup_id, _ = _ids(req.value, "visit.followup_gone")
    access = visit_access(req)
    outcome = visits.restore_followup(req.db, access, followup_id, req.now)
    assert outcome.followup is not None
    texts = req.texts
    if not outcome.changed:
        req.reply(bk.ephemeral(texts.macro(MESSAGES, "followup_was_restored", outcome.followup.text)), replace_original=False)
        return
    note = texts.macro(MESSAGES, "followup_restored", outcome.followup.text)
    pressed = req.body.get("message") or {}
    blocks = pressed.get("blocks") or []
    target = f"fu_restore:{followup_id}"
    if any(b.get("block_id") == target for b in blocks):
        patched = [bk.context(note) if b.get("block_id") == target else b for b in blocks]
        req.reply({"text": pressed.get("text") or note, "blocks": patched}, replace_original=True)
    else:
        req.reply(bk.ephemeral(note), replace_original=False)
    req.refresh_home(req.user_id, outcome.followup.owner_slack_id)


def restore_followup_command(req: Request, access: VisitAccess, followup_id: int) -> None:
    outcome = visits.restore_followup(req.db, access, followup_id, req.now)
    assert outcome.followup is not None
    macro = "followup_restored" if outcome.changed else "followup_was_restored"
    req.say(req.texts.macro(MESSAGES, macro, outcome.followup.text))
    if outcome.changed:
        req.refresh_home(req.user_id, outcome.followup.owner_slack_id)
