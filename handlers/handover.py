"""`/handover` and its buttons: A/B cover while someone is away (SPEC §4.2).

DMs caused by a click or a command go out once the request is saved; what happens on a
clock (start, end, escalation) goes through the outbox (jobs/handovers.py).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from domain.args import tokenize
from domain.handover_command import CommandError, parse_handover_command
from domain.refusal import Refusal
from listening.layer import Listeners
from listening.request import Request
from rendering import handover as views
from rendering.blocks import sections
from services import handover as service
from services import handover_reports as reports
from services.handover import Outcome
from slackio import ids

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

USAGE = "handover/usage"
MESSAGES = "handover/messages"
HELP_WORDS = {"help", "帮助", "?"}
STATUS_WORDS = {"status", "状态", "list", "mine"}
CANCEL_WORDS = {"cancel", "取消"}
BACK_WORDS = {"back", "回来", "返岗", "结束"}
ASKED = ("requested", "escalated", "accepted", "active")  # the cover knows about these

Decision = Callable[["Session", int], Outcome]


def register(on: Listeners) -> None:
    on.command(ids.HANDOVER, handle_handover, usage=USAGE)
    on.action(ids.HANDOVER_ACCEPT, handle_accept)
    on.action(ids.HANDOVER_DECLINE, handle_decline)
    on.action(ids.HANDOVER_APPROVE, handle_approve)
    on.action(ids.HANDOVER_REFUSE, handle_refuse)
    on.action(ids.HANDOVER_ASSIGN, handle_assign)


def handle_handover(req: Request) -> None:
    words = tokenize(req.text)
    sub = words[0].lower() if words else "help"
    if sub in HELP_WORDS:
        req.say(req.texts.render(USAGE))
        return
    if not req.person.is_member:
        raise Refusal("handover.not_member")
    if sub in STATUS_WORDS:
        text = req.texts.render("handover/status", s=reports.status(req.db, _member_id(req), req.now))
        req.say(text, sections(text))
    elif sub in CANCEL_WORDS:
        _cancel(req, words[1:])
    elif sub in BACK_WORDS:
        _back(req)
    else:
        _request(req, words)


def _member_id(req: Request) -> int:
    assert req.person.member_id is not None
    return req.person.member_id


def _request(req: Request, words: list[str]) -> None:
    command = parse_handover_command(words, req.today)
    outcome = service.request(req.db, _member_id(req), command, source_key=req.trigger_id or None, now=req.now)
    h = outcome.handover
    if not outcome.changed:
        req.say(req.texts.macro(MESSAGES, "duplicate", h))
        return
    if h.status == "approval":
        # A manager asking for a `via` cover approves it themselves if nobody else can.
        for manager in _managers(outcome, h.member) or list(outcome.managers):
            req.post(manager, views.approval_message(req.texts_for(manager), h))
        req.say(req.texts.macro(MESSAGES, "needs_approval", h))
        req.refresh_home(h.member)
        return
    brief = reports.brief(req.db, h.id, req.now)
    if h.cover:  # always, once requested (no partner, no request)
        req.post(h.cover, views.ask_cover_message(req.texts_for(h.cover), brief))
    for manager in _managers(outcome, h.member, h.cover):
        req.post(manager, views.notice(req.texts_for(manager), "manager_requested", h, with_reason=True))
    req.say(req.texts.macro(MESSAGES, "requested", h))
    req.refresh_home(h.member, h.cover)


def _cancel(req: Request, words: list[str]) -> None:
    handover_id = None
    if words:
        raw = words[0].lstrip("#＃")
        if not raw.isdigit():
            raise CommandError("bad_id", words[0])
        handover_id = int(raw)
    outcome = service.cancel(req.db, _member_id(req), req.now, handover_id, source_key=req.trigger_id or None)
    h = outcome.handover
    told = bool(h.cover) and outcome.previous_status in ASKED
    if told and h.cover:
        req.post(h.cover, views.notice(req.texts_for(h.cover), "cover_cancelled", h))
    for manager in _managers(outcome, h.member, h.cover):
        req.post(manager, views.notice(req.texts_for(manager), "manager_cancelled", h))
    req.say(req.texts.macro(MESSAGES, "cancelled", h, told))
    req.refresh_home(h.member, h.cover)


def _back(req: Request) -> None:
    outcome = service.back(req.db, _member_id(req), req.now, source_key=req.trigger_id or None)
    h = outcome.handover
    summary = reports.handback(req.db, h.id, req.now) if h.status == "ended" else None
    if summary is None:
        if h.cover and outcome.previous_status in ASKED:
            req.post(h.cover, views.notice(req.texts_for(h.cover), "cover_cancelled", h))
        req.say(req.texts.macro(MESSAGES, "withdrawn", h))
    else:
        req.post(h.member, views.handback_message(req.texts_for(h.member), summary))
        if h.cover:
            req.post(h.cover, views.notice(req.texts_for(h.cover), "cover_ended", h))
        req.say(req.texts.macro(MESSAGES, "back", h))
    req.refresh_home(h.member, h.cover)


# --- buttons ---------------------------------------------------------------------------


def _decide(req: Request, decide: Decision, raw_id: str | None) -> Outcome:
    """Run one decision on the handover a button names."""
    if not (raw_id or "").isdigit():
        raise Refusal("handover.not_found", id=raw_id or "?")
    return decide(req.db, int(raw_id or 0))


def handle_accept(req: Request) -> None:
    outcome = _decide(req, partial(service.accept, slack_id=req.user_id, now=req.now), req.value)
    h = outcome.handover
    req.reply(views.brief_message(req.texts, reports.brief(req.db, h.id, req.now), "cover_accepted"), replace_original=True)
    if outcome.changed:
        req.post(h.member, views.notice(req.texts_for(h.member), "member_accepted", h))
        if outcome.previous_status == "escalated":  # the managers were asked to step in
            for manager in _managers(outcome, h.member, h.cover):
                req.post(manager, views.notice(req.texts_for(manager), "manager_late_accept", h))
    req.refresh_home(h.cover, h.member)


def handle_decline(req: Request) -> None:
    outcome = _decide(req, partial(service.decline, slack_id=req.user_id, now=req.now), req.value)
    h = outcome.handover
    req.reply(views.notice(req.texts, "cover_declined", h), replace_original=True)
    if outcome.changed:
        req.post(h.member, views.notice(req.texts_for(h.member), "member_declined", h))
        for manager in _managers(outcome, h.member, h.cover):
            req.post(manager, views.assign_cover_message(req.texts_for(manager), h, "manager_declined"))
    req.refresh_home(req.user_id, h.member)


def handle_approve(req: Request) -> None:
    outcome = _decide(req, partial(service.approve, slack_id=req.user_id, now=req.now), req.value)
    h = outcome.handover
    req.reply(views.notice(req.texts, "manager_approved", h), replace_original=True)
    if outcome.changed:
        if h.cover:
            req.post(h.cover, views.ask_cover_message(req.texts_for(h.cover), reports.brief(req.db, h.id, req.now)))
        req.post(h.member, views.notice(req.texts_for(h.member), "member_approved", h))
    req.refresh_home(h.member, h.cover)


def handle_refuse(req: Request) -> None:
    outcome = _decide(req, partial(service.refuse, slack_id=req.user_id, now=req.now), req.value)
    h = outcome.handover
    req.reply(views.notice(req.texts, "manager_refused", h), replace_original=True)
    if outcome.changed:
        req.post(h.member, views.notice(req.texts_for(h.member), "member_refused", h))
    req.refresh_home(h.member)


def handle_assign(req: Request) -> None:
    chosen = str(req.action.get("selected_user") or "")
    raw_id = str(req.action.get("block_id") or "").rpartition(":")[2]
    outcome = _decide(req, partial(service.assign_cover, manager_slack_id=req.user_id, cover_slack_id=chosen, now=req.now), raw_id)
    h = outcome.handover
    req.reply(views.notice(req.texts, "manager_assigned", h), replace_original=True)
    if not outcome.changed:
        return
    if h.cover:  # the one just assigned
        req.post(h.cover, views.brief_message(req.texts_for(h.cover), reports.brief(req.db, h.id, req.now), "cover_assigned"))
    req.post(h.member, views.notice(req.texts_for(h.member), "member_assigned", h))
    previous = outcome.previous_cover
    if previous and previous != h.cover and outcome.previous_status in ASKED:
        req.post(previous, views.notice(req.texts_for(previous), "cover_reassigned", h))
    req.refresh_home(h.member, h.cover, previous)


def _managers(outcome: Outcome, *skip: str | None) -> list[str]:
    """Managers to tell, leaving out people who get their own message."""
    return [m for m in outcome.managers if m not in skip]

