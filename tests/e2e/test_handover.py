"""`/handover` over signed HTTP (SPEC §4.2): request → accept → active → end → hand-back,
decline, `via` with approval, every refusal, escalation, and transitions on a frozen clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from core import clock
from services import coverage
from slackio import ids
from storage.models import Customer, Followup, Handover, Member, OutboxMessage, Question
from tests.helpers import db, en, first_button, runner

# 1 Dec 2026, 09:00 in Shanghai (the example team's time zone).
NOW = datetime(2026, 12, 1, 1, 0, tzinfo=UTC)
# Whole days 10–12 Dec in Shanghai: from 9 Dec 16:00 UTC to 12 Dec 16:00 UTC.
START = datetime(2026, 12, 9, 16, 0, tzinfo=UTC)
END = datetime(2026, 12, 12, 16, 0, tzinfo=UTC)


@pytest.fixture
def setup(driver, team):
    en(driver, "U0MGR", "U0A1", "U0B1", "U0C1", "U0S1")
    clock.freeze(NOW)
    return driver


def dms(driver, user: str) -> list[dict]:
    return [c.body for c in driver.fake.calls_to("chat.postMessage") if c.body.get("channel") == user]


def text_of(message: dict) -> str:
    from slackio.driver import visible_text

    return visible_text(message)


def handover_row() -> Handover:
    with db.session_scope() as s:
        return s.scalars(select(Handover).order_by(Handover.id.desc())).first()


def member_id(slack_id: str) -> int:
    with db.session_scope() as s:
        return s.scalar(select(Member.id).where(Member.slack_id == slack_id))


def acting_owner_of_a(at: datetime) -> str:
    with db.session_scope() as s:
        a = s.scalar(select(Member).where(Member.slack_id == "U0A1"))
        acting = coverage.acting_owner_id(s, a.id, at)
        return s.get(Member, acting).slack_id


def add_rep(driver, slack_id: str) -> None:
    result = driver.command("U0MGR", "/amteam", f"add <@{slack_id}|{slack_id.lower()}> rep")
    assert f"<@{slack_id}>" in result.reply_text


def request(driver, text: str = "2026-12-10 2026-12-12 annual leave", user: str = "U0A1", **kwargs):
    return driver.command(user, "/handover", text, **kwargs)


# --- the whole flow --------------------------------------------------------------------


def test_request_accept_start_end_and_hand_back(setup):
    driver = setup
    reply = request(driver)
    assert "I have asked <@U0B1>" in reply.reply_text
    assert handover_row().status == "requested"

    # B gets the brief with Accept / Decline; the manager is told.
    [ask] = dms(driver, "U0B1")
    brief = text_of(ask)
    assert "<@U0A1> asks you to cover" in brief and "华东制造集团" in brief and "annual leave" in brief
    assert "Key and premium customers" in brief
    [told] = dms(driver, "U0MGR")
    assert "<@U0A1> asked <@U0B1>" in text_of(told)

    accept = first_button(ask, ids.HANDOVER_ACCEPT)
    pressed = driver.press("U0B1", accept)
    assert "You cover <@U0A1>" in text_of(pressed.reply)
    assert pressed.reply.get("replace_original") is True
    assert handover_row().status == "accepted"
    assert [m["text"] for m in dms(driver, "U0A1")] == [  # the notification names people
        ":white_check_mark: @李娜 accepted: they cover your customers Thu, Dec 10 – Sat, Dec 12."
    ]
    driver.press("U0B1", accept)  # pressed twice: accepted once, A told once
    assert len(dms(driver, "U0A1")) == 1

    # Not yet: a second before the team's midnight.
    runner.run_now("handover_transitions", at=START - timedelta(seconds=1))
    assert handover_row().status == "accepted" and acting_owner_of_a(START - timedelta(seconds=1)) == "U0A1"
    runner.run_now("handover_transitions", at=START)
    assert handover_row().status == "active"
    assert acting_owner_of_a(START) == "U0B1"
    started = dms(driver, "U0B1")[-1]
    assert "Your cover for <@U0A1> starts now" in text_of(started)

    runner.run_now("handover_transitions", at=END)
    row = handover_row()
    assert row.status == "ended" and row.ended_at == END
    assert acting_owner_of_a(END) == "U0A1"
    handback = dms(driver, "U0A1")[-1]
    assert "Welcome back" in text_of(handback) and "<@U0B1> covered you" in text_of(handback)
    assert "is back: your cover for them has ended" in text_of(dms(driver, "U0B1")[-1])

    before = len(driver.fake.calls_to("chat.postMessage"))
    runner.run_now("handover_transitions", at=END + timedelta(minutes=5))
    assert len(driver.fake.calls_to("chat.postMessage")) == before  # nothing twice
    with db.session_scope() as s:
        keys = sorted(s.scalars(select(OutboxMessage.period).where(OutboxMessage.job == "handover_transitions")))
    assert keys == [f"h{row.id}-back", f"h{row.id}-end", f"h{row.id}-start"]


def test_transitions_across_the_teams_midnight(setup):
    """A one-day handover in Shanghai runs from 16:00 to 16:00 UTC, to the second."""
    driver = setup
    request(driver, "2026-12-10 sick")
    driver.press("U0B1", first_button(dms(driver, "U0B1")[0], ids.HANDOVER_ACCEPT))
    midnight = START  # 10 Dec 00:00 in Shanghai
    for at, status, owner in [
        (midnight - timedelta(seconds=1), "accepted", "U0A1"),
        (midnight, "active", "U0B1"),
        (midnight + timedelta(hours=23, minutes=59), "active", "U0B1"),
        (midnight + timedelta(days=1), "ended", "U0A1"),
    ]:
        runner.run_now("handover_transitions", at=at)
        assert (handover_row().status, acting_owner_of_a(at)) == (status, owner), at


def test_a_request_accepted_after_its_start_is_active_at_once(setup):
    driver = setup
    request(driver, "today tomorrow")
    clock.freeze(NOW + timedelta(minutes=30))
    driver.press("U0B1", first_button(dms(driver, "U0B1")[0], ids.HANDOVER_ACCEPT))
    assert handover_row().status == "active"
    assert acting_owner_of_a(NOW + timedelta(minutes=30)) == "U0B1"


# --- decline, escalation, via ----------------------------------------------------------


def test_decline_tells_a_and_the_manager_who_can_assign_a_cover(setup):
    driver = setup
    add_rep(driver, "U0C1")
    request(driver)
    driver.fake.reset()  # only what the decline causes from here
    ask_id = handover_row().id
    driver.press("U0B1", {"action_id": ids.HANDOVER_DECLINE, "value": str(ask_id)})
    assert handover_row().status == "declined"
    assert "<@U0B1> declined to cover you" in text_of(dms(driver, "U0A1")[0])
    [to_manager] = dms(driver, "U0MGR")
    assert "declined to cover <@U0A1>" in text_of(to_manager)
    picker = to_manager["blocks"][-1]
    assert picker["elements"][0]["type"] == "users_select"

    driver.action("U0MGR", {"action_id": ids.HANDOVER_ASSIGN, "type": "users_select", "selected_user": "U0C1", "block_id": picker["block_id"]})
    row = handover_row()
    assert row.status == "accepted" and row.cover_id == member_id("U0C1") and row.via is True
    assert "Your manager has asked you to cover <@U0A1>" in text_of(dms(driver, "U0C1")[0])
    assert "Your manager assigned <@U0C1>" in text_of(dms(driver, "U0A1")[-1])


def test_nobody_accepts_by_the_start_so_the_manager_is_asked(setup):
    driver = setup
    add_rep(driver, "U0C1")
    request(driver)
    runner.run_now("handover_transitions", at=START - timedelta(minutes=1))
    assert handover_row().status == "requested"
    runner.run_now("handover_transitions", at=START)
    assert handover_row().status == "escalated"
    escalation = dms(driver, "U0MGR")[-1]
    assert "Nobody has accepted to cover <@U0A1>" in text_of(escalation)
    assert "asked to assign someone" in text_of(dms(driver, "U0A1")[-1])
    runner.run_now("handover_transitions", at=START + timedelta(minutes=1))
    assert len([m for m in dms(driver, "U0MGR") if "Nobody has accepted" in text_of(m)]) == 1

    clock.freeze(START + timedelta(hours=2))
    picker = escalation["blocks"][-1]
    driver.action("U0MGR", {"action_id": ids.HANDOVER_ASSIGN, "type": "users_select", "selected_user": "U0C1", "block_id": picker["block_id"]})
    assert handover_row().status == "active"
    assert acting_owner_of_a(START + timedelta(hours=2)) == "U0C1"
    assert "Your manager has found another cover" in text_of(dms(driver, "U0B1")[-1])


def test_the_cover_can_still_accept_after_escalation_and_the_manager_hears(setup):
    driver = setup
    request(driver)
    runner.run_now("handover_transitions", at=START)
    assert handover_row().status == "escalated"
    clock.freeze(START + timedelta(hours=1))
    driver.press("U0B1", first_button(dms(driver, "U0B1")[0], ids.HANDOVER_ACCEPT))
    assert handover_row().status == "active"
    assert "accepted to cover <@U0A1>" in text_of(dms(driver, "U0MGR")[-1])


def test_via_someone_else_needs_the_managers_approval(setup):
    driver = setup
    add_rep(driver, "U0C1")
    driver.fake.reset()
    reply = request(driver, "2026-12-10 2026-12-12 training via <@U0C1|c1>")
    assert "your manager must approve first" in reply.reply_text
    assert handover_row().status == "approval" and dms(driver, "U0C1") == []
    [approval] = dms(driver, "U0MGR")
    approve = first_button(approval, ids.HANDOVER_APPROVE)

    refused = driver.press("U0A1", approve)  # not a manager
    assert "Only the team's managers" in refused.reply_text
    assert handover_row().status == "approval"

    driver.press("U0MGR", approve)
    assert handover_row().status == "requested"
    [ask] = dms(driver, "U0C1")
    assert "<@U0A1> asks you to cover" in text_of(ask)
    assert "Your manager approved" in text_of(dms(driver, "U0A1")[-1])
    driver.press("U0C1", first_button(ask, ids.HANDOVER_ACCEPT))
    assert handover_row().status == "accepted" and handover_row().cover_id == member_id("U0C1")


def test_manager_can_refuse_a_via_cover(setup):
    driver = setup
    add_rep(driver, "U0C1")
    request(driver, "2026-12-10 2026-12-12 via <@U0C1|c1>")
    driver.press("U0MGR", first_button(dms(driver, "U0MGR")[-1], ids.HANDOVER_REFUSE))
    assert handover_row().status == "declined"
    assert "did not approve <@U0C1>" in text_of(dms(driver, "U0A1")[-1])
    assert dms(driver, "U0C1") == []


def test_only_the_cover_can_answer(setup):
    driver = setup
    request(driver)
    result = driver.press("U0S1", first_button(dms(driver, "U0B1")[0], ids.HANDOVER_ACCEPT))
    assert "not asked of you" in result.reply_text
    assert handover_row().status == "requested"


# --- retries, status, cancel, back -----------------------------------------------------


def test_a_retried_command_makes_one_request(setup):
    driver = setup
    request(driver, trigger_id="trig.same")
    again = request(driver, trigger_id="trig.same", retry_num=1)
    assert "I already have this request" in again.reply_text
    with db.session_scope() as s:
        assert len(s.scalars(select(Handover)).all()) == 1
    assert len(dms(driver, "U0B1")) == 1


def test_status_shows_mine_waiting_and_covering(setup):
    driver = setup
    request(driver)
    mine = driver.command("U0A1", "/handover", "status").reply_text
    assert "Your handovers" in mine and "cover <@U0B1>" in mine and "waiting for an answer" in mine
    b_view = driver.command("U0B1", "/handover", "status").reply_text
    assert "Waiting for your answer" in b_view and "<@U0A1>" in b_view
    driver.press("U0B1", first_button(dms(driver, "U0B1")[0], ids.HANDOVER_ACCEPT))
    assert "You are covering" in driver.command("U0B1", "/handover", "status").reply_text
    manager = driver.command("U0MGR", "/handover", "status").reply_text
    assert "Your team, next 30 days" in manager and "<@U0A1>" in manager


def test_cancel_tells_the_cover_and_frees_the_dates(setup):
    driver = setup
    request(driver)
    driver.press("U0B1", first_button(dms(driver, "U0B1")[0], ids.HANDOVER_ACCEPT))
    reply = driver.command("U0A1", "/handover", "cancel")
    assert "is cancelled" in reply.reply_text and "<@U0B1> has been told" in reply.reply_text
    assert handover_row().status == "cancelled"
    assert "no longer needs cover" in text_of(dms(driver, "U0B1")[-1])
    assert "I have asked" in request(driver).reply_text  # the same dates are free again
    assert "no upcoming handover" in driver.command("U0B1", "/handover", "cancel").reply_text


def test_a_retried_cancel_cancels_one_handover(setup):
    driver = setup
    request(driver, "2026-12-10 2026-12-12")
    request(driver, "2026-12-20 2026-12-21")
    driver.command("U0A1", "/handover", "cancel", trigger_id="trig.cancel")
    again = driver.command("U0A1", "/handover", "cancel", trigger_id="trig.cancel", retry_num=1)
    assert "Slack delivered this command twice" in again.reply_text
    with db.session_scope() as s:
        assert sorted(s.scalars(select(Handover.status))) == ["cancelled", "requested"]


def test_cancel_by_number(setup):
    driver = setup
    request(driver, "2026-12-10 2026-12-12")
    request(driver, "2026-12-20 2026-12-21")
    later = handover_row().id
    assert f"Handover #{later}" in driver.command("U0A1", "/handover", f"cancel #{later}").reply_text
    with db.session_scope() as s:
        assert s.get(Handover, later).status == "cancelled"
        assert s.get(Handover, later - 1).status == "requested"
    assert "not a handover number" in driver.command("U0A1", "/handover", "cancel soon").reply_text
    assert "no handover #999" in driver.command("U0A1", "/handover", "cancel 999").reply_text


def test_the_hand_back_says_what_the_cover_did(setup):
    """A hears, in their own language, the visits B logged with needs and concerns, the
    follow-ups added (done or open) and the questions asked about their customers, each
    with where to read the detail."""
    driver = setup
    driver.fake.users["U0A1"] = {"locale": "zh-CN", "tz": "Asia/Shanghai", "real_name": "张伟"}
    request(driver)
    driver.press("U0B1", first_button(dms(driver, "U0B1")[0], ids.HANDOVER_ACCEPT))
    runner.run_now("handover_transitions", at=START)
    clock.freeze(START + timedelta(hours=10))
    driver.command("U0B1", "/visit", "华东制造集团；需求：专线扩容；顾虑：价格；跟进：发报价 截止 12月15日；跟进：核对资源 截止 12月14日")
    driver.command("U0B1", "/ask", "华东制造集团的 MPLS 专线 电路 资源核查要几天？")
    with db.session_scope() as s:  # the customer as the question form would have set it
        s.execute(update(Question).values(customer_id=s.scalar(select(Customer.id).where(Customer.name == "华东制造集团"))))
        s.execute(update(Followup).where(Followup.text == "核对资源").values(status="done", done_at=START + timedelta(hours=11)))
    runner.run_now("handover_transitions", at=END)
    text = text_of(dms(driver, "U0A1")[-1])
    assert "欢迎回来" in text
    assert "需求：专线扩容" in text and "顾虑：价格" in text and "`/visit history 华东制造集团`" in text
    assert "为你新增的跟进：2 项" in text and "发报价" in text and "由 <@U0B1> 添加" in text and "仍未完成" in text
    assert "关于你客户的提问：1 个" in text and "MPLS" in text


def test_back_early_ends_cover_at_once_and_sends_the_hand_back(setup):
    driver = setup
    request(driver)
    driver.press("U0B1", first_button(dms(driver, "U0B1")[0], ids.HANDOVER_ACCEPT))
    runner.run_now("handover_transitions", at=START)
    early = START + timedelta(days=1)
    clock.freeze(early)
    assert "use `/handover back`" in driver.command("U0A1", "/handover", "cancel").reply_text
    reply = driver.command("U0A1", "/handover", "back")
    assert "Welcome back" in reply.reply_text
    row = handover_row()
    assert row.status == "ended" and row.ended_at == early
    assert acting_owner_of_a(early) == "U0A1"  # access ends with the handover
    assert "Welcome back! Here is what happened" in text_of(dms(driver, "U0A1")[-1])
    runner.run_now("handover_transitions", at=END)  # the job does not end it twice
    assert len([m for m in dms(driver, "U0A1") if "Here is what happened" in text_of(m)]) == 1
    assert "not away" in driver.command("U0A1", "/handover", "back").reply_text


def test_changing_the_pair_does_not_break_a_handover_in_progress(setup):
    driver = setup
    add_rep(driver, "U0C1")
    request(driver)
    driver.press("U0B1", first_button(dms(driver, "U0B1")[0], ids.HANDOVER_ACCEPT))
    runner.run_now("handover_transitions", at=START)
    assert "back each other up" in driver.command("U0MGR", "/amteam", "pair <@U0A1|a> <@U0C1|c> force").reply_text
    at = START + timedelta(hours=5)
    runner.run_now("handover_transitions", at=at)
    assert handover_row().status == "active" and acting_owner_of_a(at) == "U0B1"


# --- what the brief says, and its size -------------------------------------------------


def test_reason_is_escaped_everywhere(setup):
    driver = setup
    request(driver, "2026-12-10 2026-12-12 <!channel> & <@U0MGR> party")
    for message in (*dms(driver, "U0B1"), *dms(driver, "U0MGR")):
        shown = text_of(message)
        assert "<!channel>" not in shown and "&lt;!channel&gt; &amp; &lt;@U0MGR&gt;" in shown


def test_brief_for_a_rep_with_80_customers_fits_slack(setup):
    driver = setup
    from storage.models import Followup, Visit

    with db.session_scope() as s:
        a = s.scalar(select(Member).where(Member.slack_id == "U0A1"))
        for n in range(80):
            customer = Customer(team_id=a.team_id, name=f"Customer {n:02d} " + "长名称" * 40, owner_id=a.id, tier=("key", "premium", "regular")[n % 3], aliases=[])
            s.add(customer)
            s.flush()
            visit = Visit(team_id=a.team_id, customer_id=customer.id, rep_id=a.id, logged_by_id=a.id, visit_date=datetime(2026, 9, 1).date(), concerns="价格与交付周期 " * 30, next_visit=datetime(2026, 12, 11).date(), logged_at=NOW - timedelta(days=90))
            s.add(visit)
            s.flush()
            s.add(Followup(team_id=a.team_id, visit_id=visit.id, customer_id=customer.id, text="send the quote " * 20, owner_id=a.id, due=datetime(2026, 12, 10).date(), created_at=NOW))
    request(driver)
    [ask] = dms(driver, "U0B1")  # the fake Slack validated every block and limit
    assert len(ask["blocks"]) <= 50
    assert all(len(b.get("text", {}).get("text", "")) <= 3000 for b in ask["blocks"])
    shown = text_of(ask)
    assert "has 81 customers" in shown and "…and" in shown and "`/visit list`" in shown
    assert first_button(ask, ids.HANDOVER_ACCEPT)


def test_chinese_reader_gets_chinese(driver, team):
    driver.fake.users["U0A1"] = {"locale": "zh-CN", "tz": "Asia/Shanghai"}
    clock.freeze(NOW)
    reply = request(driver, "下周一 至 下周三 年假")
    assert "已请 <@U0B1>" in reply.reply_text
    row = handover_row()
    assert row.starts_at == datetime(2026, 12, 6, 16, 0, tzinfo=UTC)  # 7 Dec, Shanghai
    assert row.ends_at == datetime(2026, 12, 9, 16, 0, tzinfo=UTC)
    help_text = driver.command("U0A1", "/handover", "help").reply_text
    assert "A/B 角" in help_text


# --- someone in a handover leaves the team ---------------------------------------------


def test_a_cover_who_leaves_the_team_hands_the_cover_back_to_the_managers(setup):
    """B accepted to cover A, then leaves (their work to C): the handover is no longer
    covered, A is told, and the manager gets the picker to assign another cover."""
    driver = setup
    request(driver)
    driver.press("U0B1", first_button(dms(driver, "U0B1")[0], ids.HANDOVER_ACCEPT))
    assert handover_row().status == "accepted"
    add_rep(driver, "U0C1")
    driver.command("U0MGR", "/amteam", "remove <@U0B1|ln> to <@U0C1|zl>")
    row = handover_row()
    assert row.status == "declined" and row.cover_id == member_id("U0B1")
    assert "has left the team and can no longer cover you" in text_of(dms(driver, "U0A1")[-1])
    picker = dms(driver, "U0MGR")[-1]
    assert "no longer covers <@U0A1>" in text_of(picker)
    assert any(b["type"] == "actions" and b["block_id"] == f"{ids.HANDOVER_ASSIGN}:{row.id}" for b in picker["blocks"])
    # The manager assigns C from that message; C now covers A.
    driver.action("U0MGR", {"action_id": ids.HANDOVER_ASSIGN, "block_id": f"{ids.HANDOVER_ASSIGN}:{row.id}", "selected_user": "U0C1", "type": "users_select"})
    assert handover_row().status == "accepted" and handover_row().cover_id == member_id("U0C1")
    assert acting_owner_of_a(START + timedelta(hours=1)) == "U0C1"


def test_someone_who_leaves_while_a_leave_is_planned_cancels_it_and_the_cover_is_told(setup):
    driver = setup
    request(driver)
    driver.press("U0B1", first_button(dms(driver, "U0B1")[0], ids.HANDOVER_ACCEPT))
    add_rep(driver, "U0C1")
    driver.command("U0MGR", "/amteam", "remove <@U0A1|zw> to <@U0C1|zl>")
    assert handover_row().status == "cancelled"
    assert "no longer needs cover" in text_of(dms(driver, "U0B1")[-1])
    runner.run_now("handover_transitions", at=START)
    assert handover_row().status == "cancelled"
