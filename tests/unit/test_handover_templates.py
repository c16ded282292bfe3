"""Every handover message renders in both languages, within Slack's limits, with user
text escaped."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from rendering import handover as views
from rendering.i18n import LOCALES, Texts
from services.handover import HandoverView, RefusalView, window_view
from services.handover_reports import (
    Brief,
    CustomerLine,
    FollowupLine,
    Handback,
    PlannedLine,
    QuestionLine,
    StatusView,
    VisitLine,
)
from slackio.fake_api import validate_blocks

SHANGHAI = ZoneInfo("Asia/Shanghai")
WHOLE = window_view(datetime(2026, 12, 9, 16, tzinfo=UTC), datetime(2026, 12, 12, 16, tzinfo=UTC), SHANGHAI)
HOURS = window_view(datetime(2026, 12, 4, 6, tzinfo=UTC), datetime(2026, 12, 7, 1, 30, tzinfo=UTC), SHANGHAI)
EVIL = "<!channel> & <@U0MGR>"


def handover(status: str = "requested", window=WHOLE, cover: str | None = "U0B1") -> HandoverView:
    return HandoverView(7, 1, status, "U0A1", cover, window, EVIL, False, "Asia/Shanghai")


def brief(n: int) -> Brief:
    customers = [CustomerLine(f"{EVIL} {i}", ("key", "premium")[i % 2], date(2026, 11, 1) if i % 3 else None, EVIL * 10, i) for i in range(n)]
    return Brief(
        handover=handover(),
        customers_total=n,
        important=customers,
        followups=[FollowupLine(f"C{i}", EVIL * 20, date(2026, 12, 10), i % 2 == 0) for i in range(n)],
        planned=[PlannedLine(f"C{i}", date(2026, 12, 11)) for i in range(n)],
        questions=[QuestionLine(EVIL * 20, "open", "U0A1", "U0S1", None) for _ in range(n)],
        past_cadence=customers,
    )


def handback(n: int) -> Handback:
    return Handback(
        handover=handover("ended"),
        ended_at=WHOLE.ends_at,
        visits=[VisitLine(EVIL, date(2026, 12, 11), kind, "U0B1") for kind in ("onsite", "phone", "video", "other")] * n,
        followups_done=[FollowupLine(EVIL, EVIL, None, False, "U0B1")] * n,
        followups_open=[FollowupLine(EVIL, EVIL, date(2026, 12, 1), True)] * n,
        questions_answered=[QuestionLine(EVIL, "answered", "U0A1", "U0B1", "U0B1")] * n,
    )


def check(payload: dict) -> str:
    assert validate_blocks(payload["blocks"], limit=50) == []
    assert len(payload["text"]) <= 3000
    shown = "\n".join([payload["text"], *(str(b) for b in payload["blocks"])])
    assert "<!channel>" not in shown and "<@U0MGR>" not in shown
    return shown


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("size", [0, 1, 80])
def test_brief_and_hand_back_render_within_limits(locale, size):
    texts = Texts(locale, "Asia/Shanghai")
    check(views.ask_cover_message(texts, brief(size)))
    for intro in ("cover_accepted", "cover_assigned", "cover_started"):
        check(views.brief_message(texts, brief(size), intro))
    check(views.handback_message(texts, handback(size)))


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("window", [WHOLE, HOURS], ids=["whole days", "with times"])
def test_every_notice_renders(locale, window):
    texts = Texts(locale, "Asia/Shanghai")
    h = handover(window=window)
    check(views.approval_message(texts, h))
    for macro in ("manager_declined", "manager_escalated"):
        check(views.assign_cover_message(texts, h, macro))
    notices = [
        "member_accepted", "member_declined", "member_approved", "member_refused", "member_escalated", "member_assigned",
        "cover_declined", "cover_ended", "cover_cancelled", "cover_reassigned", "manager_requested", "manager_cancelled", "manager_late_accept",
        "manager_approved", "manager_refused", "manager_assigned", "requested", "needs_approval", "duplicate",
        "back", "withdrawn",
    ]  # fmt: skip
    for macro in notices:
        check(views.notice(texts, macro, h, with_reason=True))
    assert texts.macro(views.MESSAGES, "cancelled", h, True)


@pytest.mark.parametrize("locale", LOCALES)
def test_refusals_and_errors_render(locale):
    from domain.refusal import Refusal
    from rendering.refusals import refusal_text

    def error_text(texts, refusal, intro):
        return refusal_text(texts, refusal)

    def rules(*reasons, intro):
        return Refusal("handover.rules", reasons=list(reasons), intro=intro)

    texts = Texts(locale, "Asia/Shanghai")
    more = [RefusalView("cover_is_covering", "U0D1", HOURS), RefusalView("overlaps_own", "U0A1", WHOLE)]
    text = error_text(texts, rules(RefusalView("partner_away", "U0B1", WHOLE), *more, intro=True), intro=True)
    assert text.count("• ") == 3 and "<@U0B1>" in text and "<@U0D1>" in text
    for code in ("end_before_start", "in_past", "no_partner", "self_cover"):
        assert error_text(texts, rules(RefusalView(code, None, None), intro=False), intro=False)
    refusals: list[tuple[str, dict[str, Any]]] = [
        ("not_found", {"id": 3}), ("not_yours", {}), ("not_manager", {}), ("already_decided", {"status": "declined"}),
        ("too_late", {}), ("nothing_to_cancel", {}), ("use_back", {}), ("not_away", {}), ("via_not_member", {"user": "U0X"}),
        ("not_member", {}),
    ]  # fmt: skip
    for code, params in refusals:
        assert error_text(texts, Refusal("handover." + code, **params), intro=True)


@pytest.mark.parametrize("locale", LOCALES)
def test_status_renders(locale):
    texts = Texts(locale, "Asia/Shanghai")
    empty = StatusView(None, True, [], [], [], [])
    busy = StatusView("U0B1", False, [handover()], [handover("escalated")], [handover("active")], [handover("accepted")] * 25)
    assert "/handover" in texts.render("handover/status", s=empty)
    text = texts.render("handover/status", s=busy)
    assert text.count("#7") == 23 and "<@U0B1>" in text


def test_chinese_differs_and_names_the_roles():
    zh, en = Texts("zh", "Asia/Shanghai"), Texts("en", "Asia/Shanghai")
    h = handover()
    assert zh.macro(views.MESSAGES, "requested", h) != en.macro(views.MESSAGES, "requested", h)
    assert "12月10日" in zh.macro(views.MESSAGES, "requested", h)
    assert "B 角" in zh.render("handover/usage")
