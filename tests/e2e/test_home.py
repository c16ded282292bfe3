"""The App Home over signed HTTP: published on `app_home_opened`, by role (rep, support,
manager, someone on no team), Done from the Home, refreshed after the actions that change
it, within Slack's 100 blocks for a large team, and in Chinese."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import select

from core import clock
from slackio import ids
from slackio.driver import visible_text
from storage.models import Customer, Followup, KpiTarget, Member, Question, Team, Topic
from tests.e2e import visits_fixtures
from tests.e2e.visits_fixtures import NOW, speak
from tests.helpers import db

visit_team = visits_fixtures.visit_team  # the fixture: the SPEC team on a frozen Wednesday
EVERYONE = ("U0MGR", "U0A1", "U0B1", "U0S1", "U0S2", "U0S3")


def open_home(driver, user: str, tab: str = "home") -> dict:
    result = driver.event({"type": "app_home_opened", "user": user, "tab": tab, "channel": "D" + user, "event_ts": "1.0"})
    assert result.status == 200, result.text
    return last_home(driver, user)


def homes(driver, user: str) -> list[dict]:
    return [c.body["view"] for c in driver.fake.calls_to("views.publish") if c.body.get("user_id") == user]


def last_home(driver, user: str) -> dict:
    published = homes(driver, user)
    assert published, f"no Home published for {user}"
    return published[-1]


def text_of(view: dict) -> str:
    return visible_text({"blocks": view["blocks"]})


def done_buttons(view: dict) -> list[dict]:
    return [
        b["accessory"] for b in view["blocks"]
        if (b.get("accessory") or {}).get("action_id") == ids.HOME_FOLLOWUP_DONE
    ]  # fmt: skip


def followup(text: str) -> Followup:
    with db.session_scope() as session:
        return session.scalar(select(Followup).where(Followup.text == text))


def log_visit(driver, user: str, line: str) -> None:
    """Logged on the day of the visit, as a rep would: a promise due before today is refused."""
    day = re.search(r"date: (\d{4}-\d{2}-\d{2})", line)
    if day:
        clock.freeze(datetime.fromisoformat(day[1] + "T18:00+08:00"))
    try:
        result = driver.command(user, "/visit", line)
    finally:
        clock.freeze(NOW)
    assert "Visit logged" in result.reply_text, result.reply_text


def ask(driver, user: str, question: str) -> None:
    result = driver.command(user, "/ask", question)
    assert "is with <@U0S1>" in result.reply_text, result.reply_text


def busy_day(driver) -> None:
    """张伟 has one overdue follow-up and one due next week, and has asked a question."""
    speak(driver, *EVERYONE)
    log_visit(driver, "U0A1", "Acme Corp; date: 2026-11-16; follow-up: send quote by 2026-11-17; follow-up: call IT by 2026-11-25")
    ask(driver, "U0A1", "#circuit how long is the resource check for an MPLS line to Suzhou?")


# --- by role -----------------------------------------------------------------------------


def test_a_rep_sees_follow_ups_pace_handover_and_questions(driver, visit_team):
    busy_day(driver)
    view = open_home(driver, "U0A1")
    text = text_of(view)
    assert view["type"] == "home" and view["blocks"][0] == {"type": "header", "text": {"type": "plain_text", "text": "Hello, 张伟", "emoji": True}}
    assert "Your open follow-ups (2), oldest due first" in text
    assert ":warning: *send quote* — Acme Corp · due Tue, Nov 17 · _1 day overdue_" in text
    assert "*call IT* — Acme Corp · due Wed, Nov 25" in text and ":warning: *call IT*" not in text
    assert text.index("send quote") < text.index("call IT")
    assert [b["value"] for b in done_buttons(view)] == [str(followup("send quote").id), str(followup("call IT").id)]
    assert "*Your KPI pace*" in text and "*New customers*: 0 / 20" in text and "behind" in text
    assert "*Your handovers*" in text and "Your B: <@U0B1>." in text
    assert "Your question waiting for an answer or your OK (1)" in text
    assert "#circuit · how long is the resource check" in text and "waiting to be claimed (<@U0S1>)" in text
    assert "Your team today" not in text and "Questions waiting on you" not in text


def test_a_support_person_sees_their_queue_with_a_hint(driver, visit_team):
    busy_day(driver)
    text = text_of(open_home(driver, "U0S1"))
    assert "Question waiting on you (1)" in text and "#circuit · how long is the resource check" in text
    assert "· due " in text  # the SLA deadline, in the reader's time zone
    assert "Claim, Answer, Reassign or Escalate with the buttons on each question's DM." in text
    assert ":tada: Nothing open: every promise to a customer is kept." in text  # no follow-ups: said kindly
    assert "Nothing pending. Ask the back office with `/ask <question>`" in text
    assert "*Your KPI pace*" not in text and "Your team today" not in text


def test_a_support_person_with_an_empty_queue_is_told_so(driver, visit_team):
    speak(driver, "U0S2")
    text = text_of(open_home(driver, "U0S2"))
    assert "*Questions waiting on you*" in text and "Your queue is empty." in text


def test_a_manager_sees_the_team_snapshot(driver, visit_team):
    busy_day(driver)
    text = text_of(open_home(driver, "U0MGR"))
    assert "*Your team today* · Nov 18" in text
    assert ":warning: Account managers behind pace: 1 of 2" in text
    assert "1. <@U0A1>" in text and "most behind: New customers 0 vs" in text
    assert ":warning: Overdue follow-ups: 1" in text
    assert ":warning: Key customers past their visit cadence: 2" in text  # 华东制造集团 and 华东物流, never visited
    assert "Open questions: 1, of which escalated: 0" in text
    assert ":white_check_mark: A/B coverage gaps: 0" in text
    assert "`/kpi team`" in text and "`/digest manager`" in text
    assert "*Your KPI pace*" not in text  # a manager without targets of their own


def test_someone_on_no_team_gets_a_welcome_that_says_how_to_join(driver, visit_team):
    speak(driver, "U0STRANGER")
    view = open_home(driver, "U0STRANGER")
    text = text_of(view)
    assert "*Welcome to ambot*" in text and "`/amteam add @you rep`" in text
    assert not done_buttons(view) and "Your team today" not in text


def test_before_any_team_exists_the_welcome_says_how_to_start(driver, database):
    speak(driver, "U0FIRST")
    text = text_of(open_home(driver, "U0FIRST"))
    assert "Nobody has set ambot up in this workspace yet" in text and "`/amteam setup`" in text


def test_opening_the_messages_tab_publishes_nothing(driver, visit_team):
    speak(driver, "U0A1")
    result = driver.event({"type": "app_home_opened", "user": "U0A1", "tab": "messages", "channel": "DU0A1", "event_ts": "1.0"})
    assert result.status == 200 and homes(driver, "U0A1") == []


def test_the_home_speaks_chinese_to_a_chinese_reader(driver, visit_team):
    busy_day(driver)
    speak(driver, "U0A1", "U0MGR", locale="zh-CN")
    with db.session_scope() as session:  # 张伟's profile is remembered from his English days
        session.query(Member).filter(Member.slack_id.in_(["U0A1", "U0MGR"])).update({"locale": "zh-CN"})
    text = text_of(open_home(driver, "U0A1"))
    assert "你好，张伟" in text and "客户经理 · 政企客户一部 · 更新于" in text
    assert "你未完成的跟进（2 项），按截止日期从早到晚排列" in text and "*send quote* — Acme Corp · 截止 11月17日周二" in text
    assert "*你的 KPI 进度*" in text and "你的 B 角：<@U0B1>。" in text
    assert "你提的问题中待答复或待你确认的（1 个）" in text
    manager = text_of(open_home(driver, "U0MGR"))
    assert "*团队今日概况*" in manager and "进度落后的客户经理：1 人（共 2 人）" in manager and "逾期跟进：1 项" in manager
    assert "Overdue" not in manager and "Your team" not in manager


# --- Done from the Home ------------------------------------------------------------------


def test_done_on_the_home_marks_it_done_and_publishes_the_home_again(driver, visit_team):
    busy_day(driver)
    view = open_home(driver, "U0A1")
    stored = driver.fake.views["VHOMEU0A1"]
    published = len(homes(driver, "U0A1"))
    result = driver.press("U0A1", done_buttons(view)[0], view=stored)
    assert result.status == 200
    done = followup("send quote")
    assert (done.status, done.done_at is not None) == ("done", True)
    assert len(homes(driver, "U0A1")) == published + 1
    after = last_home(driver, "U0A1")
    text = text_of(after)
    assert ":white_check_mark: Done: *send quote* (Acme Corp)." in text
    assert "Your open follow-up (1)" in text and [b["value"] for b in done_buttons(after)] == [str(followup("call IT").id)]


def test_done_on_someone_elses_follow_up_is_refused_on_the_home(driver, visit_team):
    busy_day(driver)
    speak(driver, "U0B1")
    theirs = str(followup("send quote").id)
    driver.press("U0B1", {"action_id": ids.HOME_FOLLOWUP_DONE, "value": theirs}, view=open_home(driver, "U0B1"))
    assert followup("send quote").status == "open"
    assert ":warning: This follow-up belongs to <@U0A1>" in text_of(last_home(driver, "U0B1"))


# --- refreshed after actions -------------------------------------------------------------


def looking(driver, *users: str) -> None:
    """These people have their Home open (they opened it): actions redraw it for them."""
    for user in users:
        open_home(driver, user)


def test_a_quick_log_refreshes_the_home_of_the_logger_and_of_each_follow_up_owner(driver, visit_team):
    speak(driver, *EVERYONE)
    looking(driver, "U0A1", "U0B1")
    log_visit(driver, "U0A1", "Acme Corp; needs: 20 SIM lines; follow-up: send the contract by 2026-11-30; follow-up: site survey by 2026-11-25 <@U0B1>")
    assert "send the contract" in text_of(last_home(driver, "U0A1"))
    assert "*site survey* — Acme Corp · due Wed, Nov 25" in text_of(last_home(driver, "U0B1"))


def test_done_from_a_reminder_or_the_list_refreshes_the_home(driver, visit_team):
    busy_day(driver)
    looking(driver, "U0A1")
    listing = driver.command("U0A1", "/visit", "followups").reply
    done = next(e for b in listing["blocks"] for e in b.get("elements") or [] if e.get("action_id") == ids.FOLLOWUP_DONE)
    driver.press("U0A1", done, message={"ts": "1.000001", "text": listing["text"], "blocks": listing["blocks"]})
    assert followup("send quote").status == "done"
    assert "Your open follow-up (1)" in text_of(last_home(driver, "U0A1"))


def test_kpi_log_and_undo_refresh_my_pace_on_the_home(driver, visit_team):
    speak(driver, "U0A1")
    looking(driver, "U0A1")
    driver.command("U0A1", "/kpi", "log new_customers 3")
    assert "*New customers*: 3 / 20" in text_of(last_home(driver, "U0A1"))
    driver.command("U0A1", "/kpi", "undo")
    assert "*New customers*: 0 / 20" in text_of(last_home(driver, "U0A1"))


def test_a_handover_request_refreshes_both_homes(driver, visit_team):
    speak(driver, *EVERYONE)
    looking(driver, "U0A1", "U0B1")
    driver.command("U0A1", "/handover", "2026-11-23 2026-11-25 annual leave")
    assert "waiting for an answer" in text_of(last_home(driver, "U0A1"))
    cover = text_of(last_home(driver, "U0B1"))
    assert "*Waiting for your answer*" in cover and "Accept or Decline in the DM ambot sent you." in cover


def test_claiming_a_question_refreshes_the_asker_and_the_responder(driver, visit_team):
    busy_day(driver)
    looking(driver, "U0A1", "U0S1")
    question = driver.fake.messages["DU0S1"][-1]
    claim = next(e for b in question["blocks"] for e in b.get("elements") or [] if e.get("action_id") == ids.QUESTION_CLAIM)
    driver.press("U0S1", claim, message=question, channel_id="DU0S1")
    assert "— claimed (<@U0S1>)" in text_of(last_home(driver, "U0A1"))
    assert "— claimed (<@U0S1>)" in text_of(last_home(driver, "U0S1"))


def test_a_home_that_cannot_be_published_does_not_break_the_action(driver, visit_team):
    speak(driver, *EVERYONE)
    looking(driver, "U0A1")
    published = len(driver.fake.calls_to("views.publish"))
    driver.fake.fail("views.publish", status=200, error="not_enabled", times=5)
    log_visit(driver, "U0A1", "Acme Corp; needs: fibre; follow-up: send quote by 2026-11-30")
    assert followup("send quote").status == "open"
    assert len(driver.fake.calls_to("views.publish")) == published  # refused, logged, and the visit stands


def test_actions_do_not_redraw_a_home_nobody_has_looked_at_lately(driver, visit_team):
    """The Home is rebuilt whenever it is opened; redrawing it after every action is only
    worth it for someone who may be looking at it."""
    speak(driver, *EVERYONE)
    log_visit(driver, "U0A1", "Acme Corp; needs: fibre; follow-up: send quote by 2026-11-30")
    assert not homes(driver, "U0A1")
    looking(driver, "U0A1")
    clock.freeze(NOW + timedelta(hours=9))  # the next morning: they have not opened it since
    log_visit(driver, "U0A1", "Acme Corp; needs: copper; follow-up: call back by 2026-11-30")
    assert len(homes(driver, "U0A1")) == 1


# --- size ----------------------------------------------------------------------------------


def big_team(team_id: int, reps: int = 60, followups: int = 200, questions: int = 30) -> None:
    """`reps` more account managers, each behind on a target and owning a key customer
    nobody visited; 张伟 with `followups` open follow-ups, `questions` he asked and as many
    waiting on him."""
    with db.session_scope() as session:
        members = {m.slack_id: m for m in session.scalars(select(Member).where(Member.team_id == team_id))}
        acme = session.scalar(select(Customer).where(Customer.name == "Acme Corp"))
        for n in range(reps):
            rep = Member(team_id=team_id, slack_id=f"U1R{n:03d}", name=f"Rep {n:03d}", roles=["rep"], rep_level="junior")
            session.add(rep)
            session.flush()
            session.add(KpiTarget(team_id=team_id, member_id=rep.id, period="2026Q4", metric="new_customers", value=Decimal(10 + n)))
            session.add(Customer(team_id=team_id, name=f"Key customer {n:03d}", aliases=[], owner_id=rep.id, tier="key"))
        for n in range(followups):
            session.add(Followup(team_id=team_id, customer_id=acme.id, owner_id=members["U0A1"].id, text=f"promise {n:03d} " + "x" * 200,
                                 due=date(2026, 11, 1) + timedelta(days=n % 17), status="open", created_at=NOW))  # fmt: skip
        circuit = session.scalar(select(Topic.id).where(Topic.team_id == team_id, Topic.key == "circuit"))
        for n in range(questions):
            for asker, assignee in (("U0A1", "U0S1"), ("U0B1", "U0A1")):
                session.add(Question(team_id=team_id, asker_id=members[asker].id, assignee_id=members[assignee].id, topic_id=circuit, level=1, text=f"question {n} " + "y" * 300,
                                     status="open", asked_at=NOW - timedelta(hours=n), sla_due_at=NOW + timedelta(hours=2)))  # fmt: skip


def test_a_large_team_and_long_lists_stay_within_slacks_limits(driver, visit_team):
    big_team(visit_team)
    speak(driver, *EVERYONE)
    with db.session_scope() as session:
        session.get(Member, session.scalar(select(Member.id).where(Member.slack_id == "U0A1"))).roles = ["rep", "support", "manager"]
    view = open_home(driver, "U0A1")  # the fake Slack fails the test on any view over 100 blocks
    text = text_of(view)
    assert len(view["blocks"]) <= 100 and len(done_buttons(view)) == 10
    assert "Your open follow-ups (200), oldest due first" in text and "…and 190 more: `/visit followups` shows them all" in text
    assert "Your questions waiting for an answer or your OK (30)" in text and "…and 24 more: `/ask mine` lists them all." in text
    assert "Questions waiting on you (30), oldest first" in text and "…and 22 more: `/ask mine` lists them all." in text
    assert "Account managers behind pace: 61 of 62" in text and "3. <@U1R" in text and "4. <@" not in text
    assert "Key customers past their visit cadence: 62" in text and "Overdue follow-ups: 200" in text
    assert ":hourglass_flowing_sand: Open questions: 60, of which escalated: 0" in text and ":warning: A/B coverage gaps: 60" in text
    assert all(len(b.get("text", {}).get("text", "")) <= 3000 for b in view["blocks"])
    assert text_of(open_home(driver, "U0MGR")).count("<@U1R") == 3


def test_user_text_on_the_home_is_escaped(driver, visit_team):
    with db.session_scope() as session:
        session.get(Team, visit_team).name = "<!channel> & co"
    speak(driver, "U0A1")
    log_visit(driver, "U0A1", "Acme Corp; follow-up: ping <!here> about <https://evil.example|docs> by 2026-11-30")
    text = text_of(open_home(driver, "U0A1"))
    assert "&lt;!channel&gt; &amp; co" in text and "ping &lt;!here&gt; about &lt;https://evil.example|docs&gt;" in text
    assert "<!channel>" not in text and "<!here>" not in text
