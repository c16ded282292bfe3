"""Nothing reaches nobody: every scheduled job, run over a week in which a rep and a support
engineer are no longer on the team (deactivated as `config load --replace` leaves them,
still owning customers, follow-ups, questions and a handover). No message is queued for
them; what was theirs goes to the customer's owner, else to the manager, marked as such,
and the manager digest lists it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update

from core import clock
from jobs import registry
from slackio.driver import visible_text
from storage.models import Handover, Member, OutboxMessage
from tests.helpers import db, runner

LOGGED = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)  # Friday 27 Nov, 10:00 in Shanghai
ASKED = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)  # Tuesday 1 Dec, 10:00
GONE = {"U0A1", "U0S1"}


def speak(driver, *users):
    for user in users:
        driver.fake.users[user] = {"locale": "en-US", "tz": "Asia/Shanghai", "real_name": user}


def week_of_runs() -> list[datetime]:
    """Every three hours from Tuesday 1 Dec 09:00 to Tuesday 8 Dec 09:00 (Shanghai): each job's
    cron time falls in it, and the every-minute jobs run often."""
    start = datetime(2026, 12, 1, 1, 0, tzinfo=UTC)
    return [start + timedelta(hours=h) for h in range(0, 7 * 24 + 1, 3)]


def test_every_scheduled_job_routes_around_people_who_have_left(driver, team):
    speak(driver, "U0MGR", "U0A1", "U0B1", "U0S1")
    clock.freeze(LOGGED)
    # U0A1's customer, a follow-up due Monday and a visit planned for Wednesday.
    driver.command("U0A1", "/visit", "华东制造集团；需求：专线扩容；跟进：发报价 截止 11月30日；下次：12月2日")
    # A follow-up of U0A1's on a customer U0B1 owns: it goes to U0B1.
    driver.command("U0MGR", "/amteam", "customer add 江南银行 owner <@U0B1|ln>")
    driver.command("U0B1", "/visit", "江南银行；需求：网银；跟进：核对账单 截止 11月30日 <@U0A1|zw>；跟进：发合同 截止 11月30日")
    clock.freeze(ASKED)
    driver.command("U0A1", "/ask", "苏州到上海的 MPLS 专线 电路 资源核查要几天？")  # routed to U0S1
    with db.session_scope() as s:
        a1 = s.scalar(select(Member).where(Member.slack_id == "U0A1"))
        b1 = s.scalar(select(Member).where(Member.slack_id == "U0B1"))
        s.add(Handover(team_id=a1.team_id, member_id=a1.id, cover_id=b1.id, status="accepted", created_at=ASKED,
                       starts_at=datetime(2026, 12, 2, 16, 0, tzinfo=UTC), ends_at=datetime(2026, 12, 3, 16, 0, tzinfo=UTC)))
        # U0B1 away Monday 7 Dec with U0A1, now gone, as the cover.
        s.add(Handover(team_id=a1.team_id, member_id=b1.id, cover_id=a1.id, status="accepted", created_at=ASKED,
                       starts_at=datetime(2026, 12, 6, 16, 0, tzinfo=UTC), ends_at=datetime(2026, 12, 7, 16, 0, tzinfo=UTC)))
        s.execute(update(Member).where(Member.slack_id.in_(GONE)).values(active=False))

    names = [name for name, spec in registry.all_jobs().items() if spec.run is not None]
    assert {"followup_reminders", "question_escalation", "handover_transitions", "manager_digest", "kpi_nudges", "weekly_summary"} <= set(names)
    for at in week_of_runs():
        clock.freeze(at)
        for name in names:
            runner.run_now(name, at=at)

    with db.session_scope() as s:
        rows = s.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
        assert rows and not [r for r in rows if r.recipient in GONE]
        rerouted = {(r.job, r.rerouted_from, r.recipient) for r in rows if r.rerouted_from}
        digests = [r for r in rows if r.job == "manager_digest" and r.recipient == "U0MGR"]
    # U0A1's own follow-up: the customer has no owner on the team, so the manager; the one
    # on U0B1's customer: U0B1. The question's notices and the hand-back: the manager.
    assert ("followup_reminders", "U0A1", "U0MGR") in rerouted
    assert ("followup_reminders", "U0A1", "U0B1") in rerouted
    assert ("handover_transitions", "U0A1", "U0MGR") in rerouted
    assert any(job == "question_escalation" and meant in GONE for job, meant, _ in rerouted)
    # A cover who has left covers nobody: U0B1's own reminder still reaches U0B1 that Monday.
    assert any(r.job == "followup_reminders" and r.recipient == "U0B1" and r.period == "2026-12-07" and "发合同" in visible_text(r.payload) for r in rows)
    reminder = next(r for r in rows if r.job == "followup_reminders" and r.rerouted_from == "U0A1" and r.recipient == "U0B1")
    text = visible_text(reminder.payload)
    assert "Meant for <@U0A1>, who is no longer on the team" in text and "核对账单" in text
    digest = "\n".join(visible_text(d.payload) for d in digests)
    assert "Meant for people who have left" in digest and "for <@U0A1>, went to <@U0MGR>" in digest
