"""What the visit listeners share: who may do what, storing exactly once, and the form's
state read back into a draft."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from domain.refusal import Refusal
from domain.visit_form import FollowupRow, VisitDraft, clean_text, row_block_ids
from handlers.request import Request
from services.visit_access import VisitAccess, access_of_person
from services.visits import LogOutcome

USAGE = "visit/usage"


def visit_access(req: Request) -> VisitAccess:
    """What the asker may do with visits; refused when they are on no team."""
    access = access_of_person(req.db, req.person, req.now)
    if access is None:
        raise Refusal("visit.not_member", usage=True)
    return access


def id_value(req: Request, gone: str = "visit.visit_gone") -> int:
    """The id a button carries; a value that is not one is a thing that is gone."""
    value = req.value
    if not (value.isascii() and value.isdigit()):
        raise Refusal(gone)
    return int(value)


def store_once(session: Session, store: Callable[[Session], LogOutcome], recover: Callable[[Session], LogOutcome | None]) -> LogOutcome:
    """Run `store` in a savepoint; if a concurrent copy of the same request won the race
    (a unique key was taken), return what that copy stored instead."""
    try:
        with session.begin_nested():
            return store(session)
    except IntegrityError:
        found = recover(session)
        if found is None:
            raise
        return found


def visit_readers(visit: Any) -> list[str | None]:
    """Whose Home a logged or edited visit changes besides the logger's: the rep's (the
    visits metric) and each follow-up owner's."""
    return [visit.rep_slack_id, *(f.owner_slack_id for f in visit.followups)]


# --- the form's state --------------------------------------------------------------------


def _element(values: dict[str, Any], block_id: str) -> dict[str, Any]:
    actions = values.get(block_id) or {}
    return next(iter(actions.values()), {}) if isinstance(actions, dict) else {}


def _date(element: dict[str, Any]) -> date | None:
    raw = element.get("selected_date")
    try:
        return date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


def draft_from_state(values: dict[str, Any], rows: int, followup_ids: list[int | None] | None = None) -> VisitDraft:
    """A VisitDraft from `view.state.values` (follow-up rows as the form shows them)."""
    selected = _element(values, "customer").get("selected_option") or {}
    customer_id = int(selected["value"]) if str(selected.get("value", "")).isdigit() else None
    followup_ids = list(followup_ids or [])
    followups = []
    for index in range(max(1, rows)):
        text_id, due_id, owner_id = row_block_ids(index)
        followups.append(
            FollowupRow(
                text=clean_text(_element(values, text_id).get("value")),
                due=_date(_element(values, due_id)),
                owner_slack_id=_element(values, owner_id).get("selected_user") or None,
                followup_id=followup_ids[index] if index < len(followup_ids) else None,
            )
        )
    return VisitDraft(
        customer_id=customer_id,
        visit_date=_date(_element(values, "date")),
        type=(_element(values, "type").get("selected_option") or {}).get("value"),
        purpose=clean_text(_element(values, "purpose").get("value")),
        needs=clean_text(_element(values, "needs").get("value")),
        concerns=clean_text(_element(values, "concerns").get("value")),
        notes=clean_text(_element(values, "notes").get("value")),
        followups=tuple(followups),
        next_visit=_date(_element(values, "next_visit")),
    )


def selected_customer_option(values: dict[str, Any]) -> dict[str, Any] | None:
    return _element(values, "customer").get("selected_option") or None
