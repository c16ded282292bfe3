"""`followup_reminders` on a frozen clock: working days, weekends, Chinese public holidays
and make-up workdays; once per person and day; to the cover during a handover."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from core import clock
from jobs import registry
from slackio import ids
from slackio.driver import visible_text
from storage.models import Customer, Followup, Handover, Member, OutboxMessage, Team
from tests.e2e import visits_fixtures
from tests.e2e.visits_fixtures import dm_messages, speak
from tests.helpers import db, first_button, runner

visit_team = visits_fixtures.visit_team  # the fixture, shared by the visit tests

NINE_AM = {  # 09:00 in Shanghai
    "wednesday": datetime(2026, 11, 18, 1, 0, tzinfo=UTC),
    "saturday": datetime(2026, 11, 21, 1, 0, tzinfo=UTC),
    "national_day": datetime(2026, 10, 1, 1, 0, tzinfo=UTC),
    "makeup_saturday": datetime(2026, 10, 10, 1, 0, tzinfo=UTC),
}


def promise(customer: str, text: str, due: date | None, owner: str, status: str = "open") -> None:
    with db.session_scope() as session:
        cust = session.scalar(select(Customer).where(Customer.name == customer))
        member = session.scalar(select(Member).where(Member.slack_id == owner))
        session.add(Followup(team_id=cust.team_id, customer_id=cust.id, text=text, owner_id=member.id, due=due, status=status,
                             created_at=datetime(2026, 9, 1, tzinfo=UTC)))  # fmt: skip


def english(*users: str) -> None:
    """As if each had used ambot before: their Slack locale is remembered."""
    with db.session_scope() as session:
        for member in session.scalars(select(Member).where(Member.slack_id.in_(users))):
            member.locale = "en-US"


def run(at: datetime):
    clock.freeze(at)
    return runner.run_now("followup_reminders", at=at)


def test_each_person_gets_one_dm_with_what_is_due_today_and_overdue(driver, visit_team):
    english("U0A1", "U0B1")
    promise("Acme Corp", "send quote", date(2026, 11, 18), "U0A1")
    promise("华东制造集团", "resource check result", date(2026, 11, 13), "U0A1")
    promise("Acme Corp", "later", date(2026, 11, 30), "U0A1")
    promise("Acme Corp", "finished", date(2026, 11, 10), "U0A1", status="done")
    promise("Beta Bank", "contract draft", date(2026, 11, 18), "U0B1")
    report = run(NINE_AM["wednesday"])
    assert (report.queued, report.delivery.sent, report.delivery.failed) == (2, 2, 0)
    [a1] = dm_messages(driver, "U0A1")
    text = visible_text(a1)
    assert "Good morning! Your follow-ups: 1 due today, 1 overdue." in text
    assert text.index("*Due today (1)*") < text.index("send quote") < text.index("*Overdue (1)*") < text.index("resource check result")
    assert "_5 days overdue_" in text and "later" not in text and "finished" not in text
    assert first_button(a1, ids.FOLLOWUP_DONE) and first_button(a1, ids.FOLLOWUP_SNOOZE_DAY)
    [b1] = dm_messages(driver, "U0B1")
    assert "Good morning! 1 follow-up is due today." in visible_text(b1)
    assert "contract draft" in visible_text(b1) and "send quote" not in visible_text(b1)


def test_never_twice_for_the_same_person_and_day(driver, visit_team):
    promise("Acme Corp", "send quote", date(2026, 11, 18), "U0A1")
    run(NINE_AM["wednesday"])
    again = run(NINE_AM["wednesday"] + timedelta(hours=2))
    assert (again.queued, again.delivery.sent) == (0, 0)
    assert len(dm_messages(driver, "U0A1")) == 1
    with db.session_scope() as session:
        assert session.execute(select(OutboxMessage.job, OutboxMessage.recipient, OutboxMessage.period)).all() == [
            ("followup_reminders", "U0A1", "2026-11-18")
        ]
    tomorrow = run(NINE_AM["wednesday"] + timedelta(days=1))
    assert tomorrow.delivery.sent == 1  # still overdue the next morning: reminded again


@pytest.mark.parametrize(("day", "expected"), [("saturday", 0), ("national_day", 0), ("makeup_saturday", 1)])
def test_days_off_follow_the_teams_calendar(driver, visit_team, day, expected):
    promise("Acme Corp", "send quote", date(2026, 9, 28), "U0A1")
    report = run(NINE_AM[day])
    assert report.delivery.sent == expected
    assert len(dm_messages(driver, "U0A1")) == expected
    if expected:  # the team speaks Chinese; nothing is due today, one promise is late
        assert "早上好！你有 1 项跟进已逾期，请今天抓紧处理。" in visible_text(dm_messages(driver, "U0A1")[0])


def test_a_team_without_the_chinese_calendar_works_on_national_day(driver, visit_team):
    with db.session_scope() as session:
        session.get(Team, visit_team).calendar = "none"
    promise("Acme Corp", "send quote", date(2026, 9, 28), "U0A1")
    assert run(NINE_AM["national_day"]).delivery.sent == 1
    assert run(NINE_AM["makeup_saturday"]).delivery.sent == 0


def test_during_a_handover_the_cover_gets_the_reminders(driver, visit_team):
    english("U0A1", "U0B1")
    promise("Acme Corp", "send quote", date(2026, 11, 18), "U0A1")
    promise("Beta Bank", "contract draft", date(2026, 11, 17), "U0B1")
    with db.session_scope() as session:
        members = {m.slack_id: m.id for m in session.scalars(select(Member))}
        session.add(Handover(team_id=visit_team, member_id=members["U0A1"], cover_id=members["U0B1"], status="accepted",
                             starts_at=datetime(2026, 11, 17, tzinfo=UTC), ends_at=datetime(2026, 11, 20, tzinfo=UTC),
                             created_at=datetime(2026, 11, 10, tzinfo=UTC)))  # fmt: skip
    run(NINE_AM["wednesday"])
    assert dm_messages(driver, "U0A1") == []
    [b1] = dm_messages(driver, "U0B1")
    text = visible_text(b1)
    assert "send quote" in text and "covering for <@U0A1>" in text and "contract draft" in text


def test_the_reminder_speaks_the_readers_language_and_escapes_user_text(driver, visit_team):
    promise("Acme Corp", "call <!channel> back & <@U0B1>", date(2026, 11, 18), "U0A1")  # no Slack profile: the team's zh
    run(NINE_AM["wednesday"])
    [a1] = dm_messages(driver, "U0A1")
    text = visible_text(a1)
    assert "早上好！你今天有 1 项跟进到期。" in text
    assert "call &lt;!channel&gt; back &amp; &lt;@U0B1&gt;" in text and "<!channel>" not in text


def test_done_from_the_reminder_updates_that_reminder(driver, visit_team):
    speak(driver, "U0A1")
    promise("Acme Corp", "send quote", date(2026, 11, 18), "U0A1")
    run(NINE_AM["wednesday"])
    [dm] = dm_messages(driver, "U0A1")
    posted = driver.fake.messages["DU0A1"][-1]
    pressed = driver.press("U0A1", first_button(dm, ids.FOLLOWUP_DONE), message=posted)
    assert "Done — marked by <@U0A1>." in pressed.reply_text and pressed.reply["replace_original"] is True
    assert not any(b["type"] == "actions" for b in pressed.reply["blocks"])
    with db.session_scope() as session:
        assert session.scalar(select(Followup.status)) == "done"


def test_the_job_runs_daily_at_the_teams_reminder_time():
    spec = registry.get("followup_reminders")
    assert spec is not None and spec.run is not None and spec.trigger is not None
    default = spec.trigger(registry.TeamSchedule(1, "Asia/Shanghai", "fri", "16:00", {}))
    custom = spec.trigger(registry.TeamSchedule(2, "Europe/London", "fri", "16:00", {"followup_reminders": {"time": "08:15"}}))
    assert default == {"trigger": "cron", "hour": 9, "minute": 0, "timezone": "Asia/Shanghai"}
    assert custom == {"trigger": "cron", "hour": 8, "minute": 15, "timezone": "Europe/London"}


def test_snooze_in_the_reminder_moves_the_follow_up_once_however_often_it_is_pressed(driver, visit_team):
    english("U0A1")
    promise("Acme Corp", "send quote", date(2026, 11, 18), "U0A1")
    run(NINE_AM["wednesday"])
    [a1] = dm_messages(driver, "U0A1")
    snooze = first_button(a1, ids.FOLLOWUP_SNOOZE_DAY)
    assert snooze["value"].endswith(":2026-11-18")
    message = dict(a1, ts="1700000000.000200")
    first = driver.press("U0A1", snooze, message=message)
    assert "Snoozed — now due Thu, Nov 19." in visible_text(first.reply)
    again = driver.press("U0A1", snooze, message=message)
    assert "already been moved and is now due Thu, Nov 19" in again.reply_text
    with db.session_scope() as session:
        assert str(session.scalar(select(Followup.due))) == "2026-11-19"
