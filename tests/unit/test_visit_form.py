"""The rules a visit form must meet, with no Slack and no database."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from domain.quicklog import parse_quick_log
from domain.visit_form import (
    FollowupRow,
    VisitDraft,
    draft_from_quicklog,
    is_empty,
    row_block_ids,
    validate,
)

DAY = date(2026, 11, 18)


def draft(**changes) -> VisitDraft:
    values: dict[str, Any] = dict(customer_id=1, visit_date=DAY, type="onsite", needs="more lines")
    values.update(changes)
    return VisitDraft(**values)


def test_a_complete_form_has_no_errors():
    assert validate(draft(followups=(FollowupRow("send quote", date(2026, 11, 20), "U0A1"),)), require_due=True) == {}


def test_row_block_ids_use_the_spec_names_for_the_first_row():
    assert row_block_ids(0) == ("followup", "due", "owner")
    assert row_block_ids(2) == ("followup_3", "due_3", "owner_3")


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"customer_id": None}, {"customer": "customer_required"}),
        ({"visit_date": None}, {"date": "date_required"}),
        ({"type": "fax"}, {"type": "bad_type"}),
        ({"next_visit": date(2026, 11, 17)}, {"next_visit": "next_before_visit"}),
        ({"needs": None}, {"notes": "empty_visit"}),
        ({"followups": (FollowupRow("call back", date(2026, 11, 1)),)}, {"due": "due_before_visit"}),
        ({"followups": (FollowupRow(None), FollowupRow(None, date(2026, 11, 30)))}, {"followup_2": "due_without_text"}),
    ],
)
def test_each_problem_is_reported_beside_its_field(changes, expected):
    assert validate(draft(**changes), require_due=False) == expected


def test_several_problems_are_reported_at_once():
    errors = validate(draft(customer_id=None, next_visit=date(2026, 1, 1), followups=(FollowupRow("x", date(2026, 1, 1)),)), require_due=False)
    assert errors == {"customer": "customer_required", "next_visit": "next_before_visit", "due": "due_before_visit"}


def test_a_due_date_is_required_only_when_the_team_asks_for_it():
    rows = (FollowupRow("send quote"), FollowupRow("call back", date(2026, 11, 25)))
    assert validate(draft(followups=rows), require_due=False) == {}
    assert validate(draft(followups=rows), require_due=True) == {"due": "followup_without_due"}


def test_a_follow_up_alone_is_enough_to_log_a_visit():
    only_followup = draft(needs=None, followups=(FollowupRow("send quote", DAY),))
    assert not is_empty(only_followup)
    assert validate(only_followup, require_due=False) == {}


def test_due_on_the_visit_day_is_fine():
    assert validate(draft(followups=(FollowupRow("same day", DAY),), next_visit=DAY), require_due=True) == {}


def test_defaults_drop_empty_rows_and_give_the_logger_ownerless_follow_ups():
    filled = draft(followups=(FollowupRow("a"), FollowupRow(None), FollowupRow("b", owner_slack_id="U0B1"))).with_defaults("U0A1")
    assert [(r.text, r.owner_slack_id) for r in filled.followups] == [("a", "U0A1"), ("b", "U0B1")]


def test_a_quick_log_becomes_the_same_draft_the_form_would_give():
    parsed = parse_quick_log("Acme; needs: lines ; follow-up: quote by 2026-11-20 @U0B1; follow-up: call; next: 2026-12-01", DAY)
    result = draft_from_quicklog(parsed)
    assert result.visit_date == DAY and result.type == "onsite" and result.needs == "lines"
    assert result.followups == (FollowupRow("quote", date(2026, 11, 20), "U0B1"), FollowupRow("call", None, None))
    assert result.next_visit == date(2026, 12, 1)
    assert validate(VisitDraft(**{**result.__dict__, "customer_id": 7}), require_due=False) == {}


def test_a_visit_date_after_today_is_refused_beside_the_date():
    assert validate(draft(visit_date=date(2026, 11, 19)), require_due=False, today=DAY) == {"date": "visit_in_future"}
    assert validate(draft(visit_date=DAY), require_due=False, today=DAY) == {}
