"""Customers changing hands and kept tidy, over signed HTTP: `customer assign`, `reassign`,
`customer list` with filters and pages, `rename`, `merge`, `retire`/`restore`, and a
duplicate `add` refused with the existing customer named."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from core import clock
from slackio import ids
from slackio.driver import visible_text
from storage.models import AuditRecord, Customer, Followup, KpiEntry, Member, Visit
from tests.helpers import db, en, first_button, row_counts

NOW = datetime(2026, 12, 2, 2, 0, tzinfo=UTC)  # Wednesday 10:00 in Shanghai


def dms(driver, user: str) -> list[str]:
    return [visible_text(c.body) for c in driver.fake.calls_to("chat.postMessage") if c.body.get("channel") == user]


def customer(s, name: str) -> Customer:
    return s.scalar(select(Customer).where(Customer.name == name))


@pytest.fixture
def book(driver, team):
    en(driver, "U0MGR", "U0A1", "U0B1", "U0S1")
    clock.freeze(NOW)
    driver.command("U0MGR", "/amteam", "customer add 江南银行 owner <@U0A1|zw> tier premium aliases JNB")
    driver.command("U0A1", "/visit", "华东制造集团；需求：专线扩容；顾虑：价格；跟进：发报价 截止 周五")
    driver.command("U0A1", "/visit", "华东制造集团；需求：视频会议；跟进：安排勘查 截止 周五 <@U0S1|chen>")
    return driver


def test_customer_assign_moves_it_with_its_followups_records_history_and_tells_both(book):
    result = book.command("U0MGR", "/amteam", "customer assign 华东制造集团 <@U0B1|ln>")
    text = result.reply_text
    assert "<@U0B1> now owns 1 customer: 华东制造集团." in text and "1 open follow-up went with it." in text
    with db.session_scope() as s:
        b1 = s.scalar(select(Member).where(Member.slack_id == "U0B1"))
        assert customer(s, "华东制造集团").owner_id == b1.id
        owners = {f.text: f.owner.slack_id for f in s.scalars(select(Followup))}
        assert owners == {"发报价": "U0B1", "安排勘查": "U0S1"}  # a colleague's follow-up stays theirs
        assert s.scalar(select(Visit.rep_id).limit(1)) != b1.id  # visits keep who made them
        assert s.scalar(select(AuditRecord).where(AuditRecord.entity == "customers", AuditRecord.action == "update")).actor == "U0MGR"
    brief = "\n".join(dms(book, "U0B1"))
    assert "You now own 1 customer that was <@U0A1>'s." in brief
    assert "华东制造集团" in brief and "needs: 专线扩容" in brief and "concerns: 价格" in brief and "发报价" in brief
    assert "visit every 14 days" in brief and "last visit" in brief
    assert any("<@U0MGR> reassigned 1 of your customers to <@U0B1>: 华东制造集团" in t for t in dms(book, "U0A1"))
    history = book.command("U0MGR", "/visit", "history 华东制造集团").reply_text
    assert "owner <@U0A1> → <@U0B1>" in history


def test_reassign_a_whole_portfolio_or_named_customers(book):
    some = book.command("U0MGR", "/amteam", "reassign <@U0A1|zw> <@U0B1|ln> 江南银行")
    assert "<@U0B1> now owns 1 customer: 江南银行." in some.reply_text
    rest = book.command("U0MGR", "/amteam", "reassign <@U0A1|zw> <@U0B1|ln>")
    assert "华东制造集团" in rest.reply_text
    with db.session_scope() as s:
        b1 = s.scalar(select(Member).where(Member.slack_id == "U0B1"))
        assert {c.owner_id for c in s.scalars(select(Customer))} == {b1.id}
    nothing = book.command("U0MGR", "/amteam", "reassign <@U0A1|zw> <@U0B1|ln>")
    assert "owns no customers" in nothing.reply_text


def test_reassign_refuses_others_customers_and_non_reps_writing_nothing(book):
    before = row_counts()
    assert "Not <@U0B1>'s customers: 华东制造集团" in book.command("U0MGR", "/amteam", "reassign <@U0B1|ln> <@U0A1|zw> 华东制造集团").reply_text
    assert "not an account manager" in book.command("U0MGR", "/amteam", "customer assign 华东制造集团 <@U0S1|chen>").reply_text
    assert "already owns" in book.command("U0MGR", "/amteam", "customer assign 华东制造集团 <@U0A1|zw>").reply_text
    assert row_counts() == before


def test_duplicate_add_is_refused_naming_the_existing_customer(book):
    before = row_counts()
    for line in ("customer add 华东制造集团 tier key", "customer add hdmg", "customer add 华东制造集团公司", "customer add Jiangnan aliases 江南银行"):
        result = book.command("U0MGR", "/amteam", line)
        assert "is already a customer" in result.reply_text, line
    assert "*华东制造集团*" in book.command("U0MGR", "/amteam", "customer add HDMG").reply_text
    assert row_counts() == before


def test_customer_list_filters_by_owner_and_tier_and_pages(book):
    book.command("U0MGR", "/amteam", "customer add Zeta Works 0000 owner <@U0B1|ln>")
    with db.session_scope() as s:  # a long portfolio, written directly: hundreds of commands would only be slow
        zeta = customer(s, "Zeta Works 0000")
        s.add_all(Customer(team_id=zeta.team_id, name=f"Zeta Works {i:04d} Regional Operations Centre", aliases=[], tier="regular", owner_id=zeta.owner_id)
                  for i in range(1, 700))
    mine = book.command("U0MGR", "/amteam", "customer list <@U0A1|zw>").reply_text
    assert "江南银行" in mine and "华东制造集团" in mine and "Zeta" not in mine
    key = book.command("U0MGR", "/amteam", "customer list key").reply_text
    assert "华东制造集团" in key and "江南银行" not in key
    first = book.command("U0MGR", "/amteam", "customer list <@U0B1|ln>")
    assert "(700)" in first.reply_text and "Zeta Works 0000" in first.reply_text and "Zeta Works 0699" not in first.reply_text
    pages = [first]
    while len(pages) < 10:
        try:
            button = first_button(pages[-1].reply, ids.CUSTOMER_LIST_MORE)
        except AssertionError:
            break
        pages.append(book.press("U0MGR", button))
    text = "\n".join(p.reply_text for p in pages)
    assert len(pages) > 1 and "Zeta Works 0699" in text and "华东制造集团" not in text  # the filter holds on every page


def test_rename_keeps_the_old_name_as_an_alias(book):
    result = book.command("U0MGR", "/amteam", "customer rename 江南银行 to 江南商业银行")
    assert "*江南银行* is now called *江南商业银行*" in result.reply_text
    with db.session_scope() as s:
        assert "江南银行" in customer(s, "江南商业银行").aliases
    logged = book.command("U0A1", "/visit", "江南银行；需求：网银专线")
    assert "江南商业银行" in logged.reply_text


def test_merge_moves_visits_followups_kpi_and_aliases_and_keeps_the_old_customer(book):
    book.command("U0MGR", "/amteam", "customer add 华东制造 owner <@U0A1|zw> aliases 华东制造二厂")
    book.command("U0A1", "/visit", "华东制造；需求：备份线路；跟进：报价 截止 周五")
    book.command("U0A1", "/kpi", "new_customers 1 华东制造")
    result = book.command("U0MGR", "/amteam", "customer merge 华东制造 into 华东制造集团")
    assert "*华东制造* is merged into *华东制造集团*: 1 visits, 1 follow-ups" in result.reply_text
    with db.session_scope() as s:
        old, new = customer(s, "华东制造"), customer(s, "华东制造集团")
        assert (old.active, old.merged_into_id) == (False, new.id)
        assert {"华东制造", "华东制造二厂"} <= set(new.aliases)
        assert {v.customer_id for v in s.scalars(select(Visit))} == {new.id}
        assert {f.customer_id for f in s.scalars(select(Followup))} == {new.id}
        assert all(e.customer_id == new.id for e in s.scalars(select(KpiEntry)) if e.customer_id)
    assert "merged into another customer" in book.command("U0MGR", "/amteam", "customer restore 华东制造").reply_text


def test_retire_hides_a_customer_from_the_quick_log_and_restore_brings_it_back(book):
    retired = book.command("U0MGR", "/amteam", "customer retire 江南银行")
    assert "off the team's list" in retired.reply_text
    assert "江南银行" not in book.command("U0MGR", "/amteam", "customer list").reply_text
    refused = book.command("U0A1", "/visit", "江南银行；需求：网银")
    assert "I don't know a customer called “江南银行”" in refused.reply_text
    assert "already a customer" in book.command("U0MGR", "/amteam", "customer add 江南银行").reply_text
    book.command("U0MGR", "/amteam", "customer restore 江南银行")
    assert "江南银行" in book.command("U0A1", "/visit", "江南银行；需求：网银").reply_text


def test_chinese_manager_reads_a_reassignment_in_chinese(driver, team):
    for user in ("U0MGR", "U0B1", "U0A1"):
        driver.fake.users[user] = {"locale": "zh-CN", "tz": "Asia/Shanghai", "real_name": user}
    clock.freeze(NOW)
    book = driver
    result = book.command("U0MGR", "/amteam", "客户 assign 华东制造集团 <@U0B1|ln>")
    assert "现由 <@U0B1> 负责" in result.reply_text
    assert any("现由你负责" in t for t in dms(book, "U0B1"))
