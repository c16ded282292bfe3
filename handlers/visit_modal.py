"""The visit form: open it (new, for a customer, or to edit), search customers, add a
follow-up row, and take the submission (SPEC §4.1).

A submission is checked before it is acknowledged, so every problem comes back inside
the form beside its field (`response_action: errors`); a valid one is stored once (a
double click or a Slack retry carries the same view id) and confirmed by DM.
"""

from __future__ import annotations

import json
import logging
from dataclasses import replace
from datetime import datetime
from typing import Any

from slack_bolt import App
from slack_sdk import WebClient

from domain.visit_form import FollowupRow, VisitDraft, validate
from handlers import ids
from handlers.context import resolve_actor, utcnow
from handlers.home import refresh_home, visit_readers
from handlers.replies import guarded
from handlers.visit_common import (
    draft_from_state,
    field_error,
    refusal,
    refusal_block,
    refusal_reply,
    selected_customer_option,
    store_once,
    stored_texts,
)
from rendering import visit_blocks
from rendering.i18n import Texts
from services import customer_index, visits
from services import customers as customer_search
from services.visit_access import VisitAccess, VisitError, access_for, require_access
from storage import db
from storage.models import Customer

log = logging.getLogger("ambot.handlers.visits")


def register(app: App) -> None:
    app.view(ids.VISIT_MODAL)(handle_submission)
    app.options(ids.VISIT_CUSTOMER)(handle_customer_options)
    app.action(ids.VISIT_ADD_FOLLOWUP)(handle_add_followup)
    app.action(ids.VISIT_EDIT)(handle_edit)
    app.action(ids.VISIT_PICK_CUSTOMER)(handle_pick_customer)


# --- opening ----------------------------------------------------------------------------


def open_new_form(client: WebClient, texts: Texts, access: VisitAccess, trigger_id: str, *, now: datetime, customer: Customer | None = None) -> None:
    draft = VisitDraft(visit_date=access.today(now), type="onsite")
    option = visit_blocks.customer_option(customer.id, customer.name, customer.aliases) if customer else None
    view = visit_blocks.visit_modal(
        texts,
        draft,
        customer=option,
        metadata={},
        require_due=access.require_followup_due,
        default_owner=access.slack_id,
    )
    client.views_open(trigger_id=trigger_id, view=view)


def open_edit_form(client: WebClient, texts: Texts, access: VisitAccess, trigger_id: str, visit: visits.VisitView) -> None:
    draft = visits.draft_of(visit)
    view = visit_blocks.visit_modal(
        texts,
        draft,
        customer=visit_blocks.customer_option(visit.customer_id, visit.customer_name),
        metadata={"visit": visit.id, "ids": [row.followup_id for row in draft.followups]},
        editing=True,
        require_due=access.require_followup_due,
        done_count=sum(1 for f in visit.followups if f.status == "done"),
        default_owner=access.slack_id,
    )
    client.views_open(trigger_id=trigger_id, view=view)


@guarded
def handle_edit(ack, body: dict[str, Any], client: WebClient, respond) -> None:
    ack()
    actor = resolve_actor(client, body["user"]["id"])
    try:
        with db.session_scope() as session:
            access = require_access(session, actor.slack_id, actor.now)
            visit = visits.visit_for_edit(session, access, _action_id_value(body), actor.now)
    except VisitError as error:
        respond(replace_original=False, **refusal_reply(actor.texts, error))
        return
    open_edit_form(client, actor.texts, access, body["trigger_id"], visit)


@guarded
def handle_pick_customer(ack, body: dict[str, Any], client: WebClient, respond) -> None:
    """One of several matching customers was chosen: open the form for it."""
    ack()
    actor = resolve_actor(client, body["user"]["id"])
    try:
        with db.session_scope() as session:
            access = require_access(session, actor.slack_id, actor.now)
            customer = visits.customer_for_form(session, access, _action_id_value(body))
    except VisitError as error:
        respond(replace_original=False, **refusal_reply(actor.texts, error))
        return
    open_new_form(client, actor.texts, access, body["trigger_id"], now=actor.now, customer=customer)


def _action_id_value(body: dict[str, Any]) -> int:
    value = str((body.get("actions") or [{}])[0].get("value", ""))
    if not value.isdigit():
        raise VisitError("visit_gone")
    return int(value)


# --- inside the open form --------------------------------------------------------------------


