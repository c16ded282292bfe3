"""What a visit looks like before it is stored, and the rules a visit form must meet.

The modal and the quick log both end in a `VisitDraft`. `validate` answers with
`{block_id: error code}` so the modal can show each problem beside its field; the
quick log's parser (domain.quicklog) enforces the same rules with the same codes.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from domain.quicklog import VISIT_TYPES, QuickLog
from domain.text_hygiene import FOLLOWUP_MAX, TEXT_MAX, clean_long, clean_short

MAX_FOLLOWUP_ROWS = 8
TEXT_FIELDS = ("purpose", "needs", "concerns", "notes")


@dataclass(frozen=True)
class FollowupRow:
    text: str | None
    due: date | None = None
    owner_slack_id: str | None = None
    followup_id: int | None = None  # set when the row edits a stored follow-up


@dataclass(frozen=True)
class VisitDraft:
    visit_date: date | None
    type: str | None
    purpose: str | None = None
    needs: str | None = None
    concerns: str | None = None
    notes: str | None = None
    followups: tuple[FollowupRow, ...] = ()
    next_visit: date | None = None
    customer_id: int | None = None

    def with_defaults(self, owner_slack_id: str) -> VisitDraft:
        """Rows without text dropped, follow-ups without an owner given to `owner_slack_id`."""
        rows = tuple(
            replace(row, owner_slack_id=row.owner_slack_id or owner_slack_id) for row in self.followups if row.text
        )
        return replace(self, followups=rows)


def clean_text(value: str | None, field: str = "notes", *, beside: str | None = None) -> str | None:
    """Trim, without control characters; empty becomes None. Text up to its field's limit
    is kept whole (display truncates, storage does not); longer is refused."""
    if value is None:
        return None
    return clean_long(value, field, TEXT_MAX, beside=beside) or None


def clean_followup(value: str | None, *, beside: str | None = None) -> str | None:
    """A follow-up is shown to others on one line: no direction overrides, bounded."""
    if value is None:
        return None
    return clean_short(value, "followup", FOLLOWUP_MAX, beside=beside) or None


def row_block_ids(index: int) -> tuple[str, str, str]:
    """Block ids of follow-up row `index` (0-based): the first row uses the SPEC names."""
    suffix = "" if index == 0 else f"_{index + 1}"
    return f"followup{suffix}", f"due{suffix}", f"owner{suffix}"


def draft_from_quicklog(log: QuickLog) -> VisitDraft:
    return VisitDraft(
        visit_date=log.visit_date,
        type=log.type,
        purpose=clean_text(log.purpose, "purpose"),
        needs=clean_text(log.needs, "needs"),
        concerns=clean_text(log.concerns, "concerns"),
        notes=clean_text(log.notes, "notes"),
        followups=tuple(FollowupRow(clean_followup(f.text), f.due, f.owner_slack_id) for f in log.followups),
        next_visit=log.next_visit,
    )


def validate(
    draft: VisitDraft,
    *,
    require_due: bool,
    today: date | None = None,
    visit_types: tuple[str, ...] = VISIT_TYPES,
    stored_dues: dict[int, date | None] | None = None,
    stored_next: date | None = None,
) -> dict[str, str]:
    """Every problem of a modal submission, keyed by the block that should show it.

    `today` (the team's local date) refuses a visit date still to come, and a due date or
    next visit already gone, unless the visit being edited already had it (`stored_dues`
    by follow-up id, `stored_next`): an overdue promise stays editable."""
    stored_dues = stored_dues or {}
    errors: dict[str, str] = {}
    if draft.customer_id is None:
        errors["customer"] = "customer_required"
    if draft.visit_date is None:
        errors["date"] = "date_required"
    elif today is not None and draft.visit_date > today:
        errors["date"] = "visit_in_future"
    if draft.type not in visit_types:
        errors["type"] = "bad_type"
    for index, row in enumerate(draft.followups):
        text_block, due_block, _ = row_block_ids(index)
        if not row.text:
            if row.due is not None:
                errors[text_block] = "due_without_text"
            continue
        if row.due is None:
            if require_due:
                errors[due_block] = "followup_without_due"
        elif draft.visit_date is not None and row.due < draft.visit_date:
            errors[due_block] = "due_before_visit"
        elif today is not None and row.due < today and (row.followup_id is None or stored_dues.get(row.followup_id) != row.due):
            errors[due_block] = "due_in_past"
    if draft.next_visit is not None and draft.visit_date is not None and draft.next_visit < draft.visit_date:
        errors["next_visit"] = "next_before_visit"
    elif draft.next_visit is not None and today is not None and draft.next_visit < today and draft.next_visit != stored_next:
        errors["next_visit"] = "next_in_past"
    if is_empty(draft) and not any(key.startswith("followup") for key in errors):
        errors["notes"] = "empty_visit"
    return errors


def is_empty(draft: VisitDraft) -> bool:
    """Nothing was said about the visit: no text field and no follow-up."""
    return not any(getattr(draft, name) for name in TEXT_FIELDS) and not any(row.text for row in draft.followups)


# --- the form's state, as Slack sends it back (`view.state.values`) -----------------------


def _element(values: dict[str, Any], block_id: str) -> dict[str, Any]:
    actions = values.get(block_id) or {}
    return next(iter(actions.values()), {}) if isinstance(actions, dict) else {}


def _date(element: dict[str, Any]) -> date | None:
    raw = element.get("selected_date")
    try:
        return date.fromisoformat(raw) if raw else None
    except (TypeError, ValueError):
        return None


def draft_from_state(values: dict[str, Any], rows: int, followup_ids: list[int | None] | None = None) -> VisitDraft:
    """A VisitDraft from `view.state.values` (follow-up rows as the form shows them)."""
    selected = _element(values, "customer").get("selected_option") or {}
    customer_id = int(selected["value"]) if str(selected.get("value", "")).isdigit() else None
    ids = list(followup_ids or [])
    followups = []
    for index in range(max(1, rows)):
        text_id, due_id, owner_id = row_block_ids(index)
        followups.append(
            FollowupRow(
                text=clean_followup(_element(values, text_id).get("value"), beside=text_id),
                due=_date(_element(values, due_id)),
                owner_slack_id=_element(values, owner_id).get("selected_user") or None,
                followup_id=ids[index] if index < len(ids) else None,
            )
        )
    return VisitDraft(
        customer_id=customer_id,
        visit_date=_date(_element(values, "date")),
        type=(_element(values, "type").get("selected_option") or {}).get("value"),
        purpose=clean_text(_element(values, "purpose").get("value"), "purpose", beside="purpose"),
        needs=clean_text(_element(values, "needs").get("value"), "needs", beside="needs"),
        concerns=clean_text(_element(values, "concerns").get("value"), "concerns", beside="concerns"),
        notes=clean_text(_element(values, "notes").get("value"), "notes", beside="notes"),
        followups=tuple(followups),
        next_visit=_date(_element(values, "next_visit")),
    )


def selected_customer_option(values: dict[str, Any]) -> dict[str, Any] | None:
    return _element(values, "customer").get("selected_option") or None


# --- `/visit restore #12`, `/visit restore followup 34` ----------------------------------

FOLLOWUP_WORDS = {"followup", "follow-up", "跟进"}


def parse_record_ref(words: list[str]) -> tuple[str, int] | None:
    """("visits", 12) for `#12` or `12`, ("followups", 34) for `followup 34` / `跟进 #34`;
    None when the words name no record."""
    kind = "visits"
    if words and words[0].lower() in FOLLOWUP_WORDS:
        kind, words = "followups", words[1:]
    if len(words) != 1:
        return None
    raw = words[0].removeprefix("#").removeprefix("＃")
    return (kind, int(raw)) if raw.isascii() and raw.isdigit() and len(raw) < 10 else None
