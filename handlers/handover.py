"""`/handover` and its buttons: A/B cover while someone is away (SPEC §4.2).

DMs caused by a click or a command go straight out with chat.postMessage; what happens
on a clock (start, end, escalation) goes through the outbox (jobs/handovers.py).
"""

from __future__ import annotations

import logging
from typing import Any, get_args
from zoneinfo import ZoneInfo

from slack_bolt import App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from domain.args import tokenize
from domain.handover_command import CommandError, parse_handover_command
from domain.handover_rules import RefusalCode
from handlers import ids
from handlers.context import Actor, resolve_actor
from handlers.home import refresh_home
from handlers.replies import ephemeral, error_with_usage, guarded
from rendering import handover as views
from rendering.blocks import sections
from rendering.i18n import Texts
from services import handover as service
from services import handover_reports as reports
from services.handover import HandoverError, Outcome
from storage import db

log = logging.getLogger("ambot.handlers.handover")
USAGE = "handover/usage"
MESSAGES = "handover/messages"
HELP_WORDS = {"help", "帮助", "?"}
STATUS_WORDS = {"status", "状态", "list", "mine"}
CANCEL_WORDS = {"cancel", "取消"}
BACK_WORDS = {"back", "回来", "返岗", "结束"}
RULE_CODES = set(get_args(RefusalCode))
ASKED = ("requested", "escalated", "accepted", "active")  # the cover knows about these


def register(app: App) -> None:
    app.command(ids.HANDOVER)(handle_handover)
    app.action(ids.HANDOVER_ACCEPT)(handle_accept)
    app.action(ids.HANDOVER_DECLINE)(handle_decline)
    app.action(ids.HANDOVER_APPROVE)(handle_approve)
    app.action(ids.HANDOVER_REFUSE)(handle_refuse)
    app.action(ids.HANDOVER_ASSIGN)(handle_assign)


@guarded
def handle_handover(ack, command: dict[str, Any], client: WebClient, respond) -> None:
    ack()
    actor = resolve_actor(client, command["user_id"])
    words = tokenize(command.get("text", ""))
    sub = words[0].lower() if words else "help"
    if sub in HELP_WORDS:
        respond(**ephemeral(actor.texts.render(USAGE)))
        return
    if not actor.person.is_member:
        respond(**ephemeral(actor.texts.macro(MESSAGES, "error_not_member")))
        return
    try:
        if sub in STATUS_WORDS:
            _status(actor, respond)
        elif sub in CANCEL_WORDS:
            _cancel(actor, words[1:], command.get("trigger_id"), client, respond)
        elif sub in BACK_WORDS:
            _back(actor, command.get("trigger_id"), client, respond)
        else:
            _request(actor, words, command.get("trigger_id"), client, respond)
    except CommandError as error:
        message = actor.texts.macro(MESSAGES, "error_" + error.code, value=error.value)
        respond(**error_with_usage(actor.texts, message, USAGE))
    except HandoverError as error:
        respond(**ephemeral(error_text(actor.texts, error, intro=True)))


def _request(actor: Actor, words: list[str], trigger_id: str | None, client: WebClient, respond) -> None:
    tz = ZoneInfo(actor.person.team_timezone or "UTC")
    command = parse_handover_command(words, actor.now.astimezone(tz).date())
    with db.session_scope() as session:
        outcome = service.request(session, actor.person.member_id, command, source_key=trigger_id, now=actor.now)
        h = outcome.handover
        brief = reports.brief(session, h.id, actor.now) if outcome.changed and h.status == "requested" else None
    if not outcome.changed:
        respond(**ephemeral(actor.texts.macro(MESSAGES, "duplicate", h)))
        return
    managers = _managers(outcome, h.member, h.cover)
    if h.status == "approval":
        # A manager asking for a `via` cover approves it themselves if nobody else can.
        for manager in _managers(outcome, h.member) or list(outcome.managers):
            _post(client, manager, views.approval_message(_texts(client, manager), h))
        respond(**ephemeral(actor.texts.macro(MESSAGES, "needs_approval", h)))
        refresh_home(client, h.member)
        return
    _post(client, h.cover, views.ask_cover_message(_texts(client, h.cover), brief))
    for manager in managers:
        _post(client, manager, views.notice(_texts(client, manager), "manager_requested", h, with_reason=True))
    respond(**ephemeral(actor.texts.macro(MESSAGES, "requested", h)))
    refresh_home(client, h.member, h.cover)


