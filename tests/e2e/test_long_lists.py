"""Long lists as Slack takes them: every list command splits into sections of at most
3,000 characters and messages of at most 50 blocks (the fake Slack checks each), never
inside an entry, and pages on with a More button or `page N`."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from core import clock
from slackio.driver import visible_text
from storage.models import Customer, Followup, KnowledgeEntry, Member, Topic, Visit
from tests import reports_scenario as scenario
from tests import snapshots
from tests.helpers import db

MORE_PREFIX = "_more"


@pytest.fixture
def big_team(driver, database):
    """The demo team with 200 more reps (600 more customers, 800 more visits)."""
    with database.session_scope() as session:
        team_id = snapshots.load(session, "reports_scenario+200", _write_big_team)
    clock.freeze(scenario.FRIDAY)
    for user in ("U0MGR", "U0REP1", "UX0001"):
        driver.fake.users[user] = {"locale": "en-US", "tz": "Asia/Shanghai"}
    return team_id


def _write_big_team(session) -> int:
    team_id = scenario.write(session)
    scenario.add_reps(session, team_id, 200)
    return team_id


def more_button(message: dict) -> dict | None:
    for block in message.get("blocks") or []:
        for element in block.get("elements") or []:
            if element.get("type") == "button" and element.get("action_id", "").endswith(MORE_PREFIX):
                return element
    return None


def all_pages(driver, user: str, command: str, text: str) -> list[dict]:
    """The first page, then every page its More buttons lead to."""
    pages = [driver.command(user, command, text).reply]
    while (button := more_button(pages[-1])) is not None:
        assert len(pages) < 60, "pages never end"
        pages.append(driver.press(user, button).reply)
    return pages


def sections(pages: list[dict]) -> list[str]:
    return [b["text"]["text"] for p in pages for b in p["blocks"] if b["type"] == "section"]


def check_limits(pages: list[dict]) -> None:
    for page in pages:
        assert len(page["blocks"]) <= 50
        assert all(len(b["text"]["text"]) <= 3000 for b in page["blocks"] if b["type"] == "section")
    assert len(pages) > 1, "the list should not fit one page"


def test_amteam_show_pages_through_every_rep_and_topic(driver, big_team):
    with db.session_scope() as session:
        for n in range(120):
            session.add(Topic(team_id=big_team, key=f"topic{n:03d}", name=f"专题 {n:03d}", keywords=[], lead_time_days=1))
    pages = all_pages(driver, "U0MGR", "/amteam", "show")
    check_limits(pages)
    lines = [line for s in sections(pages) for line in s.split("\n")]
    for i in range(200):
        assert sum(line.startswith(f"• <@UX{i:04d}>") for line in lines) == 1, i  # each rep once, never cut
    assert all(sum(f"#topic{n:03d}" in line for line in lines) == 1 for n in range(120))
    assert "Page 1 of" in visible_text(pages[0]) and "`/amteam show page 2`" in visible_text(pages[0])
    typed = driver.command("U0MGR", "/amteam", "show page 2").reply
    assert typed["blocks"] == pages[1]["blocks"]


def test_the_customer_list_is_new_and_paged(driver, big_team):
    pages = all_pages(driver, "U0MGR", "/amteam", "customer list")
    check_limits(pages)
    text = "\n".join(sections(pages))
    with db.session_scope() as session:
        names = session.scalars(select(Customer.name).where(Customer.team_id == big_team, Customer.active.is_(True))).all()
    assert len(names) > 600 and all(f"*{name}*" in text for name in names)
    assert "every 14 days" in text and "<@UX0000>" in text


def test_kpi_team_pages_every_rep(driver, big_team):
    pages = all_pages(driver, "U0MGR", "/kpi", "team")
    check_limits(pages)
    text = "\n".join(sections(pages))
    assert all(re.search(rf"\*\d+\.\* <@UX{i:04d}>", text) for i in range(200))


def test_visit_list_and_followups_page_with_their_buttons(driver, big_team):
    lists = all_pages(driver, "U0MGR", "/visit", "list")
    check_limits(lists)
    edits = [b for p in lists for b in p["blocks"] if (b.get("accessory") or {}).get("action_id") == "visit_edit"]
    assert len(edits) == 100  # the newest 100, each with its Edit button
    assert "customers are past their visit cadence" in "\n".join(sections(lists))

    with db.session_scope() as session:
        rep = session.scalar(select(Member).where(Member.slack_id == "UX0001"))
        visit = session.scalar(select(Visit).where(Visit.rep_id == rep.id))
        for n in range(60):
            session.add(Followup(team_id=big_team, visit_id=visit.id, customer_id=visit.customer_id, text=f"promise {n:02d}",
                                 owner_id=rep.id, due=scenario.TODAY + timedelta(days=n), status="open", created_at=scenario.FRIDAY))
    followups = all_pages(driver, "UX0001", "/visit", "followups")
    check_limits(followups)
    done_buttons = [e for p in followups for b in p["blocks"] if b["type"] == "actions" for e in b["elements"] if e["action_id"] == "followup_done"]
    assert len(done_buttons) == 60 + 2  # each promise with its own buttons (two were open already)
    texts = sections(followups)
    assert all(sum(f"*promise {n:02d}*" in t for t in texts) == 1 for n in range(60))


def test_ask_search_pages_through_the_answers(driver, big_team):
    with db.session_scope() as session:
        support = session.scalar(select(Member).where(Member.slack_id == "U0SUP1"))
        topic = session.scalar(select(Topic).where(Topic.team_id == big_team, Topic.key == "billing"))
        for n in range(30):  # answered and added to the knowledge base
            session.add(KnowledgeEntry(team_id=big_team, topic_id=topic.id, question=f"发票 重开 第 {n} 次怎么办", answer="作废原发票后重开。" * 40,
                                       created_by_id=support.id, created_at=scenario.FRIDAY, updated_by_id=support.id, updated_at=scenario.FRIDAY))
    pages = all_pages(driver, "U0REP1", "/ask", "search 发票 重开")
    check_limits(pages)
    assert "`/ask search 发票 重开 page 2`" in visible_text(pages[0])


def test_a_page_past_the_end_says_how_many_there_are(driver, big_team):
    result = driver.command("U0MGR", "/kpi", "team page 99")
    assert re.search(r"There is no page 99: the list has \d+ pages\.", result.reply_text)


def test_pages_in_chinese(driver, big_team):
    driver.fake.users["U0MGR"] = {"locale": "zh-CN", "tz": "Asia/Shanghai"}
    first = driver.command("U0MGR", "/amteam", "customer list").reply
    assert "第 1 页，共" in visible_text(first) and "`/amteam customer list page 2`" in visible_text(first)
    button = more_button(first)
    assert button is not None and button["text"]["text"] == "更多"
    second = driver.command("U0MGR", "/amteam", "customer list 第2页").reply
    assert second["blocks"] == driver.press("U0MGR", button).reply["blocks"]
