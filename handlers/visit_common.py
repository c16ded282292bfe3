"""What the visit listeners share: refusals in the reader's words, storing exactly once,
and the form's state read back into a draft."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from domain.visit_form import FollowupRow, VisitDraft, clean_text, row_block_ids
from handlers import ids
from handlers.context import texts_for
from handlers.replies import error_with_usage
from rendering.i18n import Texts
from services import people
from services.visit_access import VisitError
from services.visits import LogOutcome
from storage import db
from storage.models import Member

USAGE = "visit/usage"
# Refusals shown in the form beside the customer (others go beside the notes).
CUSTOMER_ERRORS = {"customer_hidden", "customer_unowned", "customer_gone", "visit_gone", "not_member"}


def refusal(texts: Texts, error: VisitError) -> str:
    if error.code == "not_member":
        return texts.macro("common", "refused_not_member", command=ids.VISIT)
    return texts.macro("visit/messages", "error_" + error.code, **error.params)


def refusal_reply(texts: Texts, error: VisitError) -> dict[str, Any]:
    return error_with_usage(texts, refusal(texts, error), USAGE)


def refusal_block(error: VisitError) -> str:
    if error.params.get("block"):
        return str(error.params["block"])
    return "customer" if error.code in CUSTOMER_ERRORS else "notes"


_MENTION = re.compile(r"<@([UW][A-Z0-9]+)>")


def field_error(text: str) -> str:
    """A message as a form field error: plain text, so `<@U…>` becomes `@name` and mrkdwn
    marks go (Slack shows them literally under an input)."""
    ids_seen = set(_MENTION.findall(text))
    if ids_seen:
        with db.session_scope() as session:
            names = dict(session.execute(select(Member.slack_id, Member.name).where(Member.slack_id.in_(ids_seen))).all())
        text = _MENTION.sub(lambda m: "@" + names.get(m[1], m[1]), text)
    return text.replace("*", "").replace("`", "")[:300]


def stored_texts(slack_id: str, now: datetime) -> Texts:
    """The reader's language from what the database remembers: no Slack call, for the
    listeners that must answer inside the request (form submissions, type-ahead)."""
    with db.session_scope() as session:
        return texts_for(people.find_person(session, slack_id, now))


def store_once(store: Callable[[Session], LogOutcome], recover: Callable[[Session], LogOutcome | None]) -> LogOutcome:
    """Run `store` in its own transaction; if a concurrent copy of the same request won
    the race (a unique key was taken), return what that copy stored instead."""
    try:
        with db.session_scope() as session:
            return store(session)
    except IntegrityError:
        with db.session_scope() as session:
            found = recover(session)
        if found is None:
            raise
        return found


def ephemeral_payload(payload: dict[str, Any]) -> dict[str, Any]:
    return dict(payload, response_type="ephemeral")


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