def _status(actor: Actor, respond) -> None:
    with db.session_scope() as session:
        status = reports.status(session, actor.person.member_id, actor.now)
    text = actor.texts.render("handover/status", s=status)
    respond(**ephemeral(text, sections(text)))


def _cancel(actor: Actor, words: list[str], trigger_id: str | None, client: WebClient, respond) -> None:
    handover_id = None
    if words:
        raw = words[0].lstrip("#＃")
        if not raw.isdigit():
            raise CommandError("bad_id", words[0])
        handover_id = int(raw)
    with db.session_scope() as session:
        outcome = service.cancel(session, actor.person.member_id, actor.now, handover_id, source_key=trigger_id)
    h = outcome.handover
    told = bool(h.cover) and outcome.previous_status in ASKED
    if told:
        _post(client, h.cover, views.notice(_texts(client, h.cover), "cover_cancelled", h))
    for manager in _managers(outcome, h.member, h.cover):
        _post(client, manager, views.notice(_texts(client, manager), "manager_cancelled", h))
    respond(**ephemeral(actor.texts.macro(MESSAGES, "cancelled", h, told)))
    refresh_home(client, h.member, h.cover)


def _back(actor: Actor, trigger_id: str | None, client: WebClient, respond) -> None:
    with db.session_scope() as session:
        outcome = service.back(session, actor.person.member_id, actor.now, source_key=trigger_id)
        h = outcome.handover
        summary = reports.handback(session, h.id, actor.now) if h.status == "ended" else None
    if summary is None:
        if h.cover and outcome.previous_status in ASKED:
            _post(client, h.cover, views.notice(_texts(client, h.cover), "cover_cancelled", h))
        respond(**ephemeral(actor.texts.macro(MESSAGES, "withdrawn", h)))
        refresh_home(client, h.member, h.cover)
        return
    _post(client, h.member, views.handback_message(actor.texts, summary))
    if h.cover:
        _post(client, h.cover, views.notice(_texts(client, h.cover), "cover_ended", h))
    respond(**ephemeral(actor.texts.macro(MESSAGES, "back", h)))
    refresh_home(client, h.member, h.cover)


# --- buttons ---------------------------------------------------------------------------


@guarded
def handle_accept(ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, respond) -> None:
    ack()
    actor = resolve_actor(client, body["user"]["id"])
    outcome, brief = _decide(actor, respond, lambda s, i: service.accept(s, i, actor.slack_id, actor.now), action.get("value"), with_brief=True)
    if outcome is None:
        return
    h = outcome.handover
    respond(replace_original=True, **views.brief_message(actor.texts, brief, "cover_accepted"))
    if outcome.changed:
        _post(client, h.member, views.notice(_texts(client, h.member), "member_accepted", h))
        if outcome.previous_status == "escalated":  # the managers were asked to step in
            for manager in _managers(outcome, h.member, h.cover):
                _post(client, manager, views.notice(_texts(client, manager), "manager_late_accept", h))
    refresh_home(client, h.cover, h.member)


@guarded
def handle_decline(ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, respond) -> None:
    ack()
    actor = resolve_actor(client, body["user"]["id"])
    outcome, _ = _decide(actor, respond, lambda s, i: service.decline(s, i, actor.slack_id, actor.now), action.get("value"))
    if outcome is None:
        return
    h = outcome.handover
    respond(replace_original=True, **views.notice(actor.texts, "cover_declined", h))
    if outcome.changed:
        _post(client, h.member, views.notice(_texts(client, h.member), "member_declined", h))
        for manager in _managers(outcome, h.member, h.cover):
            _post(client, manager, views.assign_cover_message(_texts(client, manager), h, "manager_declined"))
    refresh_home(client, actor.slack_id, h.member)


