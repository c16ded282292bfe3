"""The visit form: open it (new, for a customer, or to edit), search customers, add a
follow-up row, and take the submission (SPEC §4.1).

A submission is checked before it is acknowledged, so every problem comes back inside
the form beside its field (`response_action: errors`); a valid one is stored once (a
double click or a Slack retry carries the same view id) and confirmed by DM.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING, Any

from domain.visit_form import (
    FollowupRow,
    VisitDraft,
    draft_from_state,
    selected_customer_option,
    validate,
)
from handlers.visit_common import announce_assigned, id_value, visit_access, visit_readers
from listening.layer import Listeners
from listening.request import Request
from rendering import refusals, visit_blocks
from services import customer_index, visits
from services import customers as customer_search
from services.visit_access import VisitAccess, access_for
from slackio import ids
from slackio.payloads import private_metadata

if TYPE_CHECKING:
    from storage.models import Customer

# Refusals shown in the form beside the customer (others go beside the notes).
CUSTOMER_ERRORS = ("customer_hidden", "customer_unowned", "customer_gone", "visit_gone", "visit_withdrawn", "not_member", "stale", "changed_meanwhile")


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def register(on: Listeners) -> None:
    on.view(ids.VISIT_MODAL, handle_submission, fields=dict.fromkeys(CUSTOMER_ERRORS, "customer"), default_field="notes")
    on.options(ids.VISIT_CUSTOMER, handle_customer_options)
    on.action(ids.VISIT_ADD_FOLLOWUP, handle_add_followup)
    on.action(ids.VISIT_EDIT, handle_edit)
    on.action(ids.VISIT_PICK_CUSTOMER, handle_pick_customer)


# --- opening ----------------------------------------------------------------------------


def new_form(req: Request, access: VisitAccess, *, customer: Customer | None = None) -> dict[str, Any]:
    draft = VisitDraft(visit_date=access.today(req.now), type="onsite")
    option = visit_blocks.customer_option(customer.id, customer.name, customer.aliases) if customer else None
    return visit_blocks.visit_modal(
        req.texts, draft, customer=option, metadata={}, require_due=access.require_followup_due, default_owner=access.slack_id,
        visit_types=access.visit_types,
    )


def form_for_draft(req: Request, access: VisitAccess, draft: VisitDraft, customer: dict[str, Any]) -> dict[str, Any]:
    """The form filled in from a draft written elsewhere (a visit sent as a DM)."""
    return visit_blocks.visit_modal(
        req.texts, draft, customer=customer, metadata={}, require_due=access.require_followup_due, default_owner=access.slack_id
    )


def handle_edit(req: Request) -> None:
    access = visit_access(req)
    visit = visits.visit_for_edit(req.db, access, id_value(req), req.now)
    draft = visits.draft_of(visit)
    req.open_view(
        visit_blocks.visit_modal(
            req.texts,
            draft,
            customer=visit_blocks.customer_option(visit.customer_id, visit.customer_name),
            # The versions it is drawn from (a submission after anything changed is refused),
            # and what the visit already had (an overdue due date or a passed plan stays editable).
            metadata={
                "visit": visit.id,
                "ids": [row.followup_id for row in draft.followups],
                "dues": {str(row.followup_id): _iso(row.due) for row in draft.followups},
                "next": _iso(draft.next_visit),
                "type": draft.type,
                **seen_metadata(visits.Seen.of(visit)),
            },
            editing=True,
            require_due=access.require_followup_due,
            done_count=sum(1 for f in visit.followups if f.status == "done"),
            default_owner=access.slack_id,
            visit_types=access.visit_types,
        )
    )


def seen_metadata(seen: visits.Seen) -> dict[str, Any]:
    return {"v": seen.visit, "fv": {str(k): v for k, v in seen.followups.items()}}


def seen_from(meta: dict[str, Any]) -> visits.Seen:
    """The versions an edit form carries; None (refused as stale) for a form drawn before
    forms carried them, or for anything that is not ambot's."""
    raw_visit, raw_rows = meta.get("v"), meta.get("fv")
    rows = raw_rows if isinstance(raw_rows, dict) else {}
    followups = {int(k): v for k, v in rows.items() if str(k).isdigit() and isinstance(v, int)}
    return visits.Seen(raw_visit if isinstance(raw_visit, int) else None, followups)


