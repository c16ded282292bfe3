"""People come and go over signed HTTP: `/amteam remove … to`, refusals while someone owns
work, the last manager, `role`, `add` on a member, and `pair` that breaks another pair."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from core import clock
from slackio.driver import visible_text
from storage.models import AuditRecord, Customer, Followup, Member, Question, QuestionEvent, Visit
from tests.helpers import db, en, row_counts

NOW = datetime(2026, 12, 2, 2, 0, tzinfo=UTC)  # Wednesday 10:00 in Shanghai


def dms(driver, user: str) -> list[str]:
    return [visible_text(c.body) for c in driver.fake.calls_to("chat.postMessage") if c.body.get("channel") == user]


def member(s, slack_id: str) -> Member:
    return s.scalar(select(Member).where(Member.slack_id == slack_id))


@pytest.fixture
def people(driver, team):
    en(driver, "U0MGR", "U0A1", "U0B1", "U0S1", "U0S2", "U0C1")
    clock.freeze(NOW)
    # A1 owns 华东制造集团 and promises a quote; asks a question that waits on support S1.
    driver.command("U0A1", "/visit", "华东制造集团；需求：专线扩容；跟进：发报价 截止 周五")
    driver.command("U0A1", "/ask", "苏州到上海的 MPLS 专线 电路 资源核查要几天？")
    return driver


def test_remove_is_refused_while_the_rep_owns_work_and_lists_it(people):
    before = row_counts()
    result = people.command("U0MGR", "/amteam", "remove <@U0A1|zw>")
    text = result.reply_text
    assert "still owns work" in text and "华东制造集团" in text and "1 open follow-up" in text
    assert "/amteam remove <@U0A1> to @successor" in text
    assert row_counts() == before
    with db.session_scope() as s:
        assert member(s, "U0A1").active


def test_remove_to_moves_customers_followups_and_tells_the_successor(people):
    result = people.command("U0MGR", "/amteam", "remove <@U0A1|zw> to <@U0B1|ln>")
    assert "<@U0A1> has left the team; their work went to <@U0B1>" in result.reply_text
    assert "1 customer: 华东制造集团" in result.reply_text and "1 open follow-up" in result.reply_text
    with db.session_scope() as s:
        a1, b1 = member(s, "U0A1"), member(s, "U0B1")
        assert not a1.active and b1.backup_id is None
        customer = s.scalar(select(Customer).where(Customer.name == "华东制造集团"))
        assert customer.owner_id == b1.id
        followup = s.scalar(select(Followup))
        assert followup.owner_id == b1.id and followup.created_by_id == a1.id
        visit = s.scalar(select(Visit))
        assert (visit.rep_id, visit.logged_by_id) == (a1.id, a1.id)  # visits keep who made them
        # Audited updates, never a delete: the owner before and after.
        changes = s.scalars(select(AuditRecord).where(AuditRecord.entity == "customers", AuditRecord.action == "update")).all()
        assert any(c.before.get("owner_id") == a1.id and c.after.get("owner_id") == b1.id and c.actor == "U0MGR" for c in changes)
    brief = "\n".join(dms(people, "U0B1"))
    assert "has left the team; you now own their 1 customer" in brief
    assert "华东制造集团" in brief and "发报价" in brief and "needs: 专线扩容" in brief
    # The customer's history shows the change of owner.
    history = people.command("U0MGR", "/visit", "history 华东制造集团").reply_text
    assert "owner <@U0A1> → <@U0B1>" in history


def test_questions_waiting_on_a_support_member_move_with_them(people):
    people.command("U0MGR", "/amteam", "add <@U0S2|s2> support 1")
    refused = people.command("U0MGR", "/amteam", "remove <@U0S1|chen>")
    assert "1 question waiting on them" in refused.reply_text
    result = people.command("U0MGR", "/amteam", "remove <@U0S1|chen> to <@U0S2|s2>")
    assert "1 question waiting on them" in result.reply_text
    with db.session_scope() as s:
        s2 = member(s, "U0S2")
        question = s.scalar(select(Question))
        assert question.assignee_id == s2.id
        event = s.scalar(select(QuestionEvent).where(QuestionEvent.kind == "reassigned"))
        assert event.assignee_id == s2.id and event.detail["from"] == "U0S1"
    assert any("1 question waiting on them now waits on you" in t for t in dms(people, "U0S2"))


def test_successor_must_be_a_rep_for_customers(people):
    before = row_counts()
    result = people.command("U0MGR", "/amteam", "remove <@U0A1|zw> to <@U0S1|chen>")
    assert "not an account manager" in result.reply_text
    assert row_counts() == before


def test_the_last_manager_cannot_be_removed_by_anyone(people):
    before = row_counts()
    own = people.command("U0MGR", "/amteam", "remove <@U0MGR|boss>")
    assert "only manager" in own.reply_text
    assert row_counts() == before
    people.command("U0MGR", "/amteam", "add <@U0C1|c1> manager")
    people.command("U0MGR", "/amteam", "remove <@U0MGR|boss>")
    with db.session_scope() as s:
        assert not member(s, "U0MGR").active
    last = people.command("U0C1", "/amteam", "remove <@U0C1|c1>")
    assert "only manager" in last.reply_text


def test_add_on_an_existing_member_points_to_role_and_changes_nothing(people):
    before = row_counts()
    result = people.command("U0MGR", "/amteam", "add <@U0A1|zw> support 1")
    assert "already on the team as account manager" in result.reply_text and "/amteam role" in result.reply_text
    assert row_counts() == before
    with db.session_scope() as s:
        assert member(s, "U0A1").roles == ["rep"]


def test_role_changes_roles_but_a_rep_with_customers_keeps_rep(people):
    refused = people.command("U0MGR", "/amteam", "role <@U0A1|zw> support")
    assert "owns 1 customer (华东制造集团)" in refused.reply_text and "/amteam reassign" in refused.reply_text
    ok = people.command("U0MGR", "/amteam", "role <@U0A1|zw> rep,support 2")
    assert "<@U0A1> is now account manager, support" in ok.reply_text
    people.command("U0MGR", "/amteam", "role <@U0S1|chen> rep junior")
    with db.session_scope() as s:
        a1, s1 = member(s, "U0A1"), member(s, "U0S1")
        assert (a1.roles, a1.rep_level, a1.support_level) == (["rep", "support"], "competitive", 2)
        assert (s1.roles, s1.rep_level, s1.support_level) == (["rep"], "junior", None)
    last = people.command("U0MGR", "/amteam", "role <@U0MGR|boss> rep")
    assert "only manager" in last.reply_text


def test_pair_that_breaks_a_pair_needs_force_and_tells_the_partner_left_alone(people):
    people.command("U0MGR", "/amteam", "add <@U0C1|c1> rep")
    before = row_counts()
    refused = people.command("U0MGR", "/amteam", "pair <@U0A1|zw> <@U0C1|c1>")
    assert "<@U0A1> is paired with <@U0B1>" in refused.reply_text and "force" in refused.reply_text
    assert row_counts() == before
    result = people.command("U0MGR", "/amteam", "pair <@U0A1|zw> <@U0C1|c1> force")
    assert "back each other up" in result.reply_text and "<@U0B1> has no partner now" in result.reply_text
    with db.session_scope() as s:
        a1, b1, c1 = member(s, "U0A1"), member(s, "U0B1"), member(s, "U0C1")
        assert (a1.backup_id, c1.backup_id, b1.backup_id) == (c1.id, a1.id, None)
    assert any("no A/B partner for now" in t for t in dms(people, "U0B1"))


def test_chinese_manager_reads_the_refusal_in_chinese(people):
    people.fake.users["U0MGR"] = {"locale": "zh-CN", "tz": "Asia/Shanghai", "real_name": "王经理"}
    result = people.command("U0MGR", "/amteam", "remove <@U0A1|zw>")
    assert "名下还有工作" in result.reply_text and "华东制造集团" in result.reply_text and "/amteam remove <@U0A1> to @接手人" in result.reply_text
