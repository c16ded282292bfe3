"""Roles, not data, shape the views: a support engineer who holds a KPI target, a customer
and a visit is not a rep row in the pace table or the weekly summary (their visit still
counts in the team's totals), and every support engineer is in the question statistics."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy import select

from core import clock
from services import weekly_summary
from storage.models import Customer, KpiTarget, Member, Visit
from tests.helpers import db

NOW = datetime(2026, 12, 2, 2, 0, tzinfo=UTC)  # Wednesday 10:00 in Shanghai


def speak(driver, *users):
    for user in users:
        driver.fake.users[user] = {"locale": "en-US", "tz": "Asia/Shanghai", "real_name": user}


def test_a_support_engineer_with_rep_data_is_not_a_rep_row(driver, team):
    speak(driver, "U0MGR", "U0A1", "U0S1", "U0S2")
    clock.freeze(NOW)
    driver.command("U0MGR", "/amteam", "add <@U0S2|s2> support 2")
    with db.session_scope() as s:  # data a support engineer may hold from before (a config load)
        s1 = s.scalar(select(Member).where(Member.slack_id == "U0S1"))
        s.add(KpiTarget(team_id=s1.team_id, member_id=s1.id, period="2026Q4", metric="new_customers", value=Decimal(5)))
        customer = Customer(team_id=s1.team_id, name="江南银行", aliases=[], tier="key", owner_id=s1.id)
        s.add(customer)
        s.flush()
        s.add(Visit(team_id=s1.team_id, customer_id=customer.id, rep_id=s1.id, logged_by_id=s1.id, visit_date=date(2026, 12, 1),
                    type="onsite", needs="网银", logged_at=NOW))
    driver.command("U0A1", "/visit", "华东制造集团；需求：专线扩容")

    pace = driver.command("U0MGR", "/kpi", "team").reply_text
    assert "<@U0A1>" in pace and "<@U0S1>" not in pace
    with db.session_scope() as s:
        summary = weekly_summary.weekly_summary(s, team, NOW)
    assert [r.slack_id for r in summary.reps if r.slack_id.startswith("U0S")] == []
    assert summary.visits == 2  # the support engineer's visit is the team's, not a rep's

    digest = driver.command("U0MGR", "/digest", "manager").reply_text
    stats = digest.split("Responders, last 28 days", 1)[1]
    assert "<@U0S1>" in stats and "<@U0S2> — nothing asked of them lately" in stats
    assert "<@U0A1>" not in stats
