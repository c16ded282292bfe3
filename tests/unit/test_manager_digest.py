"""The manager digest of the demo team on Monday 7 December 2026, checked against the
records and the query functions the other capabilities use."""

from __future__ import annotations

from collections import Counter
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from core import clock
from services.handover_reports import coverage_gaps
from services.kpi import team_pace
from services.manager_digest import manager_digest
from storage import kpi as kpi_queries
from storage import questions as question_store
from storage.models import KpiEntry, Member
from storage.visits import customers_past_cadence
from tests import reports_scenario as scenario


@pytest.fixture
def demo(database):
    clock.freeze(scenario.MONDAY)
    with database.session_scope() as session:
        team_id = scenario.load(session)
    with database.session_scope() as session:
        return team_id, manager_digest(session, team_id, scenario.MONDAY)


def test_the_digest_is_for_this_week_and_goes_to_each_manager(demo):
    _, d = demo
    assert (d.week, d.today, d.last_monday, d.last_sunday) == ("2026-W50", date(2026, 12, 7), date(2026, 11, 30), date(2026, 12, 6))
    assert [m.slack_id for m in d.managers] == ["U0MGR"]


def test_exceptions_first_the_coverage_gaps_and_the_stuck_question(database, demo):
    team_id, d = demo
    with database.session_scope() as session:
        assert d.gaps == coverage_gaps(session, team_id, scenario.MONDAY)
    assert d.gaps.unpaired == ["U0REP9"]
    [pair] = d.gaps.pairs_both_away
    assert set(pair.members) == {"U0REP3", "U0REP4"} and (pair.window.first_day, pair.window.last_day) == (date(2026, 12, 9), date(2026, 12, 10))
    assert [(h.member, h.status) for h in d.gaps.unanswered] == [("U0REP3", "requested")]
    [stuck] = d.stuck_questions
    assert stuck.assignee == "U0SUP1" and stuck.overdue and stuck.asked_on == date(2026, 12, 3)
    assert d.actions == 4


def test_pace_is_the_kpi_pace(database, demo):
    team_id, d = demo
    with database.session_scope() as session:
        assert d.pace == team_pace(session, team_id, d.today)


def test_overdue_follow_ups_per_rep_agree_with_the_nudges(database, demo):
    team_id, d = demo
    with database.session_scope() as session:
        ids = dict(session.execute(select(Member.id, Member.slack_id)).all())
        counts = kpi_queries.followup_counts(session, team_id, d.today, d.today)
    expected = {ids[owner]: overdue for owner, (overdue, _) in counts.items() if overdue}
    assert {o.slack_id: o.count for o in d.overdue} == expected
    assert d.overdue_total == sum(expected.values()) > 0
    assert [o.count for o in d.overdue] == sorted(expected.values(), reverse=True)
    assert all(o.days == (d.today - o.oldest_due).days > 0 for o in d.overdue)


def test_key_customers_past_cadence_are_those_of_the_visit_lists(database, demo):
    team_id, d = demo
    with database.session_scope() as session:
        expected = customers_past_cadence(session, team_id, d.today, tiers=("key",))
    assert list(d.past_cadence) == expected[:8] and d.past_cadence_total == len(expected) > 0


def test_lost_customers_and_complaints_of_last_week(database, demo):
    _, d = demo
    with database.session_scope() as session:
        ids = dict(session.execute(select(Member.id, Member.slack_id)).all())
        entries = session.scalars(
            select(KpiEntry).where(KpiEntry.occurred_on.between(d.last_monday, d.last_sunday), KpiEntry.undone.is_(False))
        ).all()
    lost: Counter[str] = Counter()
    complaints: Counter[str] = Counter()
    for e in entries:
        if e.metric == "lost_customers":
            lost[ids[e.member_id]] += e.value
        elif e.metric == "complaints":
            complaints[ids[e.member_id]] += e.value
    assert d.lost_customers == sum(lost.values(), Decimal(0)) == 1
    assert d.complaints == sum(complaints.values(), Decimal(0)) > 0
    assert {p.slack_id: (p.lost_customers, p.complaints) for p in d.problems} == {
        who: (lost.get(who, 0), complaints.get(who, 0)) for who in set(lost) | set(complaints)
    }
    assert any(e.note == "转网到友商 & 不再续约" for e in d.problem_entries)


def test_open_questions_and_responders(database, demo):
    team_id, d = demo
    with database.session_scope() as session:
        open_ids = [q.id for q in question_store.open_questions(session, team_id)]
    assert [q.id for q in d.open_questions] == open_ids and d.open_total == 1
    responders = {r.slack_id: r for r in d.responders}
    assert responders["U0SUP1"].open == 1
    answered = {slack: r.stats.answered for slack, r in responders.items() if r.stats}
    assert sum(answered.values()) >= 3  # the seeded answers of the last four weeks
    assert all(r.stats.to_answer.median_minutes is not None for r in responders.values() if r.stats and r.stats.answered)
