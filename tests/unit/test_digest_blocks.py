"""Both reports render in both languages within Slack's limits: a quiet team, the demo
team, and a table long enough to need several thread replies."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from rendering.blocks import SECTION_LIMIT
from rendering.digest_blocks import (
    SECTIONS_PER_REPLY,
    manager_message,
    skipped_message,
    table_replies,
    weekly_message,
)
from rendering.i18n import LOCALES, Texts
from services.manager_digest import manager_digest
from services.weekly_summary import weekly_summary
from slackio.driver import visible_text
from slackio.fake_api import validate_blocks
from tests import reports_scenario as scenario

QUIET_MONDAY = datetime(2026, 11, 9, 0, 30, tzinfo=UTC)


def rendered_ok(payload: dict) -> str:
    assert payload["text"] and len(payload["blocks"]) <= 50
    assert validate_blocks(payload["blocks"], limit=50) == []
    return visible_text(payload)


@pytest.mark.parametrize("locale", LOCALES)
def test_a_quiet_team_says_so(database, team, locale):
    texts = Texts(locale, "Asia/Shanghai")
    with database.session_scope() as session:
        summary = weekly_summary(session, team, QUIET_MONDAY)
        digest = manager_digest(session, team, QUIET_MONDAY)
    weekly = rendered_ok(weekly_message(texts, summary).message)
    manager = rendered_ok(manager_message(texts, digest).message)
    if locale == "en":
        assert "No needs were written on this week's visits." in weekly
        assert "Nobody is away this week or next." in weekly
        assert "0 asked · 0 answered" in weekly and "Median response" not in weekly
        assert "Agenda: 1 overdue item" in weekly  # the key customer nobody has visited yet
        assert "None. Every promise to a customer is on time." in manager
        assert "None logged." in manager
    else:
        assert "本周的拜访记录里没有写需求。" in weekly and "本周和下周没有人休假。" in weekly
        assert "没有。对客户的每项承诺都在按时推进。" in manager


@pytest.mark.parametrize("locale", LOCALES)
def test_the_demo_team_renders_in_both_languages(database, locale):
    with database.session_scope() as session:
        team_id = scenario.load(session)
        summary = weekly_summary(session, team_id, scenario.FRIDAY)
        digest = manager_digest(session, team_id, scenario.MONDAY)
    texts = Texts(locale, "Asia/Shanghai")
    weekly, manager = weekly_message(texts, summary), manager_message(texts, digest)
    for rendered in (weekly, manager):
        text = rendered_ok(rendered.message)
        assert rendered.thread == []  # 9 reps fit the message itself
        assert "&lt;!channel&gt;" in text and "<!channel>" not in text  # user text is escaped
    assert "转网到友商 &amp; 不再续约" in visible_text(manager.message)
    preview = weekly_message(texts, summary, preview=True).message
    assert len(preview["blocks"]) == len(weekly_message(texts, summary).message["blocks"])


def test_long_tables_split_into_code_blocks_and_replies():
    texts = Texts("en")
    rows = [f"rep {i:04d} | {i} | {i % 7} | 1 | 0 | 0 | 0 | {i} | +1%" for i in range(1000)]
    replies = table_replies(texts, "rep | visits", rows)
    assert len(replies) > 1 and replies[0]["text"] == f"Full table, part 1 of {len(replies)}"
    lines = []
    for reply in replies:
        codes = [b for b in reply["blocks"] if b["type"] == "section"]
        assert 1 <= len(codes) <= SECTIONS_PER_REPLY and validate_blocks(reply["blocks"], limit=50) == []
        for block in codes:
            body = block["text"]["text"]
            assert len(body) <= SECTION_LIMIT and body.startswith("```\nrep | visits\n") and body.endswith("\n```")
            lines += body.strip("`\n").splitlines()[1:]
    assert lines == rows


@pytest.mark.parametrize(("locale", "says"), [("en", "No weekly summary this week: Fri, Oct 2 is a public holiday"), ("zh", "本周没有例会摘要：按团队日历，10月2日周五 是法定节假日")])
def test_the_holiday_note(locale, says):
    text = rendered_ok(skipped_message(Texts(locale), date(2026, 10, 2), "16:00"))
    assert says in text and "16:00" in text