@guarded
def handle_approve(ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, respond) -> None:
    ack()
    actor = resolve_actor(client, body["user"]["id"])
    outcome, brief = _decide(actor, respond, lambda s, i: service.approve(s, i, actor.slack_id, actor.now), action.get("value"), with_brief=True)
    if outcome is None:
        return
    h = outcome.handover
    respond(replace_original=True, **views.notice(actor.texts, "manager_approved", h))
    if outcome.changed:
        _post(client, h.cover, views.ask_cover_message(_texts(client, h.cover), brief))
        _post(client, h.member, views.notice(_texts(client, h.member), "member_approved", h))
    refresh_home(client, h.member, h.cover)


@guarded
def handle_refuse(ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, respond) -> None:
    ack()
    actor = resolve_actor(client, body["user"]["id"])
    outcome, _ = _decide(actor, respond, lambda s, i: service.refuse(s, i, actor.slack_id, actor.now), action.get("value"))
    if outcome is None:
        return
    h = outcome.handover
    respond(replace_original=True, **views.notice(actor.texts, "manager_refused", h))
    if outcome.changed:
        _post(client, h.member, views.notice(_texts(client, h.member), "member_refused", h))
    refresh_home(client, h.member)


@guarded
def handle_assign(ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, respond) -> None:
    ack()
    actor = resolve_actor(client, body["user"]["id"])
    chosen = action.get("selected_user") or ""
    raw_id = (action.get("block_id") or "").rpartition(":")[2]

    def assign(session, handover_id):
        return service.assign_cover(session, handover_id, actor.slack_id, chosen, actor.now)

    outcome, brief = _decide(actor, respond, assign, raw_id, with_brief=True)
    if outcome is None:
        return
    h = outcome.handover
    respond(replace_original=True, **views.notice(actor.texts, "manager_assigned", h))
    if not outcome.changed:
        return
    _post(client, h.cover, views.brief_message(_texts(client, h.cover), brief, "cover_assigned"))
    _post(client, h.member, views.notice(_texts(client, h.member), "member_assigned", h))
    previous = outcome.previous_cover
    if previous and previous != h.cover and outcome.previous_status in ASKED:
        _post(client, previous, views.notice(_texts(client, previous), "cover_reassigned", h))
    refresh_home(client, h.member, h.cover, previous)


def _decide(actor: Actor, respond, decide, raw_id: str | None, *, with_brief: bool = False) -> tuple[Outcome | None, Any]:
    """Run one decision on the handover a button names; refusals are answered here."""
    if not (raw_id or "").isdigit():
        respond(**ephemeral(actor.texts.macro(MESSAGES, "error_not_found", id=raw_id or "?"), replace_original=False))
        return None, None
    try:
        with db.session_scope() as session:
            outcome = decide(session, int(raw_id))
            brief = reports.brief(session, outcome.handover.id, actor.now) if with_brief else None
    except HandoverError as error:
        respond(**ephemeral(error_text(actor.texts, error, intro=False)), replace_original=False)
        return None, None
    return outcome, brief


# --- helpers ---------------------------------------------------------------------------


def error_text(texts: Texts, error: HandoverError, *, intro: bool) -> str:
    """A refusal in the reader's words; rule refusals list every clash with its dates."""
    if error.code not in RULE_CODES:
        return texts.macro(MESSAGES, "error_" + error.code, **error.params)
    reasons = [(error.code, error.params.get("other"), error.params.get("clash"))]
    reasons += [(r.code, r.other, r.clash) for r in error.params.get("more", [])]
    lines = [texts.macro(MESSAGES, "refused")] if intro else []
    lines += ["• " + texts.macro(MESSAGES, "error_" + code, other=other, clash=clash) for code, other, clash in reasons]
    return "\n".join(lines)


def _managers(outcome: Outcome, *skip: str | None) -> list[str]:
    """Managers to tell, leaving out people who get their own message."""
    return [m for m in outcome.managers if m not in skip]


def _texts(client: WebClient, slack_id: str) -> Texts:
    return resolve_actor(client, slack_id).texts


def _post(client: WebClient, channel: str | None, payload: dict[str, Any]) -> None:
    if not channel:
        return
    try:
        client.chat_postMessage(channel=channel, **payload)
    except SlackApiError as exc:  # one unreachable person must not stop the others' messages
        log.warning("could not DM %s: %s", channel, exc.response.get("error") if exc.response else exc)

