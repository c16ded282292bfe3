"""`/visit`: log a visit in seconds and never lose a promise made to a customer (SPEC §4.1).

    /visit                      the visit form
    /visit <customer>           the form with that customer chosen
    /visit <customer>; needs: …; follow-up: … by fri; next: …   a one-line log
    /visit list [customer]      recent visits, and customers past their cadence
    /visit followups            my open follow-ups, with Done and Snooze
"""

from __future__ import annotations

import re
from typing import Any

from slack_bolt import App
from slack_sdk import WebClient

from domain.args import tokenize
from domain.quicklog import QuickLogError, is_bare_customer, parse_quick_log
from domain.visit_form import draft_from_quicklog, is_empty
from handlers import followup_actions, ids, visit_modal
from handlers.context import Actor, resolve_actor
from handlers.home import refresh_home, visit_readers
from handlers.replies import ephemeral, error_with_usage, guarded
from handlers.visit_common import USAGE, ephemeral_payload, refusal_reply, store_once
from rendering import visit_blocks
from services import followups, visits
from services.customer_index import match_customer
from services.visit_access import (
    VisitAccess,
    VisitError,
    access_of_person,
    check_may_see,
    require_customer_work,
)
from storage import db

HELP_WORDS = {"help", "帮助", "?", "？"}
LIST_WORDS = {"list", "列表", "记录"}
FOLLOWUP_WORDS = {"followups", "follow-ups", "followup", "跟进", "待办"}
_SEPARATOR = re.compile(r"[;；]")


def register(app: App) -> None:
    app.command(ids.VISIT)(handle_visit)
    visit_modal.register(app)
    followup_actions.register(app)


@guarded
def handle_visit(ack, command: dict[str, Any], client: WebClient, respond) -> None:
    ack()
    with db.session_scope() as session:  # who is asking, and what they may do: one round trip
        actor = resolve_actor(client, command["user_id"], session=session)
        access = access_of_person(session, actor.person, actor.now)
    text = (command.get("text") or "").strip()
    words = tokenize(text)
    first = words[0].lower() if words else ""
    if first in HELP_WORDS and len(words) == 1:
        respond(**ephemeral(actor.texts.render(USAGE)))
        return
    try:
        if access is None:
            raise VisitError("not_member")
        if not (first in FOLLOWUP_WORDS and len(words) == 1):
            require_customer_work(access)
        if not text:
            visit_modal.open_new_form(client, actor.texts, access, command["trigger_id"], now=actor.now)
        elif first in LIST_WORDS and not _SEPARATOR.search(text):
            _list(actor, access, text[len(words[0]) :].strip(), respond)
        elif first in FOLLOWUP_WORDS and len(words) == 1:
            _followups(actor, access, respond)
        elif is_bare_customer(text):
            _form_for_customer(client, actor, access, text, command["trigger_id"], respond)
        else:
            _quick_log(client, actor, access, text, command["trigger_id"], respond)
    except VisitError as error:
        respond(**refusal_reply(actor.texts, error))


def _form_for_customer(client: WebClient, actor: Actor, access: VisitAccess, name: str, trigger_id: str, respond) -> None:
    """`/visit <customer>`: the form with that customer chosen, or the candidates to pick from."""
    with db.session_scope() as session:
        match = match_customer(session, access.team_id, name)
        if match.kind == "unknown":
            raise VisitError("unknown_customer", name=name, manager=access.is_manager)
        if match.kind == "unique":
            assert match.customer is not None
            check_may_see(access, match.customer)
            customer = match.customer
        else:
            visible = [c for c in match.candidates if access.may_see(c)]
            if not visible:
                check_may_see(access, match.candidates[0])
            if len(visible) > 1:
                respond(**ephemeral_payload(visit_blocks.candidates_message(actor.texts, name, visible)))
                return
            customer = visible[0]
    visit_modal.open_new_form(client, actor.texts, access, trigger_id, now=actor.now, customer=customer)


def _quick_log(client: WebClient, actor: Actor, access: VisitAccess, text: str, trigger_id: str, respond) -> None:
    today = access.today(actor.now)
    try:
        parsed = parse_quick_log(text, today, require_due=access.require_followup_due)
    except QuickLogError as error:
        message = actor.texts.macro("visit/messages", "quick_" + error.code, error.detail)
        respond(**error_with_usage(actor.texts, message, USAGE))
        return
    draft = draft_from_quicklog(parsed)
    if is_empty(draft):  # a date, a type or a next visit alone says nothing about the visit
        message = actor.texts.macro("visit/messages", "quick_empty_visit", parsed.customer)
        respond(**error_with_usage(actor.texts, message, USAGE))
        return
    # A Slack retry resends the same trigger id; the same line typed twice has the same text.
    source_key = f"cmd:{trigger_id}"
    outcome = store_once(
        lambda s: visits.quick_log(s, access, parsed.customer, draft, text=text, source_key=source_key, now=actor.now),
        lambda s: visits.find_quick_log(s, access, parsed.customer, text=text, source_key=source_key, now=actor.now),
    )
    status = "logged" if outcome.created else "already"
    respond(**ephemeral_payload(visit_blocks.stored_message(actor.texts, outcome.visit, status)))
    refresh_home(client, actor.slack_id, *visit_readers(outcome.visit))


def _list(actor: Actor, access: VisitAccess, customer_name: str, respond) -> None:
    today = access.today(actor.now)
    with db.session_scope() as session:
        customer = visits.resolve_customer(session, access, customer_name) if customer_name else None
        listing = visits.list_visits(session, access, today, customer=customer)
    respond(**ephemeral_payload(visit_blocks.visit_list_message(actor.texts, listing)))


def _followups(actor: Actor, access: VisitAccess, respond) -> None:
    with db.session_scope() as session:
        items = followups.my_open_followups(session, access, access.today(actor.now))
    respond(**ephemeral_payload(visit_blocks.followups_message(actor.texts, items, actor.slack_id)))
