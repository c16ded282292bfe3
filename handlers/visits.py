"""`/visit`: log a visit in seconds and never lose a promise made to a customer (SPEC §4.1).

    /visit                      the visit form
    /visit <customer>           the form with that customer chosen
    /visit <customer>; needs: …; follow-up: … by fri; next: …   a one-line log
    /visit list [customer]      recent visits, and customers past their cadence
    /visit followups            my open follow-ups, with Done and Snooze
    /visit history <customer>   every change to a customer's visits and follow-ups, and what was withdrawn
    /visit restore #12          put back a withdrawn visit (`followup 34`: a follow-up)
    /visit calendar [reset]     my private calendar feed's address (handlers/visit_calendar.py)
"""

from __future__ import annotations

import re

from domain.args import take_page, tokenize
from domain.quicklog import QuickLogError, is_bare_customer, parse_quick_log
from domain.refusal import Refusal
from domain.visit_form import draft_from_quicklog, is_empty, parse_record_ref
from handlers import followup_actions, visit_modal, visit_withdrawal
from handlers.visit_calendar import CALENDAR_WORDS, calendar_command
from handlers.visit_common import USAGE, announce_assigned, visit_access, visit_readers
from listening.layer import Listeners
from listening.request import Request
from rendering import visit_blocks
from rendering.pages import read_more_value
from services import followups, history, visits
from services.customer_index import match_customer
from services.visit_access import (
    VisitAccess,
    check_may_see,
    require_customer_work,
    with_named_owners,
)
from slackio import ids

HELP_WORDS = {"help", "帮助", "?", "？"}
LIST_WORDS = {"list", "列表", "记录"}
FOLLOWUP_WORDS = {"followups", "follow-ups", "followup", "跟进", "待办"}
RESTORE_WORDS = {"restore", "恢复"}
HISTORY_WORDS = {"history", "历史"}
_SEPARATOR = re.compile(r"[;；]")


def register(on: Listeners) -> None:
    on.command(ids.VISIT, handle_visit, usage=USAGE)
    on.action(ids.VISIT_LIST_MORE, handle_list_more)
    on.action(ids.FOLLOWUPS_MORE, handle_followups_more)
    visit_modal.register(on)
    followup_actions.register(on)
    visit_withdrawal.register(on)


def handle_visit(req: Request) -> None:
    text = req.text.strip()
    words = tokenize(text)
    first = words[0].lower() if words else ""
    page = 1
    if first in LIST_WORDS | FOLLOWUP_WORDS:  # `/visit list 华东制造 page 2`
        text, page = take_page(text)
        words = tokenize(text)
    if first in HELP_WORDS and len(words) == 1:
        req.say(req.texts.render(USAGE))
        return
    if first in CALENDAR_WORDS and not _SEPARATOR.search(text):
        calendar_command(req, words[1:])
        return
    access = visit_access(req)
    if not (first in FOLLOWUP_WORDS and len(words) == 1):
        require_customer_work(access)
    if not text:
        req.open_view(visit_modal.new_form(req, access))
    elif first in LIST_WORDS and not _SEPARATOR.search(text):
        _list(req, access, text[len(words[0]) :].strip(), page)
    elif first in FOLLOWUP_WORDS and len(words) == 1:
        _followups(req, access, page)
    elif first in RESTORE_WORDS and not _SEPARATOR.search(text):
        _restore(req, access, words[1:])
    elif first in HISTORY_WORDS and not _SEPARATOR.search(text):
        _history(req, access, text[len(words[0]) :].strip())
    elif is_bare_customer(text):
        _form_for_customer(req, access, text)
    else:
        _quick_log(req, access, text)


def _form_for_customer(req: Request, access: VisitAccess, name: str) -> None:
    """`/visit <customer>`: the form with that customer chosen, or the candidates to pick from."""
    match = match_customer(req.db, access.team_id, name)
    if match.kind == "unknown":
        raise visits.unknown_customer(name, access)
    if match.kind == "unique":
        assert match.customer is not None
        check_may_see(access, match.customer)
        customer = match.customer
    else:
        visible = [c for c in match.candidates if access.may_see(c)]
        if not visible:
            check_may_see(access, match.candidates[0])
        if len(visible) > 1:
            req.reply(visit_blocks.candidates_message(req.texts, name, visible))
            return
        customer = visible[0]
    req.open_view(visit_modal.new_form(req, access, customer=customer))


def _quick_log(req: Request, access: VisitAccess, text: str) -> None:
    parsed = parse_quick_log(text, access.today(req.now), require_due=access.require_followup_due, visit_types=access.visit_types)
    parsed = with_named_owners(req.db, access, parsed)
    draft = draft_from_quicklog(parsed)
    if is_empty(draft):  # a date, a type or a next visit alone says nothing about the visit
        raise QuickLogError("empty_visit", parsed.customer)
    # A Slack retry resends the same trigger id; the same line typed twice has the same text.
    source_key = f"cmd:{req.trigger_id}"
    outcome = visits.store_once(
        req.db,
        lambda s: visits.quick_log(s, access, parsed.customer, draft, text=text, source_key=source_key, now=req.now),
        lambda s: visits.find_quick_log(s, access, parsed.customer, text=text, source_key=source_key, now=req.now),
    )
    req.reply(visit_blocks.stored_message(req.texts, outcome.visit, "logged" if outcome.created else "already"))
    if outcome.created:
        announce_assigned(req, outcome.visit)
    req.refresh_home(req.user_id, *visit_readers(outcome.visit))


def _list(req: Request, access: VisitAccess, customer_name: str, page: int = 1) -> None:
    customer = visits.resolve_customer(req.db, access, customer_name) if customer_name else None
    listing = visits.list_visits(req.db, access, access.today(req.now), customer=customer, page=page)
    req.reply(visit_blocks.visit_list_message(req.texts, listing, page=page, query=customer_name), replace_original=_more(req))


def _followups(req: Request, access: VisitAccess, page: int = 1) -> None:
    shown = followups.my_open_followups_page(req.db, access, access.today(req.now), page=page, per_page=visit_blocks.FOLLOWUPS_PAGE)
    message = visit_blocks.followups_message(req.texts, shown.items, req.user_id, page=page, total=shown.total)
    req.reply(message, replace_original=_more(req))


def _more(req: Request) -> bool | None:
    """A More button's page comes as a new message under the one pressed."""
    return False if req.body.get("type") == "block_actions" else None


def handle_list_more(req: Request) -> None:
    page, customer_name = read_more_value(req.value)
    access = visit_access(req)
    require_customer_work(access)
    _list(req, access, customer_name, page)


def handle_followups_more(req: Request) -> None:
    page, _ = read_more_value(req.value)
    _followups(req, visit_access(req), page)



def _restore(req: Request, access: VisitAccess, words: list[str]) -> None:
    ref = parse_record_ref(words)
    if ref is None:
        raise Refusal("visit.restore_usage", usage=True)
    kind, record_id = ref
    if kind == "visits":
        visit_withdrawal.restore_visit_command(req, access, record_id)
    else:
        visit_withdrawal.restore_followup_command(req, access, record_id)


def _history(req: Request, access: VisitAccess, customer_name: str) -> None:
    if not customer_name:
        raise Refusal("visit.history_usage", usage=True)
    customer = visits.resolve_customer(req.db, access, customer_name)
    req.reply(visit_blocks.history_message(req.texts, history.customer_history(req.db, access, customer)))
