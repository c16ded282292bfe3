"""Issue 18 "found on main", each through signed requests: early December, reps type dates
the way they speak, calendars run into 2027, WeChat visits, planned visits."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from core import clock
from slackio.driver import visible_text
from storage.models import CalendarOverride, Handover
from tests.e2e import visits_fixtures
from tests.e2e.visits_fixtures import counts, dm_messages, speak, visits_of
from tests.helpers import db, runner

visit_team = visits_fixtures.visit_team  # the fixture, shared by the visit tests

EARLY_DECEMBER = datetime(2026, 12, 3, 2, 0, tzinfo=UTC)  # Thursday, 10:00 in Shanghai


@pytest.fixture
def december(visit_team: int) -> int:
    clock.freeze(EARLY_DECEMBER)
    return visit_team


def nine_am(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 1, 0, tzinfo=UTC)


def log(driver, line: str, user: str = "U0A1") -> str:
    return driver.command(user, "/visit", line).reply_text


# --- `跟进：… 截止 1月5日` is next January, and its reminder comes -----------------------------


def test_a_due_date_without_a_year_in_december_is_next_january_and_is_reminded(driver, december):
    speak(driver, "U0A1", locale="zh-CN")
    reply = log(driver, "Acme Corp；需求：专线扩容；跟进：发报价 截止 1月5日")
    assert "2027年1月5日" in reply  # a date outside this year shows its year
    [visit] = visits_of("Acme Corp")
    assert [(f.text, f.due) for f in visit.followups] == [("发报价", date(2027, 1, 5))]
    clock.freeze(nine_am(date(2027, 1, 5)))
    runner.run_now("followup_reminders", at=nine_am(date(2027, 1, 5)))
    [reminder] = dm_messages(driver, "U0A1")
    assert "发报价" in visible_text(reminder)


# --- the forms that were refused or misread ---------------------------------------------------


@pytest.mark.parametrize(
    ("line", "visit_date"),
    [
        ("Acme Corp; date: Nov 28; notes: lunch", date(2026, 11, 28)),
        ("Acme Corp; date: 28 Nov; notes: lunch", date(2026, 11, 28)),
        ("Acme Corp; date: last fri; notes: lunch", date(2026, 11, 27)),
        ("Acme Corp；日期：上周五；备注：午餐", date(2026, 11, 27)),
    ],
)
def test_visit_dates_as_people_write_them(driver, december, line, visit_date):
    speak(driver, "U0A1")
    assert "Visit logged" in log(driver, line) or "拜访已记录" in log(driver, line)
    assert [v.visit_date for v in visits_of("Acme Corp")] == [visit_date]


def test_month_end_as_a_due_date(driver, december):
    speak(driver, "U0A1")
    log(driver, "Acme Corp；需求：专线；跟进：发合同 截止月底")
    [visit] = visits_of("Acme Corp")
    assert visit.followups[0].due == date(2026, 12, 31)


@pytest.mark.parametrize("window", ["12月8日-12月10日", "12月8日至10日", "8-10号", "Dec 8-10", "Dec 8 to Dec 10"])
def test_leave_ranges_as_people_write_them(driver, december, window):
    speak(driver, "U0A1")
    result = driver.command("U0A1", "/handover", f"{window} 年假")
    assert "refus" not in result.reply_text.lower(), result.reply_text
    with db.session_scope() as session:
        [handover] = session.scalars(select(Handover)).all()
        local = [moment.astimezone(ZoneInfo("Asia/Shanghai")).date() for moment in (handover.starts_at, handover.ends_at)]
    assert local[0] == date(2026, 12, 8) and local[1] in (date(2026, 12, 10), date(2026, 12, 11))


def test_a_reversed_relative_range_is_refused_naming_what_was_read(driver, december):
    speak(driver, "U0A1")
    result = driver.command("U0A1", "/handover", "下周五 下周三 年假")
    assert "“下周五 下周三”" in result.reply_text
    assert "Fri, Dec 11, 2026 to Wed, Dec 9, 2026" in result.reply_text
    with db.session_scope() as session:
        assert session.scalars(select(Handover)).all() == []


@pytest.mark.parametrize(
    ("line", "says"),
    [
        ("Acme Corp；需求：专线；跟进：发报价 截止2月30日", "a day that does not exist"),
        ("Acme Corp；日期：11月30日；需求：专线；跟进：发报价 截止 2026-12-01", "which has already passed"),
        ("Acme Corp；需求：专线；下次：11月30日", "almost a year away"),
        ("Acme Corp；日期：12月5日；需求：专线", "almost a year away"),
    ],
)
def test_impossible_past_and_far_dates_are_refused_and_nothing_is_written(driver, december, line, says):
    speak(driver, "U0A1")
    reply = log(driver, line)
    assert says in reply, reply
    assert counts() == (0, 0)


def test_the_refusal_speaks_chinese_with_full_width_punctuation(driver, december):
    speak(driver, "U0A1", locale="zh-CN")
    reply = log(driver, "Acme Corp；需求：专线；下次：11月30日")
    assert "“11月30日”会被理解为 2027年11月30日" in reply and "，" in reply and "。" in reply


# --- dates in another year show the year ------------------------------------------------------


def test_dates_in_another_year_show_the_year(driver, december):
    speak(driver, "U0A1")
    reply = log(driver, "Acme Corp; needs: lines; follow-up: send quote by Jan 5; next: Dec 10")
    assert "Jan 5, 2027" in reply
    assert "Dec 10, 2026" not in reply.replace("Thu, Dec 10, 2026", "")  # this year's day: no year


# --- calendars that don't run out -------------------------------------------------------------


def test_amteam_show_and_the_manager_are_warned_about_2027(driver, december):
    shown = driver.command("U0MGR", "/amteam", "show").reply_text
    assert "make-up" in shown or "调休" in shown
    first = runner.run_now("calendar_check", at=EARLY_DECEMBER)
    again = runner.run_now("calendar_check", at=EARLY_DECEMBER.replace(day=4))
    assert (first.queued, again.queued) == (1, 0)  # once
    [dm] = dm_messages(driver, "U0MGR")
    assert "2027" in visible_text(dm)


def test_team_days_silence_the_warning_and_change_working_days(driver, december):
    holiday = driver.command("U0MGR", "/amteam", "calendar add holiday 2027-02-06..2027-02-12 春节")
    assert "2027" in holiday.reply_text
    workday = driver.command("U0MGR", "/amteam", "calendar add workday 2027-02-14")
    assert "2027" in workday.reply_text
    with db.session_scope() as session:
        days = session.scalars(select(CalendarOverride).order_by(CalendarOverride.day)).all()
        assert [(o.day, o.kind, o.name) for o in days][:1] == [(date(2027, 2, 6), "holiday", "春节")]
        assert (days[-1].day, days[-1].kind) == (date(2027, 2, 14), "workday")
    assert runner.run_now("calendar_check", at=EARLY_DECEMBER).queued == 0
    shown = driver.command("U0MGR", "/amteam", "show").reply_text
    assert "not published" not in shown and "尚未" not in shown


def test_only_managers_set_the_calendar_and_typos_are_refused(driver, december):
    refused = driver.command("U0A1", "/amteam", "calendar add holiday 2027-02-06")
    assert "manager" in refused.reply_text.lower() or "经理" in refused.reply_text
    too_long = driver.command("U0MGR", "/amteam", "calendar add holiday 2027-02-06..2027-06-12")
    assert "45" in too_long.reply_text
    backwards = driver.command("U0MGR", "/amteam", "calendar add holiday 2027-02-12..2027-02-06")
    assert "2027" in backwards.reply_text
    with db.session_scope() as session:
        assert session.scalars(select(CalendarOverride)).all() == []


# --- WeChat visits ----------------------------------------------------------------------------


@pytest.mark.parametrize(("word", "kind"), [("微信", "wechat"), ("面访", "onsite"), ("邮件", "email"), ("会议", "meeting"), ("WeChat", "wechat")])
def test_wechat_and_the_other_kinds_are_accepted(driver, december, word, kind):
    speak(driver, "U0A1")
    log(driver, f"Acme Corp；方式：{word}；备注：沟通报价")
    assert [v.type for v in visits_of("Acme Corp")] == [kind]


def test_a_kind_the_team_does_not_use_is_refused_with_its_list(driver, december):
    speak(driver, "U0A1", locale="zh-CN")
    reply = log(driver, "Acme Corp；方式：传真；备注：沟通报价")
    assert "“传真”" in reply and "微信" in reply and "面访" in reply or "上门" in reply
    assert counts() == (0, 0)


# --- planned visits ---------------------------------------------------------------------------


def test_a_planned_visit_is_listed_reminded_and_flagged_when_missed(driver, december):
    speak(driver, "U0A1")
    log(driver, "Acme Corp; needs: lines; next: 12月10日")
    listing = driver.command("U0A1", "/visit", "list").reply_text
    assert "Planned visits" in listing and "Dec 10" in listing
    # reminded the working day before (Wednesday 9 December)
    clock.freeze(nine_am(date(2026, 12, 9)))
    runner.run_now("followup_reminders", at=nine_am(date(2026, 12, 9)))
    [before] = dm_messages(driver, "U0A1")
    assert "Visits planned for the next working day (1)" in visible_text(before) and "Acme Corp" in visible_text(before)
    # the day passes without a visit: flagged in the next reminder, once
    clock.freeze(nine_am(date(2026, 12, 11)))
    runner.run_now("followup_reminders", at=nine_am(date(2026, 12, 11)))
    after = dm_messages(driver, "U0A1")[-1]
    assert "passed without a visit (1)" in visible_text(after)
    clock.freeze(nine_am(date(2026, 12, 14)))
    runner.run_now("followup_reminders", at=nine_am(date(2026, 12, 14)))
    assert all("passed without a visit" not in visible_text(m) for m in dm_messages(driver, "U0A1")[2:])
    # and in the manager digest
    digest = driver.command("U0MGR", "/digest", "manager").reply_text
    assert "passed without a visit" in digest or "计划日期已过" in digest


def test_a_later_visit_keeps_the_plan(driver, december):
    speak(driver, "U0A1")
    log(driver, "Acme Corp; needs: lines; next: 12月10日")
    clock.freeze(nine_am(date(2026, 12, 10)))
    log(driver, "Acme Corp; notes: signed")
    listing = driver.command("U0A1", "/visit", "list").reply_text
    assert "Planned visits" not in listing


def test_the_weekly_summary_lists_the_weeks_planned_visits(driver, december):
    speak(driver, "U0A1")
    log(driver, "Acme Corp; needs: lines; next: 12月4日")
    summary = driver.command("U0MGR", "/digest", "weekly").reply_text
    assert "本周计划拜访" in summary or "Visits planned this week: 1" in summary


def test_the_home_shows_my_planned_visits(driver, december):
    speak(driver, "U0A1")
    log(driver, "Acme Corp; needs: lines; next: 12月10日")
    driver.event({"type": "app_home_opened", "user": "U0A1", "tab": "home", "channel": "DU0A1", "event_ts": "1.0"})
    published = driver.fake.calls_to("views.publish")[-1].body["view"]
    assert "Planned visits" in visible_text(published)



# --- the visit form refuses the same dates ----------------------------------------------------


def test_the_form_refuses_a_passed_due_date_and_plan_but_keeps_an_overdue_one_editable(driver, december):
    from tests.e2e.visits_fixtures import customer_id, form_values, opened_view

    speak(driver, "U0A1")
    driver.command("U0A1", "/visit", "")
    view = opened_view(driver)
    values = form_values(customer=customer_id("Acme Corp"), date="2026-11-30", needs="lines",
                         followups=[("send quote", "2026-12-01", None)], next_visit="2026-12-02")  # fmt: skip
    result = driver.submit("U0A1", view, values)
    assert result.json["errors"] == {
        "due": "This due date has already passed: pick a day still to come.",
        "next_visit": "The next visit cannot be on a day that has already passed.",
    }
    assert counts() == (0, 0)
    # logged on the day, it becomes overdue later: editing the visit keeps that due date
    clock.freeze(datetime(2026, 11, 30, 2, 0, tzinfo=UTC))
    log(driver, "Acme Corp; date: 2026-11-30; needs: lines; follow-up: send quote by 2026-12-01")
    clock.freeze(EARLY_DECEMBER)
    [visit] = visits_of("Acme Corp")
    driver.fake.calls.clear()
    listing = driver.command("U0A1", "/visit", "list")
    edit = next(b for m in listing.replies for b in m.get("blocks", []) if b.get("accessory", {}).get("text", {}).get("text") == "Edit")
    driver.press("U0A1", edit["accessory"])
    view = opened_view(driver)
    values = form_values(customer=customer_id("Acme Corp"), date="2026-11-30", needs="lines and more",
                         followups=[("send quote", "2026-12-01", None)])  # fmt: skip
    result = driver.submit("U0A1", view, values)
    assert not (result.json or {}).get("errors"), result.json
    assert visits_of("Acme Corp")[0].needs == "lines and more" and visit.id == visits_of("Acme Corp")[0].id
