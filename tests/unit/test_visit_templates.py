"""Visit messages in both languages: escaped, shortened for display, inside Slack's limits."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from domain.visit_form import MAX_FOLLOWUP_ROWS, FollowupRow, VisitDraft
from rendering import visit_blocks
from rendering.i18n import LOCALES, Texts
from services.followups import Reminder
from services.visits import FollowupView, VisitList, VisitView
from slackio.fake_api import validate_blocks, validate_view
from storage.models import Customer, Member
from storage.visits import CadenceStatus

NASTY = "<!channel> <@U0B1|lina> <https://evil.example|click> & co"


def followup(i: int = 1, text: str = "send quote", overdue: int = 0, owner: str = "U0A1") -> FollowupView:
    return FollowupView(i, text, date(2026, 11, 20), "open", owner, 3, "Acme <Corp>", overdue)


def visit(**changes) -> VisitView:
    values: dict[str, Any] = dict(
        id=1, customer_id=3, customer_name="Acme <Corp>", visit_date=date(2026, 11, 18), type="phone", purpose=NASTY,
        needs="x" * 5000, concerns="价格", notes=None, next_visit=date(2026, 12, 1), rep_slack_id="U0A1",
        logged_by_slack_id="U0MGR", logged_at=datetime(2026, 11, 18, 2, tzinfo=UTC), followups=(followup(text=NASTY),), editable=True,
    )  # fmt: skip
    values.update(changes)
    return VisitView(**values)


def section_texts(payload: dict) -> list[str]:
    return [payload["text"]] + [b["text"]["text"] for b in payload.get("blocks", []) if b["type"] == "section"]


@pytest.mark.parametrize("locale", LOCALES)
def test_the_stored_visit_is_escaped_shortened_and_valid(locale):
    payload = visit_blocks.stored_message(Texts(locale), visit(), "logged")
    texts = section_texts(payload)
    joined = "\n".join(texts)
    assert "<!channel>" not in joined and "<https://evil" not in joined and "<@U0B1|" not in joined
    assert "&lt;!channel&gt;" in joined and "Acme &lt;Corp&gt;" in joined
    assert "x" * 700 not in joined and "x" * 600 in joined  # 5,000 characters stored, a readable part shown
    assert "<@U0A1>" in joined and "<@U0MGR>" in joined  # people are real mentions
    assert validate_blocks(payload["blocks"], limit=50) == []


def test_chinese_reads_chinese():
    text = "\n".join(section_texts(visit_blocks.stored_message(Texts("zh"), visit(purpose="季度回访", needs="专线"), "updated")))
    assert "拜访已更新" in text and "电话" in text and "*目的/准备：* 季度回访" in text and "*下次拜访：* 2026年12月1日周二" in text
    assert "客户经理 <@U0A1>，由 <@U0MGR> 记录" in text  # a manager logged it for the account manager
    assert "logged" not in text.lower() and "due" not in text
    listing = visit_blocks.followups_message(Texts("zh"), [followup(1), followup(2, overdue=3), followup(3)], "U0A1")
    assert "你未完成的跟进（3 项）" in listing["text"] and "已逾期 3 天" in listing["blocks"][3]["text"]["text"]


@pytest.mark.parametrize("locale", LOCALES)
def test_a_long_list_stays_inside_a_message(locale):
    visits = [visit(id=i, needs=f"need {i}") for i in range(30)]
    cadence = [CadenceStatus(i, f"客户{i}", "key", 1, 14, None if i % 2 else date(2026, 10, 1), 20) for i in range(40)]
    listing = VisitList(visits, 30, past_cadence=cadence, owners={1: "U0A1"}, team_wide=True)
    payload = visit_blocks.visit_list_message(Texts(locale), listing)
    assert validate_blocks(payload["blocks"], limit=50) == []
    assert "<@U0A1>" in "\n".join(section_texts(payload))


@pytest.mark.parametrize("locale", LOCALES)
def test_many_follow_ups_stay_inside_a_message(locale):
    items = [followup(i, overdue=i % 3) for i in range(45)]
    listing = visit_blocks.followups_message(Texts(locale), items, "U0A1")
    assert len(listing["blocks"]) <= 50 and validate_blocks(listing["blocks"], limit=50) == []
    member = Member(slack_id="U0B1", name="李娜")
    reminder = visit_blocks.reminder_message(Texts(locale), Reminder(member, items[:30], items[30:]))
    assert len(reminder["blocks"]) <= 50 and validate_blocks(reminder["blocks"], limit=50) == []
    assert "<@U0A1>" in "\n".join(section_texts(reminder))  # covering for the owner


@pytest.mark.parametrize("locale", LOCALES)
def test_the_fullest_form_is_a_valid_modal(locale):
    rows = tuple(FollowupRow(f"promise {i}", date(2026, 11, 20), "U0A1", i) for i in range(MAX_FOLLOWUP_ROWS + 3))
    draft = VisitDraft(visit_date=date(2026, 11, 18), type="video", purpose="p" * 3000, followups=rows, next_visit=date(2026, 12, 1))
    view = visit_blocks.visit_modal(Texts(locale), draft, customer=visit_blocks.customer_option(3, "A" * 200, ["b"] * 50), metadata={"visit": 1, "ids": list(range(11))}, editing=True, require_due=True, done_count=2)
    assert validate_view(view) == []
    assert sum(1 for b in view["blocks"] if b.get("block_id", "").startswith("followup")) == MAX_FOLLOWUP_ROWS
    assert not any(b.get("block_id") == "add_followup" for b in view["blocks"])  # full: no more rows


@pytest.mark.parametrize("locale", LOCALES)
def test_candidates_are_buttons(locale):
    candidates = [Customer(id=i, name=f"华东{i} <x>", aliases=[]) for i in range(12)]
    payload = visit_blocks.candidates_message(Texts(locale), "华东 <y>", candidates)
    assert validate_blocks(payload["blocks"], limit=50) == []
    assert "&lt;y&gt;" in payload["text"] and "&lt;x&gt;" in payload["blocks"][1]["text"]["text"]