def handle_customer_options(ack, body: dict[str, Any]) -> None:
    """Type-ahead for the customer select: the customers this person may log for."""
    try:
        now = utcnow()
        with db.session_scope() as session:
            access = access_for(session, body["user"]["id"], now)
            if access is None:
                ack(options=[])
                return
            mine = customer_index.searchable(session, access.team_id, owner_ids=access.visible_owner_ids())
            found = customer_search.search_customers(mine, body.get("value") or "", limit=100)
            options = [visit_blocks.customer_option(c.id, c.name, c.aliases) for c in found]
    except Exception:  # an empty list beats a broken select
        log.exception("customer options failed")
        options = []
    ack(options=options)


@guarded
def handle_add_followup(ack, body: dict[str, Any], client: WebClient) -> None:
    ack()
    view = body["view"]
    meta = _metadata(view)
    rows = int(meta.get("rows", 1))
    values = (view.get("state") or {}).get("values") or {}
    draft = draft_from_state(values, rows, meta.get("ids"))
    draft = replace(draft, followups=(*draft.followups, FollowupRow(None)))
    row_ids = list(meta.get("ids") or [])
    row_ids += [None] * (rows - len(row_ids)) + [None]
    user = body["user"]["id"]
    now = utcnow()
    texts = stored_texts(user, now)
    with db.session_scope() as session:
        access = require_access(session, user, now)
    updated = visit_blocks.visit_modal(
        texts,
        draft,
        customer=selected_customer_option(values),
        metadata={**meta, "ids": row_ids},
        editing=bool(meta.get("visit")),
        require_due=access.require_followup_due,
        default_owner=user,
    )
    client.views_update(view_id=view["id"], hash=view.get("hash"), view=updated)


def _metadata(view: dict[str, Any]) -> dict[str, Any]:
    try:
        meta = json.loads(view.get("private_metadata") or "{}")
    except ValueError:
        return {}
    return meta if isinstance(meta, dict) else {}


# --- submission -----------------------------------------------------------------------------


def handle_submission(ack, body: dict[str, Any], client: WebClient) -> None:
    user = body["user"]["id"]
    now = utcnow()
    acked = False
    texts = Texts("en")
    try:
        texts = stored_texts(user, now)
        view = body["view"]
        meta = _metadata(view)
        try:
            outcome, editing = _store_submission(user, view, meta, now, texts, ack)
        except VisitError as error:
            ack(response_action="errors", errors={refusal_block(error): field_error(refusal(texts, error))})
            return
        acked = True
        if outcome is None:  # the form had mistakes; ack() showed them
            return
        if outcome.created:
            status = "updated" if editing else "logged"
            client.chat_postMessage(channel=user, **visit_blocks.stored_message(texts, outcome.visit, status))
            refresh_home(client, user, *visit_readers(outcome.visit))
    except Exception:  # never a 500: the form says so, or the log does once it has closed
        log.exception("visit form submission failed")
        if not acked:
            ack(response_action="errors", errors={"notes": field_error(texts.macro("visit/modal", "internal_error"))})


def _store_submission(user: str, view: dict[str, Any], meta: dict[str, Any], now: datetime, texts: Texts, ack) -> tuple[visits.LogOutcome | None, bool]:
    with db.session_scope() as session:
        access = require_access(session, user, now)
    values = (view.get("state") or {}).get("values") or {}
    draft = draft_from_state(values, int(meta.get("rows", 1)), meta.get("ids"))
    errors = validate(draft, require_due=access.require_followup_due, today=access.today(now))
    if errors:
        ack(response_action="errors", errors={block: field_error(texts.macro("visit/messages", "form_" + code)) for block, code in errors.items()})
        return None, False
    assert draft.customer_id is not None
    visit_id = meta.get("visit")
    if visit_id:
        edit_key = f"edit:view:{view['id']}"
        outcome = store_once(
            lambda s: visits.update_visit(s, access, int(visit_id), visits.customer_for_form(s, access, draft.customer_id), draft, edit_key=edit_key, now=now),
            lambda s: visits.LogOutcome(visits.visit_for_edit(s, access, int(visit_id), now), created=False),
        )
    else:
        source_key = f"view:{view['id']}"
        outcome = store_once(
            lambda s: visits.log_visit(s, access, visits.customer_for_form(s, access, draft.customer_id), draft, source_key=source_key, now=now),
            lambda s: visits.find_logged(s, access, source_key=source_key, now=now),
        )
    ack()
    return outcome, bool(visit_id)