def handle_pick_customer(req: Request) -> None:
    """One of several matching customers was chosen: open the form for it."""
    access = visit_access(req)
    customer = visits.customer_for_form(req.db, access, id_value(req))
    req.open_view(new_form(req, access, customer=customer))


# --- inside the open form --------------------------------------------------------------------


def handle_customer_options(req: Request) -> None:
    """Type-ahead for the customer select: the customers this person may log for."""
    access = access_for(req.db, req.user_id, req.now)
    if access is None:
        return
    mine = customer_index.searchable(req.db, access.team_id, owner_ids=access.visible_owner_ids())
    found = customer_search.search_customers(mine, str(req.body.get("value") or ""), limit=100)
    req.options = [visit_blocks.customer_option(c.id, c.name, c.aliases) for c in found]


def handle_add_followup(req: Request) -> None:
    view = req.view
    meta = private_metadata(view)
    rows = int(meta.get("rows", 1))
    values = (view.get("state") or {}).get("values") or {}
    draft = draft_from_state(values, rows, meta.get("ids"))
    draft = replace(draft, followups=(*draft.followups, FollowupRow(None)))
    row_ids = list(meta.get("ids") or [])
    row_ids += [None] * (rows - len(row_ids)) + [None]
    access = visit_access(req)
    updated = visit_blocks.visit_modal(
        req.texts,
        draft,
        customer=selected_customer_option(values),
        metadata={**meta, "ids": row_ids},
        editing=bool(meta.get("visit")),
        require_due=access.require_followup_due,
        default_owner=req.user_id,
        visit_types=access.visit_types,
    )
    req.update_view(updated, hash=view.get("hash"))


# --- submission -----------------------------------------------------------------------------


def handle_submission(req: Request) -> None:
    access = visit_access(req)
    view = req.view
    meta = private_metadata(view)
    values = (view.get("state") or {}).get("values") or {}
    draft = draft_from_state(values, int(meta.get("rows", 1)), meta.get("ids"))
    stored_dues = {int(key): date.fromisoformat(value) if value else None for key, value in (meta.get("dues") or {}).items()}
    errors = validate(
        draft,
        require_due=access.require_followup_due,
        today=access.today(req.now),
        visit_types=(*access.visit_types, *([meta["type"]] if meta.get("type") else [])),
        stored_dues=stored_dues,
        stored_next=date.fromisoformat(meta["next"]) if meta.get("next") else None,
    )
    if errors:
        texts = req.texts
        shown = {block: texts.macro("visit/messages", "form_" + code) for block, code in errors.items()}
        req.answer_form(response_action="errors", errors={b: refusals.field_text(t, req.names_in(t)) for b, t in shown.items()})
        return
    customer_id = draft.customer_id
    assert customer_id is not None
    visit_id = meta.get("visit")
    owners_before: dict[int, str | None] = {}
    if visit_id:
        owners_before = {f.id: f.owner.slack_id if f.owner else None for f in visits.visit_followups_all(req.db, int(visit_id))}
        edit_key = f"edit:view:{view['id']}"
        outcome = visits.store_once(
            req.db,
            lambda s: visits.update_visit(
                s, access, int(visit_id), visits.customer_for_form(s, access, customer_id), draft, seen=seen_from(meta), edit_key=edit_key, now=req.now
            ),
            lambda s: visits.find_edit(s, access, int(visit_id), edit_key=edit_key, now=req.now),
        )
    else:
        source_key = f"view:{view['id']}"
        outcome = visits.store_once(
            req.db,
            lambda s: visits.log_visit(s, access, visits.customer_for_form(s, access, customer_id), draft, source_key=source_key, now=req.now),
            lambda s: visits.find_logged(s, access, source_key=source_key, now=req.now),
        )
    if outcome.created:
        status = "updated" if visit_id else "logged"
        req.post(req.user_id, visit_blocks.stored_message(req.texts, outcome.visit, status))
        announce_assigned(req, outcome.visit, owners_before=owners_before)
        req.refresh_home(req.user_id, *visit_readers(outcome.visit))
